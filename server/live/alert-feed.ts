import type { ClickHouseClient } from '@clickhouse/client'
import type { AlertEnvelope, AlertEvent, AlertEventType } from '../../common/live-contract'
import type { TableNames } from '../storage/tables'
import { StorageUnavailableError } from '../../ingest/ingest-pipeline'

/**
 * The numbered alert event log: every event is stored before anyone hears of
 * it, gets the next sequence number, and stays readable by number — from a
 * ring of recent events in memory, or from storage when a client was away
 * longer than the ring reaches back. Appends are serialised, so numbers follow
 * storage order and a reader never sees a gap that later fills.
 */

export type AlertListener = (envelope: AlertEnvelope) => void

export interface AlertFeedOptions {
  /** Events kept in memory for resumes (older ones are read from storage). */
  ringSize?: number
  now?: () => number
}

/** Most events one resume replays; a client further behind reloads alerts over HTTP. */
export const MAX_REPLAY = 10_000

export class AlertFeed implements AlertLog {
  private seq = 0
  private readonly ring: AlertEnvelope[] = []
  private readonly ringSize: number
  private readonly listeners = new Set<AlertListener>()
  private tail: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
    options: AlertFeedOptions = {},
  ) {
    this.ringSize = Math.max(1, options.ringSize ?? 10_000)
    this.now = options.now ?? Date.now
  }

  private readonly now: () => number

  /** The newest sequence number (0 before the first event). */
  get lastSeq(): number {
    return this.seq
  }

  /** Continues numbering after what storage holds and refills the ring. */
  async load(): Promise<void> {
    const rs = await this.client.query({
      query: `SELECT * FROM (${selectEvents(this.tables)} ORDER BY seq DESC LIMIT {n:UInt32}) ORDER BY seq`,
      query_params: { n: this.ringSize },
      format: 'JSONEachRow',
    })
    const rows = (await rs.json<EventRow>()).map(fromRow)
    this.ring.splice(0, this.ring.length, ...rows)
    this.seq = rows.at(-1)?.seq ?? 0
  }

  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Stores the event, numbers it, then tells the listeners. Resolves once it is durable. */
  append(event: AlertEvent): Promise<AlertEnvelope> {
    const run = this.tail.then(async () => {
      const envelope: AlertEnvelope = { seq: this.seq + 1, event }
      await this.client
        .insert({
        table: this.tables.alertEvents,
        values: [
          {
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
          },
        ],
        format: 'JSONEachRow',
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
    const rs = await this.client.query({
      query: `${selectEvents(this.tables)} WHERE alert_id = {id:String} ORDER BY seq`,
      query_params: { id: alertId },
      format: 'JSONEachRow',
    })
    return (await rs.json<EventRow>()).map(fromRow)
  }

  /**
   * What current state is rebuilt from: every event of every alert or silence
   * still open, or touched since `since` (older, finished ones are history).
   */
  async eventsForRebuild(since: number): Promise<AlertEnvelope[]> {
    const rs = await this.client.query({
      query: `${selectEvents(this.tables)} WHERE alert_id IN (
          SELECT alert_id FROM ${this.tables.alertEvents} GROUP BY alert_id
          HAVING argMax(type, seq) NOT IN ('resolved', 'silence-ended') OR max(at) >= fromUnixTimestamp64Milli({since:Int64})
        ) ORDER BY seq`,
      query_params: { since },
      format: 'JSONEachRow',
    })
    return (await rs.json<EventRow>()).map(fromRow)
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
      const rs = await this.client.query({
        query: `${selectEvents(this.tables)} WHERE seq > {after:UInt64} ORDER BY seq LIMIT {n:UInt32}`,
        query_params: { after, n: MAX_REPLAY },
        format: 'JSONEachRow',
      })
      const page = (await rs.json<EventRow>()).map(fromRow)
      if (page.length === 0) break
      for (const e of page) if (keep(e.event) && out.length < MAX_REPLAY) out.push(e)
      after = page.at(-1)!.seq
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

interface EventRow {
  seq: string | number
  at: string | number
  alert_id: string
  type: string
  region: string
  indicator: string
  station: string
  actor: string
  data: string
}

function selectEvents(t: TableNames): string {
  return `SELECT seq, toUnixTimestamp64Milli(at) AS at, alert_id, type, region, indicator, station, actor, data FROM ${t.alertEvents}`
}

function fromRow(r: EventRow): AlertEnvelope {
  return {
    seq: Number(r.seq),
    event: {
      alertId: r.alert_id,
      type: r.type as AlertEventType,
      at: Number(r.at),
      region: r.region,
      indicator: r.indicator,
      station: r.station,
      actor: r.actor,
      data: JSON.parse(r.data) as Record<string, unknown>,
    },
  }
}
