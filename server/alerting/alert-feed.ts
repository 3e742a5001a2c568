import { z } from 'zod'
import { parseAlertEvent, type AlertEvent } from '../../common/alert-events'
import type { AlertEnvelope } from '../../common/live-contract'
import type { Logger } from '../logger'
import { StorageUnavailableError } from '../../common/errors'
import { describeZodError } from '../../common/zod-problems'

/**
 * The numbered alert event log: every event is stored before anyone hears of
 * it, gets the next sequence number, and stays readable by number — from a
 * ring of recent events in memory, or from storage when a client was away
 * longer than the ring reaches back. Appends are serialised, so numbers follow
 * storage order and a reader never sees a gap that later fills.
 */

export type AlertListener = (envelope: AlertEnvelope) => void

/** One event as it is stored: its number, where and who, and its data as JSON text. */
export interface StoredAlertEvent {
  seq: number
  at: number
  alert_id: string
  type: string
  region: string
  indicator: string
  station: string
  actor: string
  data: string
  /** When it was written (epoch ms). */
  logged: number
}

/**
 * Where the log's events are kept (the ClickHouse adapter is
 * server/storage/alert-event-tables.ts). Rows come back `unknown`: the feed
 * checks each one itself, so a unit test can hand it stored rows as they are,
 * bad ones included. All of them oldest first.
 */
export interface AlertEventRows {
  /** The newest `n` events. */
  latest(n: number): Promise<unknown[]>
  /** One alert's (or silence's) events. */
  ofAlert(alertId: string): Promise<unknown[]>
  /** Every event of every alert or silence still open, or touched since `since`. */
  forRebuild(since: number): Promise<unknown[]>
  /** At most `n` events numbered after `seq`. */
  after(seq: number, n: number): Promise<unknown[]>
  insert(row: StoredAlertEvent): Promise<void>
}

export interface AlertFeedOptions {
  /** Events kept in memory for resumes (older ones are read from storage). */
  ringSize?: number
  now?: () => number
  /** Where a stored event that does not parse is reported (once per event). */
  log?: Pick<Logger, 'error'>
}

/** Most events one resume replays; a client further behind reloads alerts over HTTP. */
export const MAX_REPLAY = 10_000

export class AlertFeed implements AlertLog {
  private seq = 0
  private readonly ring: AlertEnvelope[] = []
  private readonly ringSize: number
  private readonly listeners = new Set<AlertListener>()
  private tail: Promise<unknown> = Promise.resolve()
  /** Sequence numbers of stored events that did not parse. */
  private readonly refused = new Set<number>()
  private readonly log: Pick<Logger, 'error'> | undefined

  constructor(
    private readonly rows: AlertEventRows,
    options: AlertFeedOptions = {},
  ) {
    this.ringSize = Math.max(1, options.ringSize ?? 10_000)
    this.now = options.now ?? Date.now
    this.log = options.log
  }

  private readonly now: () => number

  /** The newest sequence number (0 before the first event). */
  get lastSeq(): number {
    return this.seq
  }

  /**
   * Stored events refused because they do not parse, each counted once
   * however often it is read (at load, for a rebuild, a resume or a history):
   * for /metrics.
   */
  get rejectedOnLoad(): number {
    return this.refused.size
  }

  /** Continues numbering after what storage holds and refills the ring. */
  async load(): Promise<void> {
    const { events, lastSeq } = this.read(await this.rows.latest(this.ringSize))
    this.ring.splice(0, this.ring.length, ...events)
    // A refused event still took its number: numbering goes on after it.
    this.seq = lastSeq ?? 0
  }

  /**
   * Stored rows as events, and the last row's number. A row that does not
   * parse as its type's event (a bug, a hand edit, a newer version's type) is
   * left out, reported once and counted: replaying it would put a guess into
   * every alert book.
   */
  private read(rows: readonly unknown[]): { events: AlertEnvelope[]; lastSeq: number | undefined } {
    const events: AlertEnvelope[] = []
    let lastSeq: number | undefined
    for (const row of rows) {
      const read = fromRow(row)
      lastSeq = read.seq
      if ('event' in read) {
        events.push({ seq: read.seq, event: read.event })
        continue
      }
      if (this.refused.has(read.seq)) continue
      this.refused.add(read.seq)
      this.log?.error({ seq: read.seq, alertId: read.alertId, type: read.type, reason: read.reason }, 'a stored alert event does not parse; it is left out of the alert state')
    }
    return { events, lastSeq }
  }

  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stores the event, numbers it, then tells the listeners. Resolves once it is durable. */
  append(input: AlertEvent): Promise<AlertEnvelope> {
    // The log takes only what it can replay: checked here too, whoever built the event.
    const checked = parseAlertEvent(input)
    if (!checked.ok) return Promise.reject(new Error(`refusing to log a malformed ${input.type} event for ${input.alertId}: ${checked.reason}`))
    // What is stored, kept and sent is the parsed event: exactly what a later load reads back.
    const event = checked.event
    const run = this.tail.then(async () => {
      const envelope: AlertEnvelope = { seq: this.seq + 1, event }
      await this.rows
        .insert({
          seq: envelope.seq,
          at: event.at,
          alert_id: event.alertId,
          type: event.type,
          region: event.region,
          indicator: event.indicator,
          station: event.station,
          actor: event.actor,
          data: JSON.stringify(event.data),
          logged: this.now(),
        })
        .catch((err: unknown) => {
          throw new StorageUnavailableError(err)
        })
      this.seq = envelope.seq
      this.ring.push(envelope)
      if (this.ring.length > this.ringSize) this.ring.splice(0, this.ring.length - this.ringSize)
      for (const listener of this.listeners) listener(envelope)
      return envelope
    })
    // A failed append does not take the next one down with it.
    this.tail = run.catch(() => undefined)
    return run
  }

