import type { CatalogIndex } from '../common/catalog-index'
import type { IngestSource, Point } from '../common/point'
import { PointBatch, type PointColumns } from '../common/point-batch'
import { BatchWriter } from './batch-writer'
import { BodyErrorWithFailures, MAX_FAILURES_PER_REQUEST, parseBody, recordsOf, TooManyFailuresError, type BodyFormat, type ParsedBody, type ParsedRecords, type RecordFailure } from './body-parser'
import { DedupeWindow } from './dedupe-window'
import { hashIdInto, idHashColumns, idScope, type IdHash, type IdHashColumns } from './id-hash'
import type { IngestBus } from './ingest-bus'
import { createPointValidator, Rejection, type PointValidator } from './point-validator'
import { BackpressureError, StorageUnavailableError } from '../common/errors'

/**
 * source → validate → dedupe → batch → insert → publish. The one path every
 * point takes, whether it came over HTTP, from a simulator or from a file.
 * A caller that awaits `ingest*` and gets a result has its accepted points
 * stored and its rejected records kept in the dead letter.
 */

/** What the pipeline needs from storage; the real one is PointStore. */
export interface IngestStore {
  /** Stores the points of several requests in one insert; resolves once they are stored (and rolled up). */
  insertPoints(parts: readonly PointRows[]): Promise<void>
  insertRejects(rows: readonly RejectInput[]): Promise<void>
}

/** Points of one request (or one slice of history), as they are stored. */
export interface PointRows {
  batch: PointBatch
  source: IngestSource
  /** When they were received, epoch ms. */
  received: number
  /** The hash of each point's producer id (-1 in `hi`: none); absent: no point has one. */
  ids?: IdHashColumns
}

/** A record ingest refused, kept in the dead letter with its reason and raw text. */
export interface RejectInput {
  received: number
  source: IngestSource
  line: number
  field: string
  reason: string
  raw: string
}

export interface IngestResult {
  accepted: number
  rejected: number
  /** Points whose id was stored before: not stored again, not an error. */
  duplicates: number
  errors: Array<{ line: number; field: string; reason: string }>
  /** True when there were more errors than the reply lists (all are kept in rejects). */
  errorsTruncated?: boolean
}

/**
 * What the sender may write: null to let a valid point through, or the
 * Rejection that keeps it out (an ingest key scoped to some indicators or regions).
 */
export type PointPermit = (point: Point) => Rejection | null

/** Who sent a request: whose ids its points carry, and what it may write. */
export interface Sender {
  /**
   * The producer whose ids these are: the same id from two producers is two
   * points, from one producer twice is one. An ingest key (`key:<id>`), a
   * signed-in account (its name); default `source:<source>` (simulators, tests).
   */
  producer?: string
  /** Default: everything. */
  permit?: PointPermit
}

/** The producer of points that come from inside the server (simulators, back-fill, tests): their source. */
export const sourceProducer = (source: IngestSource): string => `source:${source}`

export interface PipelineLimits {
  /** Rows per insert when producers push faster than inserts complete. */
  maxBatchRows: number
  /** How long a lone point may wait for company before it is inserted. */
  lingerMs: number
  /** Points queued or being inserted before producers are told to back off. */
  maxQueuedRows: number
  /** Inserts under way at once. */
  maxInFlightBatches: number
  /** How long a producer id is remembered. */
  dedupeTtlMs: number
  /** How many producer ids are remembered at most. */
  dedupeCapacity: number
}

