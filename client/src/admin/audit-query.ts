import { AUDIT_KINDS, type AuditEntry, type AuditKind } from '../../../common/api/audit-api'
import { MESSAGES, type MessageKey } from '../i18n/messages'

/**
 * The audit page's filters as the query of GET /api/audit and /api/audit.csv,
 * and the words for an entry's action.
 */

export interface AuditFilters {
  /** An account's name; blank for anyone. */
  who: string
  /** Kinds ticked; none ticked or all ticked both mean every kind. */
  what: readonly AuditKind[]
  /** `datetime-local` values (local time, no zone); blank for the server's default. */
  from: string
  to: string
}

export const NO_AUDIT_FILTERS: AuditFilters = { who: '', what: [], from: '', to: '' }

/**
 * `?who=…&what=…&from=…&to=…` with only what is set. Times go as epoch ms:
 * a `datetime-local` value is the browser's local time, which only the
 * browser can place (`localToMs`, by default the browser's own reading).
 */
export function auditQuery(f: AuditFilters, localToMs: (local: string) => number = (local) => new Date(local).getTime()): string {
  const params = new URLSearchParams()
  if (f.who.trim()) params.set('who', f.who.trim())
  const what = AUDIT_KINDS.filter((k) => f.what.includes(k))
  if (what.length > 0 && what.length < AUDIT_KINDS.length) params.set('what', what.join(','))
  for (const key of ['from', 'to'] as const) {
    const ms = f[key] ? localToMs(f[key]) : NaN
    if (Number.isFinite(ms)) params.set(key, String(ms))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

/** The message naming an entry's action, or null for an action this version has no words for (shown as logged). */
export function auditActionKey(e: Pick<AuditEntry, 'kind' | 'action'>): MessageKey | null {
  const key = e.kind === 'rule' || e.kind === 'alert' ? `admin.audit.action.${e.kind}.${e.action}` : `admin.audit.action.${e.action}`
  return isMessageKey(key) ? key : null
}

function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(MESSAGES.zh, key)
}
