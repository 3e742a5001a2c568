import { z } from 'zod'
import { SilenceMatchersSchema } from './alert-events'
import type { AlertEnvelope } from './live-contract'
import { SEVERITIES, type Severity } from './rule-schema'

/**
 * Current alerts and silences, derived from the alert log and nothing else: the
 * server rebuilds them from `alert_events` at start, and a screen can keep its
 * own copy up to date from the `alert` events it receives. Pure; no I/O.
 */

export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const
export type AlertState = (typeof ALERT_STATES)[number]

/** An alert as the book holds it, and as the API and the screens show it. */
export const alertSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  indicator: z.string(),
  region: z.string(),
  station: z.string(),
  severity: z.enum(SEVERITIES),
  state: z.enum(ALERT_STATES),
  raisedAt: z.number(),
  /** When the condition started to hold (before `for` made it fire). */
  since: z.number(),
  /** The value that raised it (null for stale data). */
  value: z.number().nullable(),
  message: z.object({ zh: z.string(), en: z.string() }),
  /** What the value was held against: threshold, expected value and band… */
  detail: z.record(z.string(), z.unknown()),
  assignee: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.number().nullable(),
  resolvedAt: z.number().nullable(),
  resolvedBy: z.string().nullable(),
  /** The silence covering it, while that silence lasts. */
  silencedBy: z.string().nullable(),
  escalations: z.number(),
  lastEscalatedAt: z.number().nullable(),
  comments: z.number(),
  /** The grouped alert it belongs to (storm control), or null: a member is shown, acknowledged and escalated through its group. */
  groupId: z.string().nullable(),
  /** For a grouped alert: why it groups (many series at once, or over the rule's hourly limit); null for a single alert. */
  group: z.enum(['storm', 'flood']).nullable(),
  /** For a grouped alert: its members' ids, in the order they joined. */
  members: z.array(z.string()),
  /** For a flood group: how many alerts it gathered instead of raising them ("N more suppressed"). */
  suppressed: z.number(),
  /** Sequence number of its latest event. */
  seq: z.number(),
  updatedAt: z.number(),
})
export type Alert = z.infer<typeof alertSchema>

/** Which alerts a silence covers: each matcher given must match; `region` is that region and everything below it. */
export type SilenceMatchers = z.infer<typeof SilenceMatchersSchema>

export const silenceSchema = z.object({
  id: z.string(),
  matchers: SilenceMatchersSchema,
  startsAt: z.number(),
  endsAt: z.number(),
  createdBy: z.string(),
  reason: z.string(),
  createdAt: z.number(),
  endedAt: z.number().nullable(),
  endedReason: z.string().nullable(),
  /** Alerts it has silenced. */
  silenced: z.array(z.string()),
})
export type Silence = z.infer<typeof silenceSchema>

export interface AlertBook {
  alerts: Map<string, Alert>
  silences: Map<string, Silence>
}

export function emptyBook(): AlertBook {
  return { alerts: new Map(), silences: new Map() }
}

/**
 * Applies one logged event. It takes only parsed events (`parseAlertEvent`):
 * the feed leaves out a stored row that does not parse, so nothing here
 * guesses at a field. An out-of-place event (for an alert it does not hold)
 * changes nothing.
 */
