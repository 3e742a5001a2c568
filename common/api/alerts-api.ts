import { z } from 'zod'
import { AlertEventSchema } from '../alert-events'
import { ALERT_STATES, alertSchema, silenceSchema } from '../alert-state'
import { SEVERITIES } from '../rule-schema'
import { noParams } from './params'

/**
 * The duty officer's API: /api/alerts (list, pending, one alert, its
 * history, the actions on it) and /api/silences — each route's query, body
 * and reply.
 */

/** Most alerts one list may hold. */
export const MAX_ALERT_LIST_LIMIT = 5000

const list = <T extends string>(values: readonly T[], name: string) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values as [T, ...T[]], { error: (i) => `${name} must be among ${values.join(', ')} (got "${String(i.input)}")` })).min(1))

// --- GET /api/alerts ---------------------------------------------------------

export const alertListQuerySchema = z.strictObject({
  state: list(ALERT_STATES, 'state').optional(),
  severity: list(SEVERITIES, 'severity').optional(),
  domain: z.string().max(64).optional(),
  region: z.string().max(16).optional(),
  indicator: z.string().max(64).optional(),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be 1 or more')
    .max(MAX_ALERT_LIST_LIMIT, `limit must be at most ${MAX_ALERT_LIST_LIMIT}`)
    .optional(),
})

export const alertListReplySchema = z.object({ alerts: z.array(alertSchema) })
export type AlertListReply = z.infer<typeof alertListReplySchema>

// --- GET /api/alerts/pending -------------------------------------------------

/** A condition holding but not yet for long enough: what is about to fire. */
export const pendingAlertSchema = z.object({
  ruleId: z.string(),
  indicator: z.string(),
  region: z.string(),
  station: z.string(),
  since: z.number(),
  count: z.number(),
})
export const pendingReplySchema = z.object({ pending: z.array(pendingAlertSchema) })
export type PendingReply = z.infer<typeof pendingReplySchema>

// --- GET /api/alerts/:id, and every action's reply ---------------------------

/** One alert: GET /api/alerts/:id, and the alert as an action left it. */
export const alertReplySchema = alertSchema
export type AlertReply = z.infer<typeof alertReplySchema>

// --- GET /api/alerts/:id/events ----------------------------------------------

export const alertEnvelopeSchema = z.object({ seq: z.number(), event: AlertEventSchema })
export const alertEventsReplySchema = z.object({ events: z.array(alertEnvelopeSchema) })
export type AlertEventsReply = z.infer<typeof alertEventsReplySchema>

// --- POST /api/alerts/:id/{ack,assign,comment,resolve} -----------------------

const note = z.string().trim().min(1).max(2000, 'a comment must be at most 2000 characters')

export const ackBodySchema = z.strictObject({ comment: note.optional() })
export const assignBodySchema = z.strictObject({ assignee: z.string().trim().min(1, 'assignee is required').max(64) })
export const commentBodySchema = z.strictObject({ text: note })
export const resolveBodySchema = z.strictObject({ comment: note.optional() })

/** The actions on one alert, by the last segment of their path; each answers the alert as it left it (alertReplySchema). */
export const ALERT_ACTION_BODIES = {
  ack: ackBodySchema,
  assign: assignBodySchema,
  comment: commentBodySchema,
  resolve: resolveBodySchema,
} as const
export type AlertAction = keyof typeof ALERT_ACTION_BODIES
export type AlertActionBody<A extends AlertAction> = z.input<(typeof ALERT_ACTION_BODIES)[A]>

// --- GET /api/silences -------------------------------------------------------

export const silenceListQuerySchema = z.strictObject({ all: z.enum(['0', '1']).optional() })
export const silenceListReplySchema = z.object({ silences: z.array(silenceSchema) })
export type SilenceListReply = z.infer<typeof silenceListReplySchema>

// --- POST /api/silences, POST /api/silences/:id/end --------------------------

/** Longest silence: a month; anything longer is a rule to change, not a silence. */
const MAX_SILENCE_MINUTES = 30 * 24 * 60

export const createSilenceBodySchema = z
  .strictObject({
    matchers: z
      .strictObject({
        ruleId: z.string().max(64).optional(),
        indicator: z.string().max(64).optional(),
        region: z.string().max(16).optional(),
        station: z.string().max(64).optional(),
        severity: z.enum(SEVERITIES).optional(),
      })
      .refine((m) => Object.keys(m).length > 0, 'matchers must name at least one of ruleId, indicator, region, station, severity'),
    startsAt: z.number().int().optional(),
    endsAt: z.number().int().optional(),
    durationMinutes: z.number().positive().max(MAX_SILENCE_MINUTES, 'a silence lasts at most 30 days').optional(),
    reason: z.string().trim().min(1, 'reason is required: say why').max(500),
  })
  .refine((b) => (b.endsAt === undefined) !== (b.durationMinutes === undefined), { message: 'give endsAt or durationMinutes (one of them)', path: ['endsAt'] })
export type CreateSilenceBody = z.input<typeof createSilenceBodySchema>

/**
 * POST /api/silences/preview `{ matchers }` → `{ alerts }` (alertListReplySchema):
 * the open alerts a silence with these matchers would silence now; the
 * matchers are those of POST /api/silences, checked the same way.
 */
export const silencePreviewBodySchema = z.strictObject({ matchers: createSilenceBodySchema.shape.matchers })

export const endSilenceBodySchema = noParams

/** A silence: as created (201), and as ended. */
export const silenceReplySchema = silenceSchema
export type SilenceReply = z.infer<typeof silenceReplySchema>
