import type { ClickHouseClient } from '@clickhouse/client'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator, RegionLevel } from '../../common/catalog-schema'
import { startOfLocalDay } from '../../common/local-time'
import { aggregateSpatially, type SeriesValue } from '../../common/spatial-aggregate'
import { rollupTable, type RollupStep, type TableNames } from './tables'

/**
 * The wall's standard reads: latest values per region of a level, a series for
 * a region at a step, and a ranking with month-on-month and year-on-year change.
 *
 * A region's value combines every series in its subtree (stations, counties):
 * first each series within a time bucket by the indicator's temporal rule, then
 * the series by its spatial rule. Answers come from the rollups; `source: 'raw'`
 * computes the same answers from raw points, for verification and benchmarks.
 */

export type QuerySource = 'rollup' | 'raw'

export interface SeriesPoint {
  ts: number
  value: number
  min: number
  max: number
  count: number
}

export interface SnapshotValue {
  indicator: string
  region: string
  value: number
  ts: number
}

export interface RankingRow {
  region: string
  value: number
  ts: number
  /** Mean of the last 30 complete days against the 30 days before, in percent. */
  mom: number | null
  /** The same 30 days against one year earlier, in percent. */
  yoy: number | null
}

/** Days each ranking comparison window spans. */
export const COMPARISON_DAYS = 30
const DAY_MS = 86_400_000

/** Per series and bucket: how points combine in time, on a rollup and on raw points. */
const TEMPORAL_SQL: Record<Indicator['temporal'], Record<QuerySource, string>> = {
  mean: { rollup: 'sum(sum) / sum(count)', raw: 'avg(value)' },
  last: { rollup: 'argMaxMerge(last)', raw: 'argMax(value, ts)' },
  max: { rollup: 'max(max)', raw: 'max(value)' },
  sum: { rollup: 'sum(sum)', raw: 'sum(value)' },
}

/** Across series within a bucket: v is the series' value, w its weight, lt its last event time. */
const SPATIAL_SQL: Record<Indicator['aggregation']['rule'], string> = {
  sum: 'sum(v)',
  mean: 'avg(v)',
  max: 'max(v)',
  last: 'argMax(v, lt)',
  weightedMean: 'if(sumIf(w, w > 0) > 0, sumIf(v * w, w > 0) / sumIf(w, w > 0), avg(v))',
}

