import type { ClickHouseClient } from '@clickhouse/client'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator, RegionLevel } from '../../common/catalog-schema'
import type { ChangeBasis, IndicatorChange } from '../../common/api/query-api'
import type { ChangeBase } from '../../common/comparison-periods'
import type { RunningPeriod } from '../../common/running-period'
import { ChangeQueries, type ChangeCompare } from './change-queries'
import { aggregateSpatially, type SeriesValue } from '../../common/spatial-aggregate'
import type { SeriesPoint } from '../../common/series-csv'
import type { RegionSeries } from './region-series'
import { perSeriesSql, spatialSql, type QuerySource } from './series-sql'
import type { RollupStep, TableNames } from './tables'

/**
 * The wall's standard reads: latest values per region of a level, a series for
 * a region at a step, and a ranking with month-on-month and year-on-year change.
 *
 * A region's value combines every series in its subtree (stations, counties):
 * first each series within a time bucket by the indicator's temporal rule, then
 * the series by its spatial rule. Answers come from the rollups; `source: 'raw'`
 * computes the same answers from raw points, for verification and benchmarks.
 */

export type { QuerySource }

/** The shape of a series point is the API's own (common/series-csv.ts). */
export type { SeriesPoint }

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
  /** Change in percent against the previous period (`Ranking.basis.mom` says which). */
  mom: number | null
  /** Change in percent against a year earlier. */
  yoy: number | null
}

export interface Ranking {
  /** Best first. */
  rows: RankingRow[]
  /** Set for a running value: its changes compare like for like. */
  running: RunningPeriod | null
  /** What the rows' changes compare. */
  basis: Record<ChangeBase, ChangeBasis | null>
}

