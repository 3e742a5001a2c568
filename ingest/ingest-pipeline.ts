import type { CatalogIndex } from '../common/catalog-index'
import type { IngestSource, Point } from '../common/point'
import { BatchWriter } from './batch-writer'
import { parseBody, type BodyFormat, type ParsedRecord, type RecordFailure, BodyErrorWithFailures } from './body-parser'
import { DedupeWindow } from './dedupe-window'
import type { IngestBus } from './ingest-bus'
import { createPointValidator, type PointValidator } from './point-validator'

/**
 * source → validate → dedupe → batch → insert → publish. The one path every
 * point takes, whether it came over HTTP, from a simulator or from a file.
 * A caller that awaits `ingest*` and gets a result has its accepted points
 * stored and its rejected records kept in the dead letter.
 */

/** What the pipeline needs from storage; the real one is PointStore. */
export interface IngestStore {
  insertPointsTsv(tsv: string): Promise<void>
  insertRejects(rows: readonly RejectInput[]): Promise<void>
}

export interface RejectInput {
  received: number
  source: IngestSource
  line: number
  field: string
  reason: string
  raw: string
}

export type PointEncoder = (points: readonly Point[], source: IngestSource, received: number) => string

export interface IngestResult {
  accepted: number
  rejected: number
  /** Points whose id was stored before: not stored again, not an error. */
  duplicates: number
  errors: Array<{ line: number; field: string; reason: string }>
  /** True when there were more errors than the reply lists (all are kept in rejects). */
  errorsTruncated?: boolean
}

/** The writer is behind: the caller should answer 503 and the producer retry later. */
export class BackpressureError extends Error {
  override readonly name = 'BackpressureError'
  constructor(readonly retryAfterSeconds: number) {
    super(`ingest is behind (queue full); retry in ${retryAfterSeconds} s`)
  }
}

/** Storage failed: nothing of the request is acknowledged; the producer should retry. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError'
  readonly retryAfterSeconds = 5
  constructor(cause: unknown) {
    super('storage is unavailable; nothing from this request was stored', { cause })
  }
}

export interface PipelineLimits {
  /** Rows per insert when producers push faster than inserts complete. */
  maxBatchRows: number
  /** How long a lone point may wait for company before it is inserted. */
  lingerMs: number
  /** Points queued or being inserted before producers are told to back off. */
  maxQueuedRows: number
  /** How long a producer id is remembered. */
  dedupeTtlMs: number
  /** How many producer ids are remembered at most. */
  dedupeCapacity: number
}

export const DEFAULT_LIMITS: PipelineLimits = {
  // ~100k rows is where an insert into points + 4 rollup views stops getting
  // cheaper per row on this engine (measured: 50k → 200k rows per insert gains
  // ~10 %), and it keeps one batch's memory near 30 MB.
  maxBatchRows: 100_000,
  // Half of the live hub's 1 s tick: a point reaches the screen within one tick
  // plus this, and at most ~20 inserts a second keep the part count low.
  lingerMs: 50,
  // About 2 s of the 200k points/s the pipeline sustains: enough to absorb a
  // burst, small enough (~150 MB) that memory stays bounded.
  maxQueuedRows: 500_000,
  // A producer retrying after a crash does so within minutes; a day is generous.
  dedupeTtlMs: 24 * 3_600_000,
  // ~100 bytes each: 2 M ids ≈ 200 MB at most.
  dedupeCapacity: 2_000_000,
}

/** The reply lists at most this many errors; every reject is in the dead letter. */
export const MAX_REPLY_ERRORS = 1000

interface PointUnit {
  points: readonly Point[]
  tsv: string
  publish: boolean
}

export interface IngestPipelineDeps {
  index: CatalogIndex
  store: IngestStore
  encode: PointEncoder
  bus: IngestBus
  now?: () => number
  limits?: Partial<PipelineLimits>
}

export class IngestPipeline {
  readonly dedupe: DedupeWindow
  readonly dedupeTtlMs: number
  readonly stats = { accepted: 0, rejected: 0, duplicates: 0, backpressured: 0 }
  private readonly validate: PointValidator
  private readonly pointWriter: BatchWriter<PointUnit>
  private readonly rejectWriter: BatchWriter<RejectInput[]>
  private readonly now: () => number
  private readonly encode: PointEncoder
  private readonly bus: IngestBus
  /** Ids accepted but not yet stored, with the write that stores them. */
  private readonly inFlightIds = new Map<string, Promise<void>>()