export class IndicatorQueries {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
    private readonly index: CatalogIndex,
    /** IANA zone whose midnight starts a day (as in the daily rollup). */
    private readonly timeZone: string,
  ) {}

  /** The latest value of each indicator for each region of `level` (below `parent`). */
  async snapshot(opts: { level: RegionLevel; parent?: string; indicators?: string[]; source?: QuerySource }): Promise<{ asOf: number | null; values: SnapshotValue[] }> {
    const targets = this.index.tree.atLevel(opts.level, opts.parent)
    const indicators = (opts.indicators ?? this.index.catalog.indicators.map((i) => i.code)).map((c) => this.indicator(c))
    const regionsBelow = targets.flatMap((t) => this.index.tree.subtree(t.code).map((r) => r.code))
    const targetOf = new Map(targets.flatMap((t) => this.index.tree.subtree(t.code).map((r) => [r.code, t.code] as const)))
    const asked = new Set(indicators.map((i) => i.code))
    const wanted = new Set(asked)
    for (const i of indicators) if (i.aggregation.rule === 'weightedMean') wanted.add(i.aggregation.weightBy)

    const rows = await this.latestPerSeries([...wanted], regionsBelow, opts.source ?? 'rollup')
    const bySeries = new Map(rows.map((r) => [`${r.indicator}|${r.region}|${r.station}`, r]))
    const groups = new Map<string, SeriesValue[]>()
    for (const r of rows) {
      const indicator = this.index.indicator(r.indicator)!
      if (!asked.has(indicator.code)) continue
      const sv: SeriesValue = { value: r.value, ts: r.ts }
      if (indicator.aggregation.rule === 'weightedMean') {
        const w = bySeries.get(`${indicator.aggregation.weightBy}|${r.region}|${r.station}`)
        if (w) sv.weight = w.value
      }
      const key = `${r.indicator}|${targetOf.get(r.region)}`
      const list = groups.get(key)
      if (list) list.push(sv)
      else groups.set(key, [sv])
    }
    const values: SnapshotValue[] = []
    let asOf: number | null = null
    for (const [key, list] of groups) {
      const [indicator, region] = key.split('|') as [string, string]
      const value = aggregateSpatially(this.indicator(indicator).aggregation.rule, list)
      if (value === null) continue
      const ts = Math.max(...list.map((v) => v.ts))
      asOf = asOf === null ? ts : Math.max(asOf, ts)
      values.push({ indicator, region, value, ts })
    }
    values.sort((a, b) => a.indicator.localeCompare(b.indicator) || a.region.localeCompare(b.region))
    return { asOf, values }
  }

  /** One region's series in [from, to) at `step`. */
  async series(opts: { indicator: string; region: string; from: number; to: number; step: RollupStep; source?: QuerySource }): Promise<SeriesPoint[]> {
    const indicator = this.indicator(opts.indicator)
    const source = opts.source ?? 'rollup'
    const regions = this.index.tree.subtree(opts.region).map((r) => r.code)
    const inner = this.perSeriesBuckets(indicator, source, opts.step, [['from', 'to']])
    const rs = await this.client.query({
      query: `SELECT toUnixTimestamp(b) * 1000 AS ts, ${SPATIAL_SQL[indicator.aggregation.rule]} AS value,
          min(lo) AS min, max(hi) AS max, sum(n) AS count
        FROM (${inner}) AS s
        GROUP BY b ORDER BY b`,
      query_params: { indicator: indicator.code, regions, from: opts.from, to: opts.to, tz: this.timeZone, ...(await this.weights(indicator, source)) },
      format: 'JSONEachRow',
    })
    return (await rs.json<Record<keyof SeriesPoint, string | number>>()).map((r) => ({
      ts: Number(r.ts),
      value: Number(r.value),
      min: Number(r.min),
      max: Number(r.max),
      count: Number(r.count),
    }))
  }

  /**
   * Regions of `level` below `parent` ranked best first by their latest value,
   * with month-on-month and year-on-year change of their daily values.
   */
  async ranking(opts: { indicator: string; level: RegionLevel; parent?: string; now: number; source?: QuerySource }): Promise<RankingRow[]> {
    const indicator = this.indicator(opts.indicator)
    const source = opts.source ?? 'rollup'
    const targets = this.index.tree.atLevel(opts.level, opts.parent)
    const pairs = targets.flatMap((t) => this.index.tree.subtree(t.code).map((r) => [r.code, t.code] as const))

    // Windows of complete local days: today is partial and would bias counts low.
    const today = startOfLocalDay(opts.now, this.timeZone)
    const cur = [today - COMPARISON_DAYS * DAY_MS, today]
    const mom = [cur[0]! - COMPARISON_DAYS * DAY_MS, cur[0]!]
    const yoy = [cur[0]! - 365 * DAY_MS, cur[1]! - 365 * DAY_MS]
    // The latest values and the period means are independent: ask for both at once.
    const [snapshot, means] = await Promise.all([
      this.snapshot({ level: opts.level, parent: opts.parent, indicators: [indicator.code], source }),
      this.periodMeans(indicator, source, pairs, { cur, mom, yoy }),
    ])
    const change = (region: string, base: 'mom' | 'yoy') => {
      const now = means.get(`${region}|cur`)
      const then = means.get(`${region}|${base}`)
      return now === undefined || then === undefined || then === 0 ? null : ((now - then) / Math.abs(then)) * 100
    }
    const rows = snapshot.values.map((v) => ({ region: v.region, value: v.value, ts: v.ts, mom: change(v.region, 'mom'), yoy: change(v.region, 'yoy') }))
    const sign = indicator.better === 'lower' ? 1 : -1
    return rows.sort((a, b) => sign * (a.value - b.value) || a.region.localeCompare(b.region))
  }

  /** Per target region and period: the mean of its daily values ("target|period" → mean). */
  private async periodMeans(
    indicator: Indicator,
    source: QuerySource,
    pairs: ReadonlyArray<readonly [string, string]>,
    periods: Record<'cur' | 'mom' | 'yoy', number[]>,
  ): Promise<Map<string, number>> {
    const { cur, mom, yoy } = periods
    const inner = this.perSeriesBuckets(indicator, source, '1d', [['c0', 'c1'], ['m0', 'm1'], ['y0', 'y1']])
    const rs = await this.client.query({
      query: `SELECT target, period, avg(day_value) AS value FROM (
          SELECT transform(rg, {from:Array(String)}, {to:Array(String)}, '') AS target, b,
            multiIf(b >= fromUnixTimestamp64Milli({c0:Int64}), 'cur', b >= fromUnixTimestamp64Milli({m0:Int64}), 'mom', 'yoy') AS period,
            ${SPATIAL_SQL[indicator.aggregation.rule]} AS day_value
          FROM (${inner}) AS s
          GROUP BY target, b, period
        ) GROUP BY target, period`,
      query_params: {
        indicator: indicator.code,
        regions: pairs.map(([r]) => r),
        from: pairs.map(([r]) => r),
        to: pairs.map(([, t]) => t),
        tz: this.timeZone,
        ...(await this.weights(indicator, source)),
        c0: cur[0], c1: cur[1], m0: mom[0], m1: mom[1], y0: yoy[0], y1: yoy[1],
      },
      format: 'JSONEachRow',
    })
    const means = new Map<string, number>()
    for (const r of await rs.json<{ target: string; period: string; value: number | string }>()) means.set(`${r.target}|${r.period}`, Number(r.value))
    return means
  }

  private async latestPerSeries(indicators: string[], regions: string[], source: QuerySource) {
    const query =
      source === 'rollup'
        ? `SELECT indicator, region, station, argMaxMerge(last) AS last_value, toUnixTimestamp64Milli(max(last_ts)) AS last_time
           FROM ${this.tables.latest} WHERE indicator IN {indicators:Array(String)} AND region IN {regions:Array(String)}
           GROUP BY indicator, region, station`
        : `SELECT indicator, region, station, argMax(value, ts) AS last_value, toUnixTimestamp64Milli(max(ts)) AS last_time
           FROM ${this.tables.points} WHERE indicator IN {indicators:Array(String)} AND region IN {regions:Array(String)}
           GROUP BY indicator, region, station`
    const rs = await this.client.query({ query, query_params: { indicators, regions }, format: 'JSONEachRow' })
    return (await rs.json<{ indicator: string; region: string; station: string; last_value: number; last_time: string | number }>()).map((r) => ({
      indicator: r.indicator,
      region: r.region,
      station: r.station,
      value: Number(r.last_value),
      ts: Number(r.last_time),
    }))
  }

  /**
   * Per series and bucket b: the series' value v, its min/max/count, its weight
   * w (weighted means) and last event time lt (the `last` rule), for buckets
   * starting inside any of the windows (pairs of epoch-ms query parameter names).
   */
  private perSeriesBuckets(indicator: Indicator, source: QuerySource, step: RollupStep, windows: Array<[string, string]>): string {
    const table = source === 'rollup' ? rollupTable(this.tables, step) : this.tables.points
    const bucket = source === 'rollup' ? 'ts' : this.rawBucket(step)
    const [lo, hi, n, lt] = source === 'rollup' ? ['min(min)', 'max(max)', 'sum(count)', 'max(last_ts)'] : ['min(value)', 'max(value)', 'count()', 'max(ts)']
    const inWindows = windows
      .map(([a, b]) => `(${bucket} >= fromUnixTimestamp64Milli({${a}:Int64}) AND ${bucket} < fromUnixTimestamp64Milli({${b}:Int64}))`)
      .join(' OR ')
    // Only what the spatial rule reads: every extra aggregate costs on hundreds of thousands of rows.
    const rule = indicator.aggregation.rule
    // A station names its series alone (it stands in one region), so station
    // series group by one key column less, over hundreds of thousands of rows.
    const series = indicator.stationKind ? 'station' : 'region'
    const extra = [
      rule === 'last' ? `, ${lt} AS lt` : '',
      // Weights are looked up by series, not joined.
      rule === 'weightedMean' ? `, transform(${series}, {weightKeys:Array(String)}, {weightValues:Array(Float64)}, 0.) AS w` : '',
    ].join('')
    const [key, rg] = indicator.stationKind ? ['station', 'any(region)'] : ['region, station', 'region']
    return `SELECT ${rg} AS rg, ${bucket} AS b, ${TEMPORAL_SQL[indicator.temporal][source]} AS v, ${lo} AS lo, ${hi} AS hi, ${n} AS n${extra}
      FROM ${table}
      WHERE indicator = {indicator:String} AND region IN {regions:Array(String)} AND (${inWindows})
      GROUP BY ${key}, b`
  }

  /** For weighted means: each series' weight is the latest value of the weight indicator on the same region and station. */
  private async weights(indicator: Indicator, source: QuerySource): Promise<{ weightKeys: string[]; weightValues: number[] }> {
    if (indicator.aggregation.rule !== 'weightedMean') return { weightKeys: [], weightValues: [] }
    const query =
      source === 'rollup'
        ? `SELECT ${indicator.stationKind ? 'station' : 'region'} AS k, argMaxMerge(last) AS w FROM ${this.tables.latest} WHERE indicator = {weightBy:String} GROUP BY k`
        : `SELECT ${indicator.stationKind ? 'station' : 'region'} AS k, argMax(value, ts) AS w FROM ${this.tables.points} WHERE indicator = {weightBy:String} GROUP BY k`
    const rs = await this.client.query({ query, query_params: { weightBy: indicator.aggregation.weightBy }, format: 'JSONCompactEachRow' })
    const rows = await rs.json<[string, number | string]>()
    return { weightKeys: rows.map(([k]) => k), weightValues: rows.map(([, w]) => Number(w)) }
  }


  private rawBucket(step: RollupStep): string {
    return step === '1m' ? 'toStartOfMinute(ts)' : step === '1h' ? 'toStartOfHour(ts)' : `toDateTime(toStartOfDay(ts, {tz:String}), 'UTC')`
  }

  private indicator(code: string): Indicator {
    const i = this.index.indicator(code)
    if (!i) throw new Error(`unknown indicator ${code}`)
    return i
  }
}