export class IndicatorQueries {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
    private readonly index: CatalogIndex,
    /** IANA zone whose midnight starts a day (as in the daily rollup). */
    private readonly timeZone: string,
    /** Compacted region series; without them every bucket is computed on the fly. */
    private readonly regionSeries?: RegionSeries,
  ) {
    this.changeQueries = new ChangeQueries(client, tables, index, timeZone, (source, step, windows) => this.split(source, step, windows), regionSeries)
  }

  private readonly changeQueries: ChangeQueries

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

  /**
   * One region's series for buckets starting in [from, to) at `step`: closed
   * buckets from the region series, the open ones (above the watermark, or
   * older than the region series keep) computed from the rollups.
   *
   * With `station`, that station's own readings instead (the caller has
   * checked that it stands within `region`): its series alone, by the
   * indicator's temporal rule in each bucket, never combined with others.
   */
  async series(opts: { indicator: string; region: string; station?: string; from: number; to: number; step: RollupStep; source?: QuerySource }): Promise<SeriesPoint[]> {
    if (opts.station !== undefined) return this.stationSeries({ ...opts, station: opts.station }, opts.source ?? 'rollup')
    const code = this.indicator(opts.indicator).code
    const { stored, computed } = this.split(opts.source ?? 'rollup', opts.step, [[opts.from, opts.to]])
    const [fromStore, fromRollups] = await Promise.all([
      Promise.all(stored.map(([from, to]) => this.regionSeries!.read({ indicator: code, region: opts.region, step: opts.step, from, to }))),
      this.computeSeries(opts, opts.source ?? 'rollup', computed),
    ])
    return [...fromStore.flat(), ...fromRollups].sort((a, b) => a.ts - b.ts)
  }

  /** Which parts of the windows the region series hold, and which must be computed. */
  private split(source: QuerySource, step: RollupStep, windows: Array<[number, number]>): { stored: Array<[number, number]>; computed: Array<[number, number]> } {
    const rs = source === 'rollup' ? this.regionSeries : undefined
    if (!rs) return { stored: [], computed: windows }
    // Stored buckets end where they may be stale (a late point awaiting recomputation).
    const [lo, hi] = [rs.coveredFrom(step), Math.min(rs.watermark(step), rs.staleFrom(step))]
    const stored: Array<[number, number]> = []
    const computed: Array<[number, number]> = []
    const keep = (list: Array<[number, number]>, a: number, b: number) => b > a && list.push([a, b])
    for (const [a, b] of windows) {
      if (hi <= lo) {
        computed.push([a, b])
        continue
      }
      keep(computed, a, Math.min(b, lo))
      keep(stored, Math.max(a, lo), Math.min(b, hi))
      keep(computed, Math.max(a, hi), b)
    }
    return { stored, computed }
  }

  /** The series for buckets starting inside the windows, computed from rollups or raw points. */
  private async computeSeries(
    opts: { indicator: string; region: string; step: RollupStep },
    source: QuerySource,
    windows: Array<[number, number]>,
  ): Promise<SeriesPoint[]> {
    if (windows.length === 0) return []
    const indicator = this.indicator(opts.indicator)
    const names = windows.map((_, i) => [`w${i}a`, `w${i}b`] as const)
    const inner = perSeriesSql({
      targets: [indicator],
      weightOf: (code) => this.indicator(code),
      tables: this.tables,
      source,
      step: opts.step,
      windows: names,
      regions: this.index.tree.subtree(opts.region).map((r) => r.code),
      timeZone: this.timeZone,
    })
    const spatial = spatialSql([indicator])
    return this.points(
      `SELECT toUnixTimestamp(b) * 1000 AS ts, ${spatial.sql} AS value, min(lo) AS min, max(hi) AS max, sum(n) AS count
        FROM (${inner.sql}) AS s
        GROUP BY b ORDER BY b`,
      { ...inner.params, ...windowParams(names, windows) },
    )
  }

  /**
   * A station's series from the rollups (or raw points): the region series
   * hold regions only. Its own region and code pick out one series, so each
   * bucket is one row and its value is the station's, with no spatial rule
   * applied (a weighted mean of one series would only add rounding).
   */
  private async stationSeries(opts: { indicator: string; station: string; from: number; to: number; step: RollupStep }, source: QuerySource): Promise<SeriesPoint[]> {
    const indicator = this.indicator(opts.indicator)
    const station = this.index.station(opts.station)
    if (!station) throw new Error(`unknown station ${opts.station}`)
    const inner = perSeriesSql({
      targets: [indicator],
      weightOf: (code) => this.indicator(code),
      tables: this.tables,
      source,
      step: opts.step,
      windows: [['from', 'to']],
      regions: [station.region],
      station: station.code,
      timeZone: this.timeZone,
    })
    return this.points(
      `SELECT toUnixTimestamp(b) * 1000 AS ts, v AS value, lo AS min, hi AS max, n AS count
        FROM (${inner.sql}) AS s
        ORDER BY b`,
      { ...inner.params, from: opts.from, to: opts.to },
    )
  }

  private async points(query: string, params: Record<string, unknown>): Promise<SeriesPoint[]> {
    const rs = await this.client.query({ query, query_params: params, format: 'JSONEachRow' })
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
   * with their month-on-month and year-on-year change (server/storage/change-queries.ts).
   */
  async ranking(opts: { indicator: string; level: RegionLevel; parent?: string; now: number; source?: QuerySource; compare?: ChangeCompare }): Promise<Ranking> {
    const indicator = this.indicator(opts.indicator)
    const source = opts.source ?? 'rollup'
    const targets = this.index.tree.atLevel(opts.level, opts.parent)
    const pairs = targets.flatMap((t) => this.index.tree.subtree(t.code).map((r) => [r.code, t.code] as const))

    // The latest values and the changes are independent: ask for both at once.
    const [snapshot, changes] = await Promise.all([
      this.snapshot({ level: opts.level, parent: opts.parent, indicators: [indicator.code], source }),
      this.changeQueries.changes(indicator, source, pairs, opts.now, opts.compare),
    ])
    const rows = snapshot.values.map((v) => ({ region: v.region, value: v.value, ts: v.ts, ...(changes.byRegion.get(v.region) ?? { mom: null, yoy: null }) }))
    const sign = indicator.better === 'lower' ? 1 : -1
    rows.sort((a, b) => sign * (a.value - b.value) || a.region.localeCompare(b.region))
    return { rows, running: changes.running, basis: changes.basis }
  }

  /**
   * One region's month-on-month and year-on-year change of each indicator (as
   * a ranking row has them), in the order given: a wall's KPI cards in one
   * request. Indicators are read one after another, so a wall's request holds
   * the engine for one indicator's reads at a time.
   */
  async changes(opts: { region: string; indicators: readonly string[]; now: number; source?: QuerySource }): Promise<IndicatorChange[]> {
    const source = opts.source ?? 'rollup'
    const pairs = this.index.tree.subtree(opts.region).map((r) => [r.code, opts.region] as const)
    const out: IndicatorChange[] = []
    for (const code of opts.indicators) {
      const c = await this.changeQueries.changes(this.indicator(code), source, pairs, opts.now)
      const own = c.byRegion.get(opts.region) ?? { mom: null, yoy: null }
      out.push({ indicator: code, running: c.running, mom: own.mom, yoy: own.yoy, momBasis: c.basis.mom, yoyBasis: c.basis.yoy })
    }
    return out
  }

  /** The latest value of every series (what the live hub starts from). */
  latestOfEverySeries(): Promise<Array<{ indicator: string; region: string; station: string; value: number; ts: number }>> {
    return this.latestPerSeries(
      this.index.catalog.indicators.map((i) => i.code),
      this.index.tree.subtree(this.index.tree.root.code).map((r) => r.code),
      'rollup',
    )
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

  private indicator(code: string): Indicator {
    const i = this.index.indicator(code)
    if (!i) throw new Error(`unknown indicator ${code}`)
    return i
  }
}


function windowParams(names: ReadonlyArray<readonly [string, string]>, windows: ReadonlyArray<readonly [number, number]>): Record<string, number> {
  return Object.fromEntries(names.flatMap(([a, b], i) => [[a, windows[i]![0]], [b, windows[i]![1]]]))
}