  constructor(deps: IngestPipelineDeps) {
    const limits = { ...DEFAULT_LIMITS, ...deps.limits }
    this.now = deps.now ?? Date.now
    this.encode = deps.encode
    this.bus = deps.bus
    this.validate = createPointValidator(deps.index, this.now)
    this.dedupeTtlMs = limits.dedupeTtlMs
    this.dedupe = new DedupeWindow(limits.dedupeCapacity, limits.dedupeTtlMs)
    this.pointWriter = new BatchWriter<PointUnit>({
      maxBatchRows: limits.maxBatchRows,
      lingerMs: limits.lingerMs,
      maxQueuedRows: limits.maxQueuedRows,
      sink: async (units) => {
        await deps.store.insertPointsTsv(units.length === 1 ? units[0]!.tsv : units.map((u) => u.tsv).join(''))
        for (const u of units) if (u.publish) this.bus.publish(u.points)
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

  /** Reads a body and ingests its records. A BodyError means nothing was readable (its lines are kept). */
  async ingestBody(text: string, format: BodyFormat, source: IngestSource): Promise<IngestResult> {
    let parsed: { records: ParsedRecord[]; failures: RecordFailure[] }
    try {
      parsed = parseBody(text, format)
    } catch (err) {
      const failures = err instanceof BodyErrorWithFailures ? err.failures : [{ line: 0, raw: text, reason: (err as Error).message }]
      await this.keepRejects(failures.map((f) => ({ ...f, field: '' })), source, this.now())
      throw err
    }
    return this.ingestRecords(parsed.records, parsed.failures, source)
  }

  /** Ingests values that are already objects (simulators, tests). */
  ingestValues(values: readonly unknown[], source: IngestSource): Promise<IngestResult> {
    return this.ingestRecords(
      values.map((value, i) => ({ line: i + 1, value })),
      [],
      source,
    )
  }

  async ingestRecords(records: readonly ParsedRecord[], failures: readonly RecordFailure[], source: IngestSource): Promise<IngestResult> {
    if (!this.pointWriter.canAccept(records.length)) {
      this.stats.backpressured++
      throw new BackpressureError(Math.min(30, Math.max(1, Math.ceil(this.pointWriter.depth / 200_000))))
    }
    const received = this.now()
    const accepted: Point[] = []
    const rejects: RejectInput[] = failures.map((f) => ({ received, source, line: f.line, field: '', reason: f.reason, raw: f.raw }))
    const newIds: string[] = []
    const waitFor = new Set<Promise<void>>()
    let duplicates = 0

    for (const record of records) {
      const verdict = this.validate(record.value)
      if (!verdict.ok) {
        rejects.push({ received, source, line: record.line, field: verdict.field, reason: verdict.reason, raw: record.raw ?? rawText(record.value) })
        continue
      }
      const id = verdict.point.id
      if (id !== undefined) {
        if (this.dedupe.has(id, received)) {
          duplicates++
          const original = this.inFlightIds.get(id)
          if (original) waitFor.add(original)
          continue
        }
        this.dedupe.add(id, received)
        newIds.push(id)
      }
      accepted.push(verdict.point)
    }

    // Rejects first: if storage fails between the two writes, a retry adds a
    // second copy to the dead letter, never a second copy of a point.
    const write = (async () => {
      await this.keepRejects(rejects, source, received)
      const tsv = this.encode(accepted, source, received)
      await this.pointWriter.write({ points: accepted, tsv, publish: true }, accepted.length)
    })()
    for (const id of newIds) this.inFlightIds.set(id, write)
    try {
      await write
      // A duplicate of a point still being stored is answered only once that point is.
      await Promise.all(waitFor)
    } catch (err) {
      for (const id of newIds) this.dedupe.remove(id)
      throw err instanceof StorageUnavailableError ? err : new StorageUnavailableError(err)
    } finally {
      for (const id of newIds) if (this.inFlightIds.get(id) === write) this.inFlightIds.delete(id)
    }

    this.stats.accepted += accepted.length
    this.stats.rejected += rejects.length
    this.stats.duplicates += duplicates
    const errors = rejects.slice(0, MAX_REPLY_ERRORS).map((r) => ({ line: r.line, field: r.field, reason: r.reason }))
    const result: IngestResult = { accepted: accepted.length, rejected: rejects.length, duplicates, errors }
    if (rejects.length > MAX_REPLY_ERRORS) result.errorsTruncated = true
    return result
  }

  /**
   * Stores points that need no validation or dedupe (history back-fill from the
   * simulators' own models) and does not publish them: they are history, not news.
   */
  async writeHistory(points: readonly Point[], source: IngestSource): Promise<void> {
    const tsv = this.encode(points, source, this.now())
    await this.pointWriter.write({ points, tsv, publish: false }, points.length)
  }

  /** Refills the dedupe window with ids stored before a restart. */
  rememberIds(ids: Iterable<{ id: string; received: number }>): void {
    for (const { id, received } of ids) this.dedupe.add(id, received)
  }

  /** Stores everything queued, then refuses further writes. */
  async close(): Promise<void> {
    await Promise.all([this.pointWriter.close(), this.rejectWriter.close()])
  }

  private async keepRejects(rows: RejectInput[] | Array<{ line: number; raw: string; reason: string; field: string }>, source: IngestSource, received: number): Promise<void> {
    if (rows.length === 0) return
    const full = rows.map((r) => ({ received, source, ...r }))
    try {
      await this.rejectWriter.write(full, full.length)
    } catch (err) {
      throw new StorageUnavailableError(err)
    }
  }
}

function rawText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
