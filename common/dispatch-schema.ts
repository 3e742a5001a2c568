import { z } from 'zod'
import { codeSchema, localizedTextSchema } from './catalog-schema'
import { SEVERITIES } from './rule-schema'

/**
 * 一键触达 as data: departments (who is responsible where, who supervises
 * them, how they are reached), routing (which department answers for which
 * domain, indicator or rule in which region, and the default deadlines), and
 * cases (an alert dispatched to a department and followed to closure). The
 * server keeps cases as a log of events (server/dispatch), like alerts.
 */

/** How a department is reached. A `secret` (a webhook's HMAC key, a robot's signing secret) is never answered back. */
export const CHANNEL_KINDS = ['webhook', 'wecom', 'dingtalk', 'feishu', 'email', 'sms'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })

export const channelSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('webhook'), url: httpUrl, secret: z.string().min(16, 'a webhook secret must be at least 16 characters').max(256).optional() }),
  z.strictObject({ kind: z.literal('wecom'), url: httpUrl }),
  z.strictObject({ kind: z.literal('dingtalk'), url: httpUrl, secret: z.string().min(1).max(256).optional() }),
  z.strictObject({ kind: z.literal('feishu'), url: httpUrl, secret: z.string().min(1).max(256).optional() }),
  z.strictObject({ kind: z.literal('email'), to: z.array(z.email({ error: 'must be an email address' })).min(1).max(20) }),
  z.strictObject({ kind: z.literal('sms'), to: z.array(z.string().regex(/^\+?\d{6,15}$/, 'must be a phone number')).min(1).max(20) }),
])
export type Channel = z.infer<typeof channelSchema>

export const departmentSchema = z.strictObject({
  code: codeSchema,
  name: localizedTextSchema,
  /** The region it answers for (and its subtree). */
  region: codeSchema,
  /** The department that supervises it (督办): told when a case runs over its deadline. */
  supervisor: codeSchema.nullable().default(null),
  channels: z.array(channelSchema).max(10).default([]),
})
export type Department = z.infer<typeof departmentSchema>
export const departmentsFileSchema = z.strictObject({ departments: z.array(departmentSchema) })

/** A department as answered: each channel's secret replaced by whether it has one. */
export const publicChannelSchema = z.object({ kind: z.enum(CHANNEL_KINDS), url: z.string().optional(), to: z.array(z.string()).optional(), secretSet: z.boolean() })
export const publicDepartmentSchema = departmentSchema.extend({ channels: z.array(publicChannelSchema) })
export type PublicDepartment = z.infer<typeof publicDepartmentSchema>

export function publicDepartment(d: Department): PublicDepartment {
  return {
    ...d,
    channels: d.channels.map((c) => ({
      kind: c.kind,
      ...('url' in c ? { url: redactUrl(c.url) } : {}),
      ...('to' in c ? { to: c.to } : {}),
      secretSet: 'secret' in c && c.secret !== undefined,
    })),
  }
}

/** A URL without what may be a credential: its query (a robot's access token) and any user:password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    // The origin carries no user:password; the query is left out whole.
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`
  } catch {
    return '…'
  }
}

/**
 * Which department answers for an alert: the most specific route that
 * matches it (a rule over an indicator over a domain; a region nearer the
 * alert's over one above it). Default deadlines by severity, in minutes.
 */
export const routeSchema = z
  .strictObject({
    region: codeSchema,
    domain: codeSchema.optional(),
    indicator: codeSchema.optional(),
    rule: z.string().min(1).max(64).optional(),
    department: codeSchema,
  })
  .refine((r) => r.domain !== undefined || r.indicator !== undefined || r.rule !== undefined, { message: 'a route names a domain, an indicator or a rule', path: ['domain'] })
export type Route = z.infer<typeof routeSchema>

export const routingSchema = z.strictObject({
  routes: z.array(routeSchema).max(10_000),
  deadlines: z.strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int().min(1).max(60 * 24 * 90)])) as Record<(typeof SEVERITIES)[number], z.ZodNumber>),
})
export type Routing = z.infer<typeof routingSchema>

/** A case's life (城市管理案件: 派遣 → 签收 → 反馈 → 核查结案, or 返工 and reported again). */
export const CASE_STATES = ['dispatched', 'accepted', 'reported', 'returned', 'closed'] as const
export type CaseState = (typeof CASE_STATES)[number]

export const CASE_EVENT_TYPES = ['dispatched', 'accepted', 'reported', 'returned', 'closed', 'overdue'] as const
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number]

export const caseEventSchema = z.object({
  seq: z.number(),
  at: z.number(),
  caseId: z.string(),
  type: z.enum(CASE_EVENT_TYPES),
  /** An account, `department:<code>` for one answering through its link, or `system`. */
  actor: z.string(),
  text: z.string(),
})
export type CaseEvent = z.infer<typeof caseEventSchema>

export const caseSchema = z.object({
  id: z.string(),
  alertId: z.string(),
  department: codeSchema,
  /** Where and what, copied from the alert when it was dispatched. */
  region: codeSchema,
  indicator: z.string(),
  ruleId: z.string(),
  severity: z.enum(SEVERITIES),
  state: z.enum(CASE_STATES),
  dispatchedAt: z.number(),
  dispatchedBy: z.string(),
  deadline: z.number(),
  /** The deadline passed before closure (督办 was raised). */
  overdue: z.boolean(),
  acceptedAt: z.number().nullable(),
  reportedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
  returns: z.number(),
  note: z.string(),
})
export type Case = z.infer<typeof caseSchema>
