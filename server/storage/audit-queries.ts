import type { ClickHouseClient } from '@clickhouse/client'
import { z } from 'zod'
import { ALERT_EVENT_DATA, type AlertEventType } from '../../common/alert-events'
import { AUDIT_KINDS, type AuditEntry, type AuditKind } from '../../common/api/audit-api'
import type { TableNames } from './tables'

/**
 * The audit trail read from where each part is already recorded: `auth_log`
 * (sign-ins, account and key changes), `rule_changes` and the people's events
 * of `alert_events` (acknowledge, assign, comment, resolve, silences), as one
 * list, newest first. Nothing is copied into a table of its own: the sources
 * stay the record.
 */

/** Which entries a read returns. */
export interface AuditFilter {
  /** The range, epoch ms (`to` exclusive). */
  from: number
  to: number
  /** At most this many entries (the newest). */
  limit: number
  /** Kinds of entry to include. */
  kinds: readonly AuditKind[]
  /** An account: what it did, and the sign-ins and account changes about it. */
  who?: string
  /** What the reader may see; null for the whole tree (nothing is left out for its region). */
  scope: AuditScope | null
}

/** An account's subtree as the audit sees it: every entry must be about something within it. */
export interface AuditScope {
  /** The subtree's regions: rules whose reach, and alerts and silences whose region, is one of them. */
  regions: readonly string[]
  /** Accounts within the subtree: their sign-ins and the changes to them. */
  accounts: readonly string[]
  /** Ingest keys within the subtree (ids). */
  keys: readonly string[]
}

/** The audit trail as the router reads it (a fake in tests). */
export interface AuditQueries {
  /** The newest `filter.limit + 1` entries at most: one more than asked says that more exist. */
  entries(filter: AuditFilter): Promise<AuditEntry[]>
}

/** What people do to alerts and silences; the engine's events (`system`) and their consequences (`silenced`) are not actions. */
export const AUDITED_ALERT_EVENTS = ['acknowledged', 'assigned', 'commented', 'resolved', 'silence-created', 'silence-ended'] as const satisfies readonly AlertEventType[]

/** auth_log events that are about signing in rather than about changing an account. */
const SIGNIN_EVENTS = ['login', 'login.failed', 'logout', 'password.failed'] as const

export class ClickHouseAuditQueries implements AuditQueries {
  constructor(
    private readonly client: Pick<ClickHouseClient, 'query'>,
    private readonly tables: TableNames,
    /** The tree's root: the reach of a rule that names no region. */
    private readonly root: string,
  ) {}

  async entries(filter: AuditFilter): Promise<AuditEntry[]> {
    const t = this.tables
    const range = (column: string) => `${column} >= fromUnixTimestamp64Milli({from:Int64}) AND ${column} < fromUnixTimestamp64Milli({to:Int64})`
    const wants = (...kinds: AuditKind[]) => kinds.some((k) => filter.kinds.includes(k))
    // Aliases are e_*: ClickHouse lets an alias shadow a column of the same name in WHERE.
    const branches: string[] = []
    if (wants('signin', 'account', 'key'))
      branches.push(`SELECT toUnixTimestamp64Milli(at) AS e_at,
          multiIf(has({signin:Array(String)}, toString(event)), 'signin', startsWith(toString(event), 'key.'), 'key', 'account') AS e_kind,
          toString(event) AS e_action, actor AS e_actor,
          if(startsWith(toString(event), 'key.'), splitByChar(' ', detail)[1], account) AS e_subject,
          '' AS e_region, detail AS e_detail, address AS e_address, '' AS e_data
        FROM ${t.authLog} WHERE ${range('at')}`)
    if (wants('rule'))
      branches.push(`SELECT toUnixTimestamp64Milli(at) AS e_at, 'rule' AS e_kind, toString(action) AS e_action, actor AS e_actor, id AS e_subject,
          ifNull(nullIf(JSONExtractString(ifNull(after, ifNull(before, '')), 'scope', 'region'), ''), {root:String}) AS e_region,
          JSONExtractString(ifNull(after, ifNull(before, '')), 'name', 'zh') AS e_detail, '' AS e_address, toString(version) AS e_data
        FROM ${t.ruleChanges} WHERE ${range('at')}`)
    if (wants('alert'))
      branches.push(`SELECT toUnixTimestamp64Milli(at) AS e_at, 'alert' AS e_kind, toString(type) AS e_action, actor AS e_actor, alert_id AS e_subject,
          toString(region) AS e_region, '' AS e_detail, '' AS e_address, data AS e_data
        FROM ${t.alertEvents} WHERE ${range('at')} AND has({alertTypes:Array(String)}, toString(type)) AND actor != 'system'`)
    if (branches.length === 0) return []
    const where = ['has({kinds:Array(String)}, e_kind)']
    if (filter.who !== undefined) where.push(`(e_actor = {who:String} OR (e_kind IN ('signin', 'account') AND e_subject = {who:String}))`)
    if (filter.scope)
      where.push(`multiIf(e_kind IN ('signin', 'account'), has({accounts:Array(String)}, e_subject),
          e_kind = 'key', has({keys:Array(String)}, e_subject),
          has({regions:Array(String)}, e_region))`)
    const rows = await this.read(
      `SELECT * FROM (${branches.join('\nUNION ALL\n')}) WHERE ${where.join(' AND ')}
       ORDER BY e_at DESC, e_kind, e_subject LIMIT {n:UInt32}`,
      {
        from: filter.from,
        to: filter.to,
        n: filter.limit + 1,
        kinds: [...filter.kinds],
        signin: [...SIGNIN_EVENTS],
        alertTypes: [...AUDITED_ALERT_EVENTS],
        root: this.root,
        who: filter.who ?? '',
        accounts: [...(filter.scope?.accounts ?? [])],
        keys: [...(filter.scope?.keys ?? [])],
        regions: [...(filter.scope?.regions ?? [])],
      },
    )
    const parsed = rows.map((r) => AuditRowSchema.parse(r))
    const alertIds = [...new Set(parsed.filter((r) => r.e_kind === 'alert').map((r) => r.e_subject))]
    const rules = await this.rulesOf(alertIds)
    return parsed.map((r) => auditEntry(r, rules.get(r.e_subject)))
  }