export const DEFAULT_LIMITS: PipelineLimits = {
  // Measured with `npm run bench -- ingest` (inserts by column, 2026-11-22):
  // 50k rows per insert 266k points/s, 100k 320–328k, up to 200k 296k. Fewer,
  // larger parts cost the engine less until a batch waits too long to form.
  maxBatchRows: 100_000,
  // Group commit: a batch goes as soon as an insert slot is free, after a few ms
  // to gather requests that arrive together; under load, batches grow while the
  // inserts ahead of them run. (50 ms cost e2e latency and gained no throughput.)
  lingerMs: 5,
  // Two: while one insert runs its views, the next batch forms; measured faster
  // than one (the engine gets the second core while the event loop works) and
  // than three (298k points/s against 320k).
  maxInFlightBatches: 2,
  // About 1.5 s of the ~320k points/s the pipeline sustains: enough to absorb a
  // burst, small enough that memory stays bounded (a queued point is its
  // columns, ~60 bytes: ~30 MB).
  maxQueuedRows: 500_000,
  // A producer retrying after a crash does so within minutes; a day is generous.
  dedupeTtlMs: 24 * 3_600_000,
  // ~100 bytes each: 2 M ids ≈ 200 MB at most.
  dedupeCapacity: 2_000_000,
}

/** The reply lists at most this many errors; every reject is in the dead letter. */
export const MAX_REPLY_ERRORS = 1000

/** A request after validation: what waits for storage (no per-point objects). */
interface Prepared {
  /** The accepted points as they are stored. */
  accepted: PointRows
  rejects: RejectInput[]
  duplicates: number
}

/**
 * The id hash of each accepted point of a request (-1 in `hi`: none), as number
 * columns, not an object per point. They are also the ids the request holds in
 * the dedupe window, released again unless its points are stored.
 */
interface RequestIds {
  hi: number[]
  lo: number[]
}

interface PointUnit {
  rows: PointRows
  /** False for history: stored, not news for the bus. */
  publish: boolean
}

export interface IngestPipelineDeps {
  index: CatalogIndex
  store: IngestStore
  bus: IngestBus
  now?: () => number
  limits?: Partial<PipelineLimits>
  /** Told of every insert of points: how long it took, how many rows, whether it worked (for metrics). */
  onInsert?: (ms: number, rows: number, ok: boolean, err?: unknown) => void
}

export class IngestPipeline {
  readonly dedupe: DedupeWindow
  readonly dedupeTtlMs: number
  readonly stats = { accepted: 0, rejected: 0, duplicates: 0, backpressured: 0 }
  private readonly validate: PointValidator
  private readonly pointWriter: BatchWriter<PointUnit>
  private readonly rejectWriter: BatchWriter<RejectInput[]>
  private readonly now: () => number
  private readonly bus: IngestBus
  /** Reused for each id's hash while a request is prepared. */
  private readonly scratchId: IdHash = { hi: 0, lo: 0 }
  /** Writes under way, which a duplicate waits for. */
  private readonly pendingWrites = new Set<Promise<void>>()

  constructor(deps: IngestPipelineDeps) {
    const limits = { ...DEFAULT_LIMITS, ...deps.limits }
    this.now = deps.now ?? Date.now
    this.bus = deps.bus
    this.validate = createPointValidator(deps.index, this.now)
    this.dedupeTtlMs = limits.dedupeTtlMs
    this.dedupe = new DedupeWindow(limits.dedupeCapacity, limits.dedupeTtlMs)
    this.pointWriter = new BatchWriter<PointUnit>({
      maxBatchRows: limits.maxBatchRows,
      lingerMs: limits.lingerMs,
      maxQueuedRows: limits.maxQueuedRows,
      maxInFlight: limits.maxInFlightBatches,
      sink: async (units, rows) => {
        const started = performance.now()
        try {
          await deps.store.insertPoints(units.map((u) => u.rows))
        } catch (err) {
          deps.onInsert?.(performance.now() - started, rows, false, err)
          throw err
        }
        deps.onInsert?.(performance.now() - started, rows, true)
        for (const u of units) if (u.publish) this.bus.publish(u.rows.batch)
      },
    })
    this.rejectWriter = new BatchWriter<RejectInput[]>({
      maxBatchRows: 10_000,
      lingerMs: limits.lingerMs,
      maxQueuedRows: Number.MAX_SAFE_INTEGER,
      sink: (units) => deps.store.insertRejects(units.flat()),
    })
  }

  /** Points waiting or being inserted. */
  get queueDepth(): number {
    return this.pointWriter.depth
  }

  get writerStats() {
    return this.pointWriter.stats
  }

