import { z } from 'zod'
import { SEVERITIES } from './rule-schema'
import { describeZodError } from './zod-problems'

/**
 * The alert log's events, one schema per type: what each carries is checked
 * when it is written and when it is read back, so the state every server and
 * screen rebuilds from the log (alert-state.ts) never meets a field it has to
 * guess at. A stored row that does not parse (written by a bug, by hand, or by
 * a newer version with a type this one does not know) is refused with its
 * reason, not replayed.
 *
 * Every event may carry `value`: the series' value when it happened.
 *
 * Forward compatibility: a field this version does not know (one a later
 * version added) is dropped, not refused, so the event still replays; a type
 * this version does not know is refused, because guessing what it does to an
 * alert would put that guess into every alert book.
 */

const severity = z.enum(SEVERITIES)
const value = z.number().nullable().optional()
const text = z.string().max(10_000)
const epochMs = z.number().int().min(0)

export const SilenceMatchersSchema = z.object({
  ruleId: z.string().optional(),
  indicator: z.string().optional(),
  region: z.string().optional(),
  station: z.string().optional(),
  severity: severity.optional(),
})

/** What each type of event carries beyond who, when and where. */
export const ALERT_EVENT_DATA = {
  raised: z.object({
    ruleId: z.string().min(1),
    severity,
    since: epochMs.optional(),
    value,
    message: z.object({ zh: z.string(), en: z.string() }),
    detail: z.record(z.string(), z.unknown()).optional(),
    /** Raised as a member of this grouped alert: it is shown, acknowledged and counted through the group. */
    groupId: z.string().min(1).optional(),
    /**
     * This alert is a group (storm control): one alert for many series of one
     * rule — `storm` when they fired together within one region subtree,
     * `flood` when the rule had raised its hourly limit of alerts and the rest
     * were gathered here instead.
     */
    group: z.object({ reason: z.enum(['storm', 'flood']) }).optional(),
  }),
  escalated: z.object({ from: severity, to: severity, unacknowledgedForMs: z.number().optional(), value }),
  acknowledged: z.object({ comment: text.optional(), value }),
  assigned: z.object({ assignee: z.string().min(1), value }),
  commented: z.object({ text, value }),
  silenced: z.object({ silenceId: z.string().min(1), until: epochMs.optional(), value }),
  /** An open alert folded into a group that formed after it: from now on it is shown through the group. */
  grouped: z.object({ groupId: z.string().min(1), value }),
  /** On a flood group: one more alert of the rule was gathered here instead of raised on its own ("N more suppressed"). */
  suppressed: z.object({ count: z.number().int().min(1), memberId: z.string().min(1), value }),
  resolved: z.object({ auto: z.boolean().optional(), comment: text.optional(), clearSince: z.number().optional(), value }),
  'silence-created': z.object({ matchers: SilenceMatchersSchema, startsAt: epochMs, endsAt: epochMs, reason: z.string(), value }),
  'silence-ended': z.object({ reason: z.string(), value }),
} as const

export type AlertEventType = keyof typeof ALERT_EVENT_DATA
export const ALERT_EVENT_TYPES = Object.keys(ALERT_EVENT_DATA) as AlertEventType[]

/** What an event of type T carries. */
export type AlertEventData<T extends AlertEventType> = z.output<(typeof ALERT_EVENT_DATA)[T]>

const base = {
  alertId: z.string().min(1),
  /** When it happened, epoch ms. */
  at: epochMs,
  region: z.string(),
  indicator: z.string(),
  station: z.string(),
  /** Who did it: a user name, or `system` for the engine (never empty: "acknowledged by nobody" is not a state). */
  actor: z.string().min(1),
}

function eventOf<T extends AlertEventType>(type: T) {
  return z.object({ ...base, type: z.literal(type), data: ALERT_EVENT_DATA[type] })
}

export const AlertEventSchema = z.discriminatedUnion('type', [
  eventOf('raised'),
  eventOf('escalated'),
  eventOf('acknowledged'),
  eventOf('assigned'),
  eventOf('commented'),
  eventOf('silenced'),
  eventOf('grouped'),
  eventOf('suppressed'),
  eventOf('resolved'),
  eventOf('silence-created'),
  eventOf('silence-ended'),
])

/** One entry of the alert log (the alerting service defines what raises them). */
export type AlertEvent = z.output<typeof AlertEventSchema>

/** An event as it is built before it is checked: its type and the data that type carries. */
export type AlertEventOf<T extends AlertEventType> = Extract<AlertEvent, { type: T }>

/** An event, or why it cannot be one: the first problems, each naming its field. */
export function parseAlertEvent(input: unknown): { ok: true; event: AlertEvent } | { ok: false; reason: string } {
  const type = typeof input === 'object' && input !== null && 'type' in input ? input.type : undefined
  if (typeof type === 'string' && !isAlertEventType(type)) {
    return { ok: false, reason: `type: unknown event type ${JSON.stringify(type.slice(0, 64))} (written by a newer version?); this version knows ${ALERT_EVENT_TYPES.join(', ')}` }
  }
  const parsed = AlertEventSchema.safeParse(input)
  if (parsed.success) return { ok: true, event: parsed.data }
  return { ok: false, reason: describeZodError(parsed.error, { root: 'event', max: 3 }) }
}

function isAlertEventType(type: string): type is AlertEventType {
  return Object.hasOwn(ALERT_EVENT_DATA, type)
}
