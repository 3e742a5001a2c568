import type { Indicator } from '../../common/catalog-schema'
import { rollupTable, type RollupStep, type TableNames } from './tables'

/**
 * The SQL both the series queries and the region rollups are built from, so a
 * compacted region value and one computed on the fly are the same expression.
 *
 * A region's value in a time bucket combines every series (station, or region
 * reporting alone) in its subtree: first each series within the bucket by the
 * indicator's temporal rule, then the series by its spatial rule. A weighted
 * mean weighs each series by its weight indicator's value on the same series
 * in the same bucket; series without a weight there are left out, and when no
 * series has one the plain mean is the honest fallback.
 */

export type QuerySource = 'rollup' | 'raw'

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

export interface PerSeriesQuery {
  /** The SQL: columns indicator, rg (the series' region), station, b (bucket start), v, lo, hi, n, lt, w. */
  sql: string
  params: Record<string, unknown>
}

/**
 * Per series and bucket, for every indicator in `targets`: the series' value v,
 * its min/max/count, its last event time lt and its weight w (0 when none), for
 * buckets starting inside any of the windows (pairs of epoch-ms parameter names)
 * and, when `regions` is set, series standing in those regions (and when
 * `station` is, that station's series only).
 */
export function perSeriesSql(opts: {
  targets: readonly Indicator[]
  weightOf: (code: string) => Indicator
  tables: TableNames
  source: QuerySource
  step: RollupStep
  windows: ReadonlyArray<readonly [string, string]>
  regions?: readonly string[]
  /** Only this station's series (with `regions`, its own region: a station code names one series there). */
  station?: string
  /** IANA zone whose midnight starts a day (raw points bucketed by day). */
  timeZone: string
}): PerSeriesQuery {
  const { targets, source, step } = opts
  const weighted = targets.filter((t) => t.aggregation.rule === 'weightedMean')
  const read = [...new Map([...targets, ...weighted.map((t) => opts.weightOf(weightBy(t)))].map((i) => [i.code, i])).values()]

  const table = source === 'rollup' ? rollupTable(opts.tables, step) : opts.tables.points
  const bucket = source === 'rollup' ? 'ts' : rawBucket(step)
  const [lo, hi, n, lt] = source === 'rollup' ? ['min(min)', 'max(max)', 'sum(count)', 'max(last_ts)'] : ['min(value)', 'max(value)', 'count()', 'max(ts)']
  const inWindows = opts.windows
    .map(([a, b]) => `(${bucket} >= fromUnixTimestamp64Milli({${a}:Int64}) AND ${bucket} < fromUnixTimestamp64Milli({${b}:Int64}))`)
    .join(' OR ')
  const temporal = byKind(read, (i) => i.temporal, (kind) => TEMPORAL_SQL[kind][source], 'temporal')
  const params: Record<string, unknown> = { ...temporal.params, read: read.map((i) => i.code), tz: opts.timeZone }
  let regionFilter = ''
  if (opts.regions) {
    regionFilter = ' AND region IN {regions:Array(String)}'
    params.regions = opts.regions
  }
  if (opts.station !== undefined) {
    regionFilter += ' AND station = {station:String}'
    params.station = opts.station
  }
  const perSeries = (as: string) => `SELECT indicator${as}, region AS rg, station, ${bucket} AS b, ${temporal.sql} AS v, ${lo} AS lo, ${hi} AS hi, ${n} AS n, ${lt} AS lt
      FROM ${table}
      WHERE indicator IN {read:Array(String)}${regionFilter} AND (${inWindows})
      GROUP BY indicator, region, station, b`
  if (weighted.length === 0) return { sql: `SELECT *, 0. AS w FROM (${perSeries('')})`, params }

  // Each row stands for its own indicator (role 0) and as the weight (role 1)
  // of every indicator weighted by it; regrouping by target puts value and
  // weight of a series and bucket side by side, without a join.
  const weightKeys = [...new Set(weighted.map(weightBy))]
  params.targets = targets.map((t) => t.code)
  params.weightKeys = weightKeys
  params.weightTargets = weightKeys.map((k) => weighted.filter((t) => weightBy(t) === k).map((t) => t.code))
  const sql = `SELECT tr.1 AS indicator, s.rg AS rg, s.station AS station, s.b AS b,
      anyIf(s.v, tr.2 = 0) AS v, anyIf(s.lo, tr.2 = 0) AS lo, anyIf(s.hi, tr.2 = 0) AS hi, anyIf(s.n, tr.2 = 0) AS n,
      anyIf(s.lt, tr.2 = 0) AS lt, anyIf(s.v, tr.2 = 1) AS w
    FROM (${perSeries(' AS source')}) AS s
    ARRAY JOIN arrayConcat([(s.source, 0)], arrayMap(x -> (x, 1), {weightTargets:Array(Array(String))}[indexOf({weightKeys:Array(String)}, s.source)])) AS tr
    WHERE tr.1 IN {targets:Array(String)}
    GROUP BY indicator, rg, station, b
    HAVING countIf(tr.2 = 0) > 0`
  return { sql, params }
}

/** The spatial aggregate of v over a group, by each target's own rule (`indicator` must be a group key). */
export function spatialSql(targets: readonly Indicator[]): { sql: string; params: Record<string, unknown> } {
  return byKind(targets, (i) => i.aggregation.rule, (rule) => SPATIAL_SQL[rule], 'spatial')
}

function weightBy(i: Indicator): string {
  if (i.aggregation.rule !== 'weightedMean') throw new Error(`${i.code} is not a weighted mean`)
  return i.aggregation.weightBy
}

/**
 * One expression when every indicator shares a kind, or a multiIf over the
 * kinds present, chosen by the indicator's kind looked up from parameters.
 */
function byKind<K extends string>(
  indicators: readonly Indicator[],
  kindOf: (i: Indicator) => K,
  sqlOf: (kind: K) => string,
  name: string,
): { sql: string; params: Record<string, unknown> } {
  const kinds = [...new Set(indicators.map(kindOf))]
  if (kinds.length === 1) return { sql: sqlOf(kinds[0]!), params: {} }
  const key = `transform(indicator, {${name}Codes:Array(String)}, {${name}Kinds:Array(String)}, '')`
  const branches = kinds.slice(0, -1).map((k) => `${key} = '${k}', ${sqlOf(k)}`)
  return {
    sql: `multiIf(${branches.join(', ')}, ${sqlOf(kinds.at(-1)!)})`,
    params: { [`${name}Codes`]: indicators.map((i) => i.code), [`${name}Kinds`]: indicators.map(kindOf) },
  }
}

function rawBucket(step: RollupStep): string {
  return step === '1m' ? 'toStartOfMinute(ts)' : step === '1h' ? 'toStartOfHour(ts)' : `toDateTime(toStartOfDay(ts, {tz:String}), 'UTC')`
}