export function applyEvent(book: AlertBook, { seq, event }: AlertEnvelope): void {
  if (event.type === 'silence-created') {
    const d = event.data
    book.silences.set(event.alertId, {
      id: event.alertId,
      matchers: d.matchers,
      startsAt: d.startsAt,
      endsAt: d.endsAt,
      createdBy: event.actor,
      reason: d.reason,
      createdAt: event.at,
      endedAt: null,
      endedReason: null,
      silenced: [],
    })
    return
  }
  if (event.type === 'silence-ended') {
    const s = book.silences.get(event.alertId)
    if (s && s.endedAt === null) {
      s.endedAt = event.at
      s.endedReason = event.data.reason
      for (const a of book.alerts.values()) if (a.silencedBy === s.id) a.silencedBy = null
    }
    return
  }
  if (event.type === 'raised') {
    const d = event.data
    book.alerts.set(event.alertId, {
      id: event.alertId,
      ruleId: d.ruleId,
      indicator: event.indicator,
      region: event.region,
      station: event.station,
      severity: d.severity,
      state: 'firing',
      raisedAt: event.at,
      since: d.since ?? event.at,
      value: d.value ?? null,
      message: { zh: d.message.zh, en: d.message.en },
      detail: d.detail ?? {},
      assignee: null,
      acknowledgedBy: null,
      acknowledgedAt: null,
      resolvedAt: null,
      resolvedBy: null,
      silencedBy: null,
      escalations: 0,
      lastEscalatedAt: null,
      comments: 0,
      groupId: d.groupId ?? null,
      group: d.group?.reason ?? null,
      members: [],
      suppressed: 0,
      seq,
      updatedAt: event.at,
    })
    if (d.groupId) joinGroup(book, d.groupId, event.alertId)
    return
  }
  const a = book.alerts.get(event.alertId)
  if (!a) return
  a.seq = seq
  a.updatedAt = event.at
  switch (event.type) {
    case 'escalated':
      a.severity = event.data.to
      a.escalations++
      a.lastEscalatedAt = event.at
      break
    case 'acknowledged':
      if (a.state === 'firing') {
        a.state = 'acknowledged'
        a.acknowledgedBy = event.actor
        a.acknowledgedAt = event.at
      }
      if (event.data.comment) a.comments++
      break
    case 'assigned':
      a.assignee = event.data.assignee
      break
    case 'commented':
      a.comments++
      break
    case 'grouped':
      a.groupId = event.data.groupId
      joinGroup(book, a.groupId, a.id)
      break
    case 'suppressed':
      a.suppressed = Math.max(a.suppressed, event.data.count)
      break
    case 'silenced': {
      a.silencedBy = event.data.silenceId
      const s = book.silences.get(a.silencedBy)
      if (s && !s.silenced.includes(a.id)) s.silenced.push(a.id)
      break
    }
    case 'resolved':
      a.state = 'resolved'
      a.resolvedAt = event.at
      a.resolvedBy = event.actor
      if (event.data.comment) a.comments++
      break
    default: {
      // A new type of event does not compile until it is handled here.
      const unhandled: never = event
      return unhandled
    }
  }
}

function joinGroup(book: AlertBook, groupId: string, memberId: string): void {
  const g = book.alerts.get(groupId)
  if (g && !g.members.includes(memberId)) g.members.push(memberId)
}

/**
 * The alerts a list shows as rows: a member of a group is shown through its
 * group, unless that group is not among `alerts` (a screen of a city sees the
 * members in its city of a group that spans the province).
 */
export function topLevelAlerts<A extends Pick<Alert, 'id' | 'groupId'>>(alerts: Iterable<A>): A[] {
  const all = [...alerts]
  const ids = new Set(all.map((a) => a.id))
  return all.filter((a) => a.groupId === null || !ids.has(a.groupId))
}

/** A group's members that are still open. */
export function openMembers(group: Pick<Alert, 'members'>, alerts: ReadonlyMap<string, Alert>): Alert[] {
  return group.members.flatMap((id) => {
    const m = alerts.get(id)
    return m && m.state !== 'resolved' ? [m] : []
  })
}

/**
 * The one order of alerts on every screen (the wall's ticker, the duty
 * console's list) and in the API's list: open before resolved, then critical
 * before warning before info, then newest first. Ties (alerts raised in the
 * same millisecond, as a burst from one reading is) go by the later event,
 * then by id, so two screens never disagree on a row.
 */
export function compareAlerts(x: Alert, y: Alert): number {
  return (
    Number(x.state === 'resolved') - Number(y.state === 'resolved') ||
    SEVERITY_ORDER[y.severity] - SEVERITY_ORDER[x.severity] ||
    y.raisedAt - x.raisedAt ||
    y.seq - x.seq ||
    (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)
  )
}

/** Whether a silence is in force at `now`. */
export function silenceActive(s: Silence, now: number): boolean {
  return s.endedAt === null && s.startsAt <= now && now < s.endsAt
}

/** Whether a silence's matchers cover an alert (region: the alert's region lies within it). */
export function silenceMatches(s: Silence, a: Pick<Alert, 'ruleId' | 'indicator' | 'region' | 'station' | 'severity'>, isWithin: (region: string, ancestor: string) => boolean): boolean {
  const m = s.matchers
  return (
    (m.ruleId === undefined || m.ruleId === a.ruleId) &&
    (m.indicator === undefined || m.indicator === a.indicator) &&
    (m.station === undefined || m.station === a.station) &&
    (m.severity === undefined || m.severity === a.severity) &&
    (m.region === undefined || isWithin(a.region, m.region))
  )
}

export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warning: 1, critical: 2 }