  /** The rule each alert was raised by (an action's entry names it: an alert id alone says little). */
  private async rulesOf(alertIds: readonly string[]): Promise<Map<string, string>> {
    if (alertIds.length === 0) return new Map()
    const rows = await this.read(
      `SELECT alert_id, any(JSONExtractString(data, 'ruleId')) AS rule_id FROM ${this.tables.alertEvents}
       WHERE type = 'raised' AND has({ids:Array(String)}, alert_id) GROUP BY alert_id`,
      { ids: [...alertIds] },
    )
    return new Map(rows.map((r) => RaisedRowSchema.parse(r)).map((r) => [r.alert_id, r.rule_id]))
  }

  private async read(query: string, params: Record<string, unknown>): Promise<unknown[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<unknown>()
  }
}

/** 64-bit integers arrive as strings, so they stay exact in JSON. */
const int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)])

/** One row of the union, as the engine sends it. */
export const AuditRowSchema = z.object({
  e_at: int64,
  e_kind: z.enum(AUDIT_KINDS),
  e_action: z.string(),
  e_actor: z.string(),
  e_subject: z.string(),
  e_region: z.string(),
  e_detail: z.string(),
  e_address: z.string(),
  /** A rule change's version; an alert event's data (JSON). */
  e_data: z.string(),
})
export type AuditRow = z.output<typeof AuditRowSchema>

const RaisedRowSchema = z.object({ alert_id: z.string(), rule_id: z.string() })

/**
 * A row as an entry. Region: a rule's reach or an alert's region; null for
 * sign-ins and account and key changes (auth_log records none; the router
 * knows the account's). Detail: what the source recorded, in words a person
 * reads — a rule's version and name, an alert's rule and the comment,
 * assignee or reason.
 */
export function auditEntry(row: AuditRow, ruleId?: string): AuditEntry {
  const base = { at: row.e_at, kind: row.e_kind, action: row.e_action, actor: row.e_actor, subject: row.e_subject, address: row.e_address }
  switch (row.e_kind) {
    case 'rule':
      return { ...base, region: row.e_region, detail: joined(`v${row.e_data}`, row.e_detail) }
    case 'alert':
      return { ...base, region: row.e_region, detail: joined(ruleId ?? '', alertDetail(row.e_action, row.e_data, row.e_actor)) }
    default:
      return { ...base, region: null, detail: row.e_detail }
  }
}

/** What an alert action's data says: the comment, the assignee, the silence's reason and matchers; not what the entry says already (who ended a silence). */
export function alertDetail(type: string, json: string, actor: string): string {
  if (!isAudited(type)) return ''
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch {
    return ''
  }
  switch (type) {
    case 'assigned': {
      const d = ALERT_EVENT_DATA.assigned.safeParse(raw)
      return d.success ? `→ ${d.data.assignee}` : ''
    }
    case 'commented': {
      const d = ALERT_EVENT_DATA.commented.safeParse(raw)
      return d.success ? d.data.text : ''
    }
    case 'silence-created': {
      const d = ALERT_EVENT_DATA['silence-created'].safeParse(raw)
      if (!d.success) return ''
      const matchers = Object.entries(d.data.matchers)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${String(v)}`)
      return joined(d.data.reason, matchers.join(' '))
    }
    case 'silence-ended': {
      const d = ALERT_EVENT_DATA['silence-ended'].safeParse(raw)
      return d.success && d.data.reason !== `ended by ${actor}` ? d.data.reason : ''
    }
    default: {
      const d = ALERT_EVENT_DATA[type].safeParse(raw)
      return d.success ? (d.data.comment ?? '') : ''
    }
  }
}

function isAudited(type: string): type is (typeof AUDITED_ALERT_EVENTS)[number] {
  return (AUDITED_ALERT_EVENTS as readonly string[]).includes(type)
}

function joined(...parts: string[]): string {
  return parts.filter((p) => p !== '').join(' · ')
}
