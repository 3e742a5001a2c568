import type { Case, CaseEvent, CaseEventType, CaseState } from '../../common/dispatch-schema'

/**
 * Cases as a fold of their events (dispatched → accepted → reported →
 * closed, or returned and reported again; overdue once the deadline passes
 * before closure). Pure: the service stores an event, then applies it here;
 * a start applies the stored log in order and arrives at the same cases.
 */

/** What a dispatched event carries: the case's fixed facts. */
export interface DispatchFacts {
  alertId: string
  department: string
  region: string
  indicator: string
  ruleId: string
  severity: Case['severity']
  deadline: number
  note: string
}

/** An event as stored: its type, and for `dispatched` the case's facts. */
export interface StoredCaseEvent extends CaseEvent {
  facts?: DispatchFacts
}

/** The states an event may follow, and the state it leads to (overdue leaves the state as it is). */
const TRANSITIONS: Record<Exclude<CaseEventType, 'dispatched' | 'overdue'>, { from: readonly CaseState[]; to: CaseState }> = {
  accepted: { from: ['dispatched'], to: 'accepted' },
  // A department may report without accepting first; a returned case is reported again.
  reported: { from: ['dispatched', 'accepted', 'returned'], to: 'reported' },
  returned: { from: ['reported'], to: 'returned' },
  closed: { from: ['reported'], to: 'closed' },
}

/** Why an event cannot apply to a case now, or null when it can. */
export function refusal(c: Case | undefined, type: CaseEventType): string | null {
  if (type === 'dispatched') return c ? `case ${c.id} exists already` : null
  if (!c) return 'no such case'
  if (type === 'overdue') return c.overdue ? 'already overdue' : c.state === 'closed' ? 'closed' : null
  const t = TRANSITIONS[type]
  return t.from.includes(c.state) ? null : `a case that is ${c.state} cannot be ${type} (only one that is ${t.from.join(' or ')})`
}

export class CaseBook {
  readonly cases = new Map<string, Case>()
  /** The open case of each alert (one at a time). */
  private readonly openByAlert = new Map<string, string>()

  /** Applies a stored event; one that does not fit (a log written by another version) is skipped and said. */
  apply(e: StoredCaseEvent): string | null {
    const c = this.cases.get(e.caseId)
    const why = refusal(c, e.type)
    if (why) return why
    if (e.type === 'dispatched') {
      const f = e.facts
      if (!f) return 'a dispatched event without its facts'
      this.cases.set(e.caseId, {
        id: e.caseId,
        alertId: f.alertId,
        department: f.department,
        region: f.region,
        indicator: f.indicator,
        ruleId: f.ruleId,
        severity: f.severity,
        state: 'dispatched',
        dispatchedAt: e.at,
        dispatchedBy: e.actor,
        deadline: f.deadline,
        overdue: false,
        acceptedAt: null,
        reportedAt: null,
        closedAt: null,
        returns: 0,
        note: f.note,
      })
      this.openByAlert.set(f.alertId, e.caseId)
      return null
    }
    const next = { ...c! }
    if (e.type === 'overdue') next.overdue = true
    else {
      next.state = TRANSITIONS[e.type].to
      if (e.type === 'accepted') next.acceptedAt = e.at
      if (e.type === 'reported') next.reportedAt = e.at
      if (e.type === 'returned') next.returns++
      if (e.type === 'closed') {
        next.closedAt = e.at
        this.openByAlert.delete(next.alertId)
      }
    }
    this.cases.set(next.id, next)
    return null
  }

  /** The alert's case still open, if any. */
  openCaseOf(alertId: string): Case | undefined {
    const id = this.openByAlert.get(alertId)
    return id === undefined ? undefined : this.cases.get(id)
  }

  /** Open cases whose deadline has passed and that are not yet marked overdue. */
  dueForOverdue(now: number): Case[] {
    return [...this.cases.values()].filter((c) => c.state !== 'closed' && !c.overdue && c.deadline <= now)
  }
}
