import { randomUUID } from 'node:crypto'
import type { Alert } from '../../common/alert-state'
import type { Case, CaseEvent, CaseEventType } from '../../common/dispatch-schema'
import type { Logger } from '../logger'
import { CaseBook, refusal, type DispatchFacts, type StoredCaseEvent } from './case-book'

/**
 * Cases over their log (CaseRecords; the ClickHouse adapter is
 * server/storage/case-tables.ts): every change is an event stored before the
 * call returns, then applied to the book; a start replays the log. Changes
 * run one at a time, so a transition is checked against the state it
 * applies to. A timer marks cases whose deadline passed before closure as
 * overdue (督办), once each.
 */

export interface CaseRecords {
  /** Every event, in order. */
  all(): Promise<StoredCaseEvent[]>
  append(event: StoredCaseEvent): Promise<void>
}

/** A change refused: `conflict` for one the case's state does not allow, `not_found` for no such case. */
export class CaseError extends Error {
  override readonly name = 'CaseError'
  constructor(
    readonly code: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message)
  }
}

export interface CaseServiceOptions {
  records: CaseRecords
  log: Logger
  now?: () => number
  /** Told of every event once stored (the duty console, the notifier). */
  onEvent?: (event: CaseEvent, c: Case) => void
}

/** How often overdue cases are looked for. */
export const OVERDUE_CHECK_MS = 15_000

export class CaseService {
  private readonly book = new CaseBook()
  private readonly events = new Map<string, StoredCaseEvent[]>()
  private seq = 0
  private tail: Promise<unknown> = Promise.resolve()
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly now: () => number

  constructor(private readonly options: CaseServiceOptions) {
    this.now = options.now ?? Date.now
  }

  async load(): Promise<{ cases: number; skipped: number }> {
    let skipped = 0
    for (const e of await this.options.records.all()) {
      this.seq = Math.max(this.seq, e.seq)
      const why = this.book.apply(e)
      if (why) {
        skipped++
        this.options.log.warn({ case: e.caseId, seq: e.seq, type: e.type, why }, 'a stored case event does not apply; skipped')
        continue
      }
      this.remember(e)
    }
    return { cases: this.book.cases.size, skipped }
  }

  /** Starts looking for overdue cases. */
  start(): void {
    this.timer ??= setInterval(() => void this.markOverdue().catch((err: unknown) => this.options.log.error({ err }, 'marking overdue cases failed')), OVERDUE_CHECK_MS)
    this.timer.unref?.()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  get(id: string): Case | undefined {
    return this.book.cases.get(id)
  }

  list(): Case[] {
    return [...this.book.cases.values()].sort((a, b) => b.dispatchedAt - a.dispatchedAt)
  }

  eventsOf(id: string): CaseEvent[] {
    return (this.events.get(id) ?? []).map(({ facts: _facts, ...e }) => e)
  }

  openCaseOf(alertId: string): Case | undefined {
    return this.book.openCaseOf(alertId)
  }

  /** Opens a case for `alert` with `department` (checked by the caller), due `deadline` (epoch ms, in the future). */
  dispatch(alert: Alert, department: string, deadline: number, note: string, actor: string): Promise<Case> {
    return this.serially(async () => {
      const open = this.book.openCaseOf(alert.id)
      if (open) throw new CaseError('conflict', `alert ${alert.id} is already dispatched to ${open.department} (case ${open.id}, ${open.state})`)
      const facts: DispatchFacts = { alertId: alert.id, department, region: alert.region, indicator: alert.indicator, ruleId: alert.ruleId, severity: alert.severity, deadline, note }
      const id = randomUUID()
      return this.append({ caseId: id, type: 'dispatched', actor, text: note, facts })
    })
  }

  /** An event on an existing case: accepted, reported, returned, closed. */
  act(id: string, type: Exclude<CaseEventType, 'dispatched' | 'overdue'>, actor: string, text: string): Promise<Case> {
    return this.serially(async () => {
      const c = this.book.cases.get(id)
      if (!c) throw new CaseError('not_found', `no case ${id}`)
      const why = refusal(c, type)
      if (why) throw new CaseError('conflict', why)
      return this.append({ caseId: id, type, actor, text })
    })
  }

  /** Marks every case past its deadline and not closed as overdue (once); returns those marked. */
  markOverdue(): Promise<Case[]> {
    return this.serially(async () => {
      const marked: Case[] = []
      for (const c of this.book.dueForOverdue(this.now())) marked.push(await this.append({ caseId: c.id, type: 'overdue', actor: 'system', text: '' }))
      return marked
    })
  }

  private async append(e: Omit<StoredCaseEvent, 'seq' | 'at'>): Promise<Case> {
    const event: StoredCaseEvent = { ...e, seq: this.seq + 1, at: this.now() }
    await this.options.records.append(event)
    this.seq = event.seq
    const why = this.book.apply(event)
    if (why) throw new Error(`a case event checked before storing did not apply: ${why}`)
    this.remember(event)
    const c = this.book.cases.get(event.caseId)!
    const { facts: _facts, ...told } = event
    this.options.onEvent?.(told, c)
    return c
  }

  private remember(e: StoredCaseEvent): void {
    const list = this.events.get(e.caseId)
    if (list) list.push(e)
    else this.events.set(e.caseId, [e])
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work)
    this.tail = run.catch(() => {})
    return run
  }
}