  /**
   * Reads a body and ingests its records. A BodyError means nothing was
   * readable (its lines are kept in the dead letter).
   *
   * Parsing and validation run synchronously, before anything is awaited, so
   * the body text and its parsed objects die young: only the points' columns
   * wait for storage. (Keeping them alive across the insert made the
   * garbage collector the largest cost of ingest.)
   */
  ingestBody(text: string, format: BodyFormat, source: IngestSource, sender: Sender = {}): Promise<IngestResult> {
    let parsed: ParsedBody
    try {
      parsed = parseBody(text, format)
    } catch (err) {
      const failures = err instanceof BodyErrorWithFailures ? err.failures : [{ line: 0, raw: text, reason: (err as Error).message }]
      const received = this.now()
      const kept = this.keepRejects(failures.map((f) => ({ received, source, line: f.line, field: f.field ?? '', reason: f.reason, raw: f.raw })))
      return kept.then(() => Promise.reject(err))
    }
    return this.ingestRecords(parsed.records, parsed.failures, source, sender)
  }

  /** Ingests values that are already objects (simulators, tests). */
  ingestValues(values: unknown[], source: IngestSource, sender: Sender = {}): Promise<IngestResult> {
    return this.ingestRecords(recordsOf(values), [], source, sender)
  }

  /**
   * Validates, deduplicates and stores records. Everything up to handing the
   * points to the writer runs before the first await (see ingestBody).
   */
  async ingestRecords(records: ParsedRecords, failures: readonly RecordFailure[], source: IngestSource, sender: Sender = {}): Promise<IngestResult> {
    if (!this.pointWriter.canAccept(records.values.length)) {
      this.stats.backpressured++
      throw new BackpressureError(Math.min(30, Math.max(1, Math.ceil(this.pointWriter.depth / 200_000))))
    }
    const ids: RequestIds = { hi: [], lo: [] }
    let stored = false
    try {
      const prepared = this.prepare(records, failures, source, sender, ids)
      return await this.commit(prepared, () => (stored = true))
    } catch (err) {
      // Refused whole for too many bad records: what was read of them is kept, nothing else.
      if (err instanceof TooManyFailuresError) {
        const received = this.now()
        await this.keepRejects(err.failures.map((f) => ({ received, source, line: f.line, field: f.field ?? '', reason: f.reason, raw: f.raw })))
      }
      throw err
    } finally {
      // Whatever failed — a record that made validation throw, storage, a
      // duplicate's original — the ids this request holds are released unless
      // its points are stored, so a retry stores them.
      if (!stored) for (let i = 0; i < ids.hi.length; i++) if (ids.hi[i]! >= 0) this.dedupe.remove({ hi: ids.hi[i]!, lo: ids.lo[i]! })
    }
  }

  /**
   * Validation, dedupe and encoding: everything that needs the parsed records.
   * Fills `ids` as it holds each one in the dedupe window, so the caller can
   * release them even when this throws halfway.
   */
  private prepare(records: ParsedRecords, failures: readonly RecordFailure[], source: IngestSource, sender: Sender, ids: RequestIds): Prepared {
    const values = records.values
    const n = values.length
    const received = this.now()
    const rejects: RejectInput[] = failures.map((f) => ({ received, source, line: f.line, field: f.field ?? '', reason: f.reason, raw: f.raw }))
    // The accepted points go straight into the columns of their batch: no array of point objects.
    const accepted: PointColumns = { length: 0, indicator: [], region: [], station: [], ts: new Float64Array(n), value: new Float64Array(n) }
    const { permit } = sender
    const scope = idScope(sender.producer ?? sourceProducer(source))
    const id = this.scratchId
    const owned = records.owned === true
    let duplicates = 0
    for (let i = 0; i < n; i++) {
      let verdict = this.validate(values[i], owned, received)
      if (permit && !(verdict instanceof Rejection)) verdict = permit(verdict) ?? verdict
      if (verdict instanceof Rejection) {
        rejects.push({ received, source, line: records.lines[i]!, field: verdict.field, reason: verdict.reason, raw: records.rawOf(i) })
        if (rejects.length > MAX_FAILURES_PER_REQUEST) throw new TooManyFailuresError(rejects.slice(0, MAX_FAILURES_PER_REQUEST), records.lines[i]!)
        continue
      }
      if (verdict.id !== undefined) {
        hashIdInto(verdict.id, id, scope)
        if (!this.dedupe.addIfAbsent(id, received)) {
          duplicates++
          continue
        }
        ids.hi.push(id.hi)
        ids.lo.push(id.lo)
      } else {
        ids.hi.push(-1)
        ids.lo.push(-1)
      }
      const k = accepted.length++
      accepted.indicator.push(verdict.indicator)
      accepted.region.push(verdict.region)
      accepted.station.push(verdict.station)
      accepted.ts[k] = verdict.ts
      accepted.value[k] = verdict.value
    }
    return { accepted: { batch: new PointBatch(accepted, source, received), source, received, ids }, rejects, duplicates }
  }