  /** One alert's (or silence's) events, oldest first. */
  async eventsOf(alertId: string): Promise<AlertEnvelope[]> {
    return this.read(await this.rows.ofAlert(alertId)).events
  }

  /**
   * What current state is rebuilt from: every event of every alert or silence
   * still open, or touched since `since` (older, finished ones are history).
   */
  async eventsForRebuild(since: number): Promise<AlertEnvelope[]> {
    return this.read(await this.rows.forRebuild(since)).events
  }

  /** Resolves once every append asked for so far has been stored (or failed). */
  async drain(): Promise<void> {
    let tail: Promise<unknown>
    do {
      tail = this.tail
      await tail
    } while (tail !== this.tail)
  }

  /**
   * Events after `lastSeq` (at most MAX_REPLAY), oldest first, that `keep`
   * accepts: from the ring when it reaches back far enough, else from storage.
   */
  async since(lastSeq: number, keep: (event: AlertEvent) => boolean = () => true): Promise<AlertEnvelope[]> {
    if (lastSeq >= this.seq) return []
    const first = this.ring[0]?.seq
    if (first !== undefined && first <= lastSeq + 1) {
      return this.ring.filter((e) => e.seq > lastSeq && keep(e.event)).slice(0, MAX_REPLAY)
    }
    const out: AlertEnvelope[] = []
    let after = lastSeq
    // Page through storage: `keep` filters in memory, so a page may keep little.
    while (out.length < MAX_REPLAY && after < this.seq) {
      const { events, lastSeq } = this.read(await this.rows.after(after, MAX_REPLAY))
      if (lastSeq === undefined) break
      for (const e of events) if (keep(e.event) && out.length < MAX_REPLAY) out.push(e)
      after = lastSeq
    }
    return out
  }
}

/** What the alert service needs of the log (an in-memory one serves its unit tests). */
export interface AlertLog {
  append(event: AlertEvent): Promise<AlertEnvelope>
  subscribe(listener: AlertListener): () => void
  /** One alert's (or silence's) events, oldest first. */
  eventsOf(alertId: string): Promise<AlertEnvelope[]>
  eventsForRebuild(since: number): Promise<AlertEnvelope[]>
}

/** 64-bit integers (UInt64, Int64) arrive as strings, so they stay exact in JSON. */
const int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)])

/** A row as `selectEvents` returns it; `data` is the event's own JSON, checked by its type's schema. */
const StoredRowSchema = z.object({
  seq: int64.pipe(z.number().min(1)),
  at: int64,
  alert_id: z.string(),
  type: z.string(),
  region: z.string(),
  indicator: z.string(),
  station: z.string(),
  actor: z.string(),
  data: z.string(),
})

type ReadRow = { seq: number; event: AlertEvent } | { seq: number; alertId?: string; type?: string; reason: string }

function fromRow(raw: unknown): ReadRow {
  const row = StoredRowSchema.safeParse(raw)
  if (!row.success) {
    const seq = int64.safeParse(typeof raw === 'object' && raw !== null && 'seq' in raw ? raw.seq : undefined)
    // Without its number a row cannot be skipped in order: storage itself is broken, not one event.
    if (!seq.success) throw new Error(`an alert_events row without a sequence number: ${row.error.issues[0]?.message ?? 'unreadable'}`)
    return { seq: seq.data, reason: `row: ${describeZodError(row.error, { root: 'row', max: 5 })}` }
  }
  const r = row.data
  const refuse = (reason: string): ReadRow => ({ seq: r.seq, alertId: r.alert_id, type: r.type, reason })
  let data: unknown
  try {
    data = JSON.parse(r.data)
  } catch (err) {
    return refuse(`data is not JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  const parsed = parseAlertEvent({ alertId: r.alert_id, type: r.type, at: r.at, region: r.region, indicator: r.indicator, station: r.station, actor: r.actor, data })
  return parsed.ok ? { seq: r.seq, event: parsed.event } : refuse(parsed.reason)
}
