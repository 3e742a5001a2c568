import { advanceTarget, nextChunk, recomputeChunks } from './compaction-plan'
import type { ClickHouseClient } from '@clickhouse/client'
import type { CatalogIndex } from '../../common/catalog-index'
import { startOfLocalDay } from '../../common/local-time'
import type { PointBatch } from '../../common/point-batch'
import type { Logger } from '../logger'
import { ROLLUP_RETENTION_DAYS } from './migrations'
import { perSeriesSql, spatialSql } from './series-sql'
import { regionSeriesTable, rollupTable, ROLLUP_STEPS, type RollupStep, type TableNames } from './tables'

/**
 * Region series: each region's own value per bucket at 1 minute, 1 hour and
 * 1 day, compacted from the rollups once a bucket has closed.
 *
 * A province's hourly speed combines 500 detectors; computed on the fly, a
 * 30-day chart groups 360,000 rollup rows. The spatial rules (a mean of series
 * means, a flow-weighted mean) do not merge incrementally, so no materialized
 * view can keep them. Instead each closed bucket is computed once, with the
 * same SQL the on-the-fly query uses, and stored; a chart reads one row per
 * bucket below the watermark and computes only the open buckets above it.
 *
 * Late points are what can make a stored bucket wrong. Every batch stored by
 * this process passes `noteBatch`, which marks the compacted buckets it touches
 * for recomputation; after a restart, points received since the last watermark
 * was saved are looked up in storage for the same purpose; history written
 * around the pipeline is announced with `markDirty`.
 */

const STEP_MS: Record<RollupStep, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 }

export interface RegionSeriesOptions {
  now?: () => number
  /** How long after a bucket closes it is compacted (late points inside it need no recomputation). */
  graceMs?: Partial<Record<RollupStep, number>>
}

const DEFAULT_GRACE_MS: Record<RollupStep, number> = { '1m': 90_000, '1h': 300_000, '1d': 1_800_000 }
/**
 * Buckets per compaction statement, so a catch-up is many bounded statements
 * (about a second each here) between which the wall's own queries get their turn.
 */
const CHUNK_MS: Record<RollupStep, number> = { '1m': 3 * 3_600_000, '1h': 3 * 86_400_000, '1d': 90 * 86_400_000 }
/**
 * A compaction reads about one granule of every series whatever its range, so
 * minutes are compacted five at a time; hours and days close one by one.
 */
const MIN_ADVANCE_MS: Record<RollupStep, number> = { '1m': 5 * 60_000, '1h': 3_600_000, '1d': 1 }
/** After a restart, points received this long before the last saved watermark are checked for late ones too. */
const RESTART_MARGIN_MS = 10 * 60_000

export interface RegionSeriesPoint {
  ts: number
  value: number
  min: number
  max: number
  count: number
}

