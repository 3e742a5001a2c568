import { z } from 'zod'
import { codeSchema, localizedTextSchema } from '../catalog-schema'
import { CASE_EVENT_TYPES, CASE_STATES, caseEventSchema, caseSchema, publicDepartmentSchema, routingSchema } from '../dispatch-schema'

/**
 * Departments, routing and cases over HTTP (server/http/dispatch-router.ts):
 *   GET    /api/departments                        { departments }   (secrets never answered: `secretSet`)
 *   GET    /api/departments/:code                  { definition, version, updated, updatedBy }
 *   PUT    /api/departments/:code { definition, version? }   admins; a channel sent without its secret keeps the stored one
 *   DELETE /api/departments/:code[?version=]       409 while routes name it or it supervises others
 *   GET    /api/departments/:code/history
 *   GET    /api/routing, PUT /api/routing { definition, version? }
 *   GET    /api/alerts/:id/route                   { department, deadlineMinutes }: what the console proposes
 *   POST   /api/alerts/:id/dispatch { department, deadlineMinutes?, note? }   → the case and its link (201)
 *   GET    /api/cases?state=&department=&overdue=  { cases }
 *   GET    /api/cases/:id                          { case, events }
 *   POST   /api/cases/:id/verify { ok, comment }   → the case
 */

export const departmentListReplySchema = z.object({ departments: z.array(publicDepartmentSchema) })
export type DepartmentListReply = z.infer<typeof departmentListReplySchema>
export const departmentReplySchema = z.object({ definition: publicDepartmentSchema, version: z.number(), updated: z.number(), updatedBy: z.string() })
export type DepartmentReply = z.infer<typeof departmentReplySchema>
export const routingReplySchema = z.object({ definition: routingSchema.extend({ id: z.string() }), version: z.number(), updated: z.number(), updatedBy: z.string() })

export const routeReplySchema = z.object({
  /** The routed department, or null when no route matches (the officer chooses). */
  department: codeSchema.nullable(),
  deadlineMinutes: z.number(),
})
export type RouteReply = z.infer<typeof routeReplySchema>

export const dispatchBodySchema = z.strictObject({
  department: codeSchema,
  deadlineMinutes: z
    .number({ error: 'deadlineMinutes must be a number of minutes' })
    .int('deadlineMinutes must be a whole number of minutes')
    .positive('deadlineMinutes must be in the future: more than 0 minutes')
    .max(60 * 24 * 90, 'deadlineMinutes must be at most 90 days')
    .optional(),
  note: z.string().max(2000, 'note must be at most 2000 characters').default(''),
})

export const caseReplySchema = caseSchema
/** The dispatch's answer: the case, and the link (`/r/<token>`) the department answers it through. */
export const dispatchReplySchema = caseSchema.extend({ link: z.string() })
export type DispatchReply = z.infer<typeof dispatchReplySchema>

/**
 * The department's page (`/r/<token>`), no account: GET /api/feedback with the
 * token in `X-Case-Token` says what the case is about; POST
 * /api/cases/:id/feedback { token, action, text } accepts it or reports back.
 */
export const feedbackViewReplySchema = z.object({
  case: caseSchema,
  expiresAt: z.number(),
  department: localizedTextSchema,
  /** From the province down to the alert's region. */
  place: z.array(localizedTextSchema),
  station: localizedTextSchema.nullable(),
  indicator: localizedTextSchema,
  unit: z.object({ zh: z.string(), en: z.string() }),
  message: localizedTextSchema.nullable(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  events: z.array(z.object({ type: z.enum(CASE_EVENT_TYPES), at: z.number(), text: z.string() })),
})
export type FeedbackViewReply = z.infer<typeof feedbackViewReplySchema>

export const feedbackBodySchema = z
  .strictObject({
    token: z.string({ error: 'token is required: the link the case was sent with' }).min(1).max(512),
    action: z.enum(['accept', 'report'], { error: 'action must be accept or report' }),
    text: z.string().max(4000, 'text must be at most 4000 characters').default(''),
  })
  .refine((b) => b.action !== 'report' || b.text.trim() !== '', { message: 'a report says what was done', path: ['text'] })
export const caseListQuerySchema = z.strictObject({
  state: z.enum(CASE_STATES, { error: `state must be one of ${CASE_STATES.join(', ')}` }).optional(),
  department: codeSchema.optional(),
  overdue: z.enum(['true', 'false'], { error: 'overdue must be true or false' }).optional(),
  /** The cases of one alert. */
  alert: z.string().min(1).max(128).optional(),
})
export const caseListReplySchema = z.object({ cases: z.array(caseSchema) })
export type CaseListReply = z.infer<typeof caseListReplySchema>
export const caseDetailReplySchema = z.object({ case: caseSchema, events: z.array(caseEventSchema) })
export type CaseDetailReply = z.infer<typeof caseDetailReplySchema>

export const verifyBodySchema = z.strictObject({
  ok: z.boolean({ error: 'ok must be true (close the case) or false (return it)' }),
  comment: z.string().max(2000).default(''),
}).refine((b) => b.ok || b.comment.trim() !== '', { message: 'a case returned needs a comment saying why', path: ['comment'] })