  /** `onStored` is called as soon as the request's points are stored, before it waits for anything else. */
  private async commit(p: Prepared, onStored: () => void): Promise<IngestResult> {
    // A duplicate of a point that may still be on its way to storage is answered
    // only once the writes already under way are done (rare: a producer retrying
    // before its first attempt was answered).
    const ahead = p.duplicates > 0 ? [...this.pendingWrites] : []
    // Rejects first: if storage fails between the two writes, a retry adds a
    // second copy to the dead letter, never a second copy of a point.
    // Without rejects the points are queued at once, not a microtask later: a
    // batch that fills up goes to the engine while the event loop is still busy
    // reading the requests that arrived together.
    const { batch } = p.accepted
    const storePoints = () => this.pointWriter.write({ rows: p.accepted, publish: true }, batch.length)
    const write = p.rejects.length === 0 ? storePoints() : this.keepRejects(p.rejects).then(storePoints)
    this.pendingWrites.add(write)
    try {
      await write
      onStored()
      // If a duplicate's original then fails, this request fails too (the
      // producer retries it), but its own points stay stored and their ids held.
      await Promise.all(ahead)
    } catch (err) {
      throw err instanceof StorageUnavailableError ? err : new StorageUnavailableError(err)
    } finally {
      this.pendingWrites.delete(write)
    }
    this.stats.accepted += batch.length
    this.stats.rejected += p.rejects.length
    this.stats.duplicates += p.duplicates
    const errors = p.rejects.slice(0, MAX_REPLY_ERRORS).map((r) => ({ line: r.line, field: r.field, reason: r.reason }))
    const result: IngestResult = { accepted: batch.length, rejected: p.rejects.length, duplicates: p.duplicates, errors }
    if (p.rejects.length > MAX_REPLY_ERRORS) result.errorsTruncated = true
    return result
  }

  /**
   * Stores points that need no validation or dedupe (history back-fill from the
   * simulators' own models) and does not publish them: they are history, not news.
   */
  async writeHistory(points: readonly Point[], source: IngestSource): Promise<void> {
    const ids = points.some((p) => p.id !== undefined) ? idHashColumns(points, idScope(sourceProducer(source))) : undefined
    const rows: PointRows = { batch: new PointBatch(points), source, received: this.now(), ...(ids && { ids }) }
    await this.pointWriter.write({ rows, publish: false }, points.length)
  }

  /** Refills the dedupe window with ids stored before a restart (their hashes carry their producers). */
  rememberIds(ids: Iterable<{ id: IdHash; received: number }>): void {
    for (const { id, received } of ids) this.dedupe.add(id, received)
  }

  /** Stores everything queued, then refuses further writes. */
  async close(): Promise<void> {
    await Promise.all([this.pointWriter.close(), this.rejectWriter.close()])
  }

  private async keepRejects(rows: RejectInput[]): Promise<void> {
    if (rows.length === 0) return
    try {
      await this.rejectWriter.write(rows, rows.length)
    } catch (err) {
      throw new StorageUnavailableError(err)
    }
  }
}