export class RegionSeries {
  /** Per step: buckets starting before it are compacted. 0 until the first compaction. */
  private readonly watermarks = new Map<RollupStep, number>()
  /** Per step: the watermark a running compaction will move to (late points below it must be marked too). */
  private readonly advancing = new Map<RollupStep, number>()
  private readonly dirtyBuckets = new Map<RollupStep, Set<number>>(ROLLUP_STEPS.map((s) => [s, new Set()]))
  private readonly dirtyRanges = new Map<RollupStep, Array<[number, number]>>(ROLLUP_STEPS.map((s) => [s, []]))
  /** Ranges being recomputed right now: stale until their statements finish. */
  private readonly recomputing = new Map<RollupStep, Array<[number, number]>>(ROLLUP_STEPS.map((s) => [s, []]))
  private readonly now: () => number
  private readonly grace: Record<RollupStep, number>
  private running: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  /**
   * Set by stop(): a run in progress ends after the chunk it is computing.
   * The first compaction after a back-fill works through 400 days, and a
   * shutdown must not wait for all of it; the watermark saved after each chunk
   * is where the next start carries on.
   */
  private stopping = false
  /** The lowest time below which a stored point touches a compacted bucket of some step. */
  private guard = 0
  private readonly dayStarts = new Map<number, number>()

  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
    private readonly index: CatalogIndex,
    private readonly timeZone: string,
    private readonly log: Logger,
    options: RegionSeriesOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.grace = { ...DEFAULT_GRACE_MS, ...options.graceMs }
  }

  /** Buckets of `step` starting before this instant are read from the region series. */
  watermark(step: RollupStep): number {
    return this.watermarks.get(step) ?? 0
  }

  /** Reads the saved watermarks and marks buckets that points received around the last save may have changed. */
  async load(): Promise<void> {
    const rs = await this.client.query({
      query: `SELECT step, toUnixTimestamp64Milli(argMax(watermark, updated)) AS w, toUnixTimestamp64Milli(max(updated)) AS u
        FROM ${this.tables.regionSeriesWatermarks} GROUP BY step`,
      format: 'JSONEachRow',
    })
    for (const row of await rs.json<{ step: string; w: string | number; u: string | number }>()) {
      const step = ROLLUP_STEPS.find((s) => s === row.step)
      if (!step) continue
      const watermark = Number(row.w)
      this.watermarks.set(step, watermark)
      const late = await this.client.query({
        query: `SELECT DISTINCT toUnixTimestamp64Milli(toDateTime64(${bucketSql(step, 'ts')}, 3)) AS b FROM ${this.tables.points}
          WHERE received >= fromUnixTimestamp64Milli({since:Int64}) AND ts < fromUnixTimestamp64Milli({watermark:Int64})`,
        query_params: { since: Number(row.u) - RESTART_MARGIN_MS, watermark, tz: this.timeZone },
        format: 'JSONCompactEachRow',
      })
      for (const [b] of await late.json<[string | number]>()) this.dirtyBuckets.get(step)!.add(Number(b))
    }
    this.updateGuard()
  }

  /** Marks the compacted buckets a stored batch touches. Cheap for live points: one comparison each. */
  noteBatch(batch: PointBatch): void {
    const guard = this.guard
    const ts = batch.ts
    for (let i = 0; i < batch.length; i++) {
      const t = ts[i]!
      if (t >= guard) continue
      for (const step of ROLLUP_STEPS) if (t < this.limit(step)) this.dirtyBuckets.get(step)!.add(this.bucketStart(step, t))
    }
  }

  /**
   * Stored buckets from this instant on may be stale (late points marked, or
   * being recomputed): readers compute them instead. The watermark when none.
   */
  staleFrom(step: RollupStep): number {
    let from = this.watermark(step)
    for (const b of this.dirtyBuckets.get(step)!) if (b < from) from = b
    for (const [a] of this.dirtyRanges.get(step)!) if (a < from) from = a
    for (const [a] of this.recomputing.get(step)!) if (a < from) from = a
    return from
  }

  /** Bucket starts of `step` marked for recomputation (late points seen, or found after a restart). */
  dirty(step: RollupStep): number[] {
    return [...this.dirtyBuckets.get(step)!].sort((a, b) => a - b)
  }

  /** Marks every bucket in [from, to) for recomputation (history written around the pipeline). */
  markDirty(from: number, to: number): void {
    for (const step of ROLLUP_STEPS) this.dirtyRanges.get(step)!.push([from, to])
  }

  /** Recomputes marked buckets, then compacts every bucket closed since the watermark. One run at a time. */
  runOnce(): Promise<void> {
    return (this.running ??= this.run().finally(() => {
      this.running = undefined
    }))
  }

  /** Compacts every `intervalMs` until stopped. */
  start(intervalMs = 10_000): void {
    const tick = () => {
      this.runOnce()
        .catch((err: unknown) => this.log.warn({ err }, 'region series compaction failed; retrying'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs)
        })
    }
    this.timer = setTimeout(tick, 0)
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    this.stopping = true
    await this.running?.catch(() => undefined)
  }

  /** Region `region`'s compacted series of `indicator` for buckets starting in [from, to). */
  async read(opts: { indicator: string; region: string; step: RollupStep; from: number; to: number }): Promise<RegionSeriesPoint[]> {
    const rows = await this.select(opts.indicator, [opts.region], opts.step, opts.from, opts.to)
    return rows.map(({ region: _, ...point }) => point)
  }

  /** The compacted values of several regions (ordered by region, then time). */
  readRegions(opts: { indicator: string; regions: readonly string[]; step: RollupStep; from: number; to: number }): Promise<Array<RegionSeriesPoint & { region: string }>> {
    return this.select(opts.indicator, opts.regions, opts.step, opts.from, opts.to)
  }

  private async select(indicator: string, regions: readonly string[], step: RollupStep, from: number, to: number): Promise<Array<RegionSeriesPoint & { region: string }>> {
    const rs = await this.client.query({
      // Recomputed buckets stay twice until a merge: the newest computation counts.
      query: `SELECT r.region AS g, toUnixTimestamp(b) * 1000 AS t, argMax(r.value, r.computed), argMax(r.min, r.computed),
          argMax(r.max, r.computed), argMax(r.count, r.computed)
        FROM ${regionSeriesTable(this.tables, step)} AS r
        WHERE r.indicator = {indicator:String} AND r.region IN {regions:Array(String)}
          AND r.ts >= fromUnixTimestamp64Milli({from:Int64}) AND r.ts < fromUnixTimestamp64Milli({to:Int64})
        GROUP BY g, r.ts AS b ORDER BY g, b`,
      query_params: { indicator, regions, from, to },
      format: 'JSONCompactEachRow',
    })
    return (await rs.json<[string, ...Array<string | number>]>()).map(([region, ts, value, min, max, count]) => ({
      region,
      ts: Number(ts),
      value: Number(value),
      min: Number(min),
      max: Number(max),
      count: Number(count),
    }))
  }

  private async run(): Promise<void> {
    for (const step of ROLLUP_STEPS) {
      if (this.stopping) return
      await this.recomputeDirty(step)
      await this.advance(step)
    }
  }

  private async recomputeDirty(step: RollupStep): Promise<void> {
    const buckets = this.dirtyBuckets.get(step)!
    const ranges = [...this.dirtyRanges.get(step)!, ...[...buckets].map((b): [number, number] => [b, b + STEP_MS[step]])]
    if (ranges.length === 0) return
    buckets.clear()
    this.dirtyRanges.set(step, [])
    this.recomputing.set(step, ranges)
    try {
      for (const [lo, hi] of recomputeChunks(ranges, { coveredFrom: this.coveredFrom(step), watermark: this.watermark(step), chunkMs: CHUNK_MS[step] })) await this.compute(step, lo, hi)
    } catch (err) {
      // Keep the marks: the next run tries again.
      this.dirtyRanges.get(step)!.push(...ranges)
      throw err
    } finally {
      this.recomputing.set(step, [])
    }
  }

  private async advance(step: RollupStep): Promise<void> {
    const target = this.bucketStart(step, this.now() - this.grace[step])
    const first = this.watermark(step) === 0 ? await this.earliestBucket(step) : 0
    const plan = advanceTarget({ target, watermark: this.watermark(step), minAdvanceMs: MIN_ADVANCE_MS[step], coveredFrom: this.coveredFrom(step), earliestBucket: first })
    if (!plan) return
    let watermark = plan.from
    // From here on, a point stored below the target may land in a bucket this run has already passed: it is marked.
    this.advancing.set(step, target)
    this.updateGuard()
    try {
      while (watermark < target && !this.stopping) {
        // Empty stretches (history that is sparse at this resolution) are skipped, not scanned chunk by chunk.
        const chunk = nextChunk(await this.firstBucketFrom(step, watermark, target), target, CHUNK_MS[step])
        if (!chunk) {
          watermark = target
          break
        }
        await this.compute(step, chunk[0], chunk[1])
        watermark = chunk[1]
        await this.saveWatermark(step, watermark)
      }
      if (this.watermark(step) !== watermark) await this.saveWatermark(step, watermark)
    } finally {
      this.advancing.delete(step)
      this.updateGuard()
    }
  }

  private async saveWatermark(step: RollupStep, watermark: number): Promise<void> {
    await this.client.insert({
      table: this.tables.regionSeriesWatermarks,
      values: [{ step, watermark, updated: this.now() }],
      format: 'JSONEachRow',
    })
    this.watermarks.set(step, watermark)
  }

  /** The first bucket of the rollup of `step` in [from, to), or `to` when there is none. */
  private async firstBucketFrom(step: RollupStep, from: number, to: number): Promise<number> {
    const rs = await this.client.query({
      query: `SELECT count() AS n, toUnixTimestamp(min(ts)) * 1000 AS first FROM ${rollupTable(this.tables, step)}
        WHERE ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})`,
      query_params: { from, to },
      format: 'JSONEachRow',
    })
    const [row] = await rs.json<{ n: string | number; first: string | number }>()
    return Number(row!.n) === 0 ? to : Number(row!.first)
  }

  /** The first bucket the rollup of `step` holds, or +∞ when it is empty. */
  private async earliestBucket(step: RollupStep): Promise<number> {
    const rs = await this.client.query({
      query: `SELECT count() AS n, toUnixTimestamp(min(ts)) * 1000 AS first FROM ${rollupTable(this.tables, step)}`,
      format: 'JSONEachRow',
    })
    const [row] = await rs.json<{ n: string | number; first: string | number }>()
    return Number(row!.n) === 0 ? Infinity : Number(row!.first)
  }

  /** Computes and stores every region's value of every indicator for buckets starting in [from, to). */
  private async compute(step: RollupStep, from: number, to: number): Promise<void> {
    const targets = this.index.catalog.indicators
    const perSeries = perSeriesSql({
      targets,
      weightOf: (code) => this.index.indicator(code)!,
      tables: this.tables,
      source: 'rollup',
      step,
      windows: [['from', 'to']],
      timeZone: this.timeZone,
    })
    const spatial = spatialSql(targets)
    const regions = [...this.index.tree.subtree(this.index.tree.root.code)]
    const started = performance.now()
    await this.client.command({
      query: `INSERT INTO ${regionSeriesTable(this.tables, step)} (indicator, region, ts, value, min, max, count, computed)
        SELECT indicator, target, b, ${spatial.sql}, min(lo), max(hi), sum(n), now64(3)
        FROM (${perSeries.sql})
        ARRAY JOIN {lineages:Array(Array(String))}[indexOf({lineageOf:Array(String)}, rg)] AS target
        GROUP BY indicator, target, b`,
      query_params: {
        ...perSeries.params,
        ...spatial.params,
        from,
        to,
        lineageOf: regions.map((r) => r.code),
        lineages: regions.map((r) => this.index.tree.lineage(r.code).map((a) => a.code)),
      },
    })
    this.log.debug({ step, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ms: Math.round(performance.now() - started) }, 'region series compacted')
  }

  /**
   * Buckets before this are past the rollup's retention: never compacted, and
   * dropped by the same TTL as the rollup. Region series cover [coveredFrom, watermark).
   */
  coveredFrom(step: RollupStep): number {
    return this.bucketStart(step, this.now() - ROLLUP_RETENTION_DAYS[step] * 86_400_000) + STEP_MS[step]
  }

  /** Points before this time touch a compacted (or being compacted) bucket of `step`. */
  private limit(step: RollupStep): number {
    return Math.max(this.watermark(step), this.advancing.get(step) ?? 0)
  }

  private updateGuard(): void {
    this.guard = Math.max(...ROLLUP_STEPS.map((s) => this.limit(s)))
  }

  private bucketStart(step: RollupStep, t: number): number {
    if (step !== '1d') return Math.floor(t / STEP_MS[step]) * STEP_MS[step]
    // Zone offsets are whole quarter hours: one lookup per quarter hour.
    const quarter = Math.floor(t / 900_000)
    let start = this.dayStarts.get(quarter)
    if (start === undefined) {
      if (this.dayStarts.size > 10_000) this.dayStarts.clear()
      start = startOfLocalDay(t, this.timeZone)
      this.dayStarts.set(quarter, start)
    }
    return start
  }
}

function bucketSql(step: RollupStep, column: string): string {
  return step === '1m' ? `toStartOfMinute(${column})` : step === '1h' ? `toStartOfHour(${column})` : `toDateTime(toStartOfDay(${column}, {tz:String}), 'UTC')`
}
