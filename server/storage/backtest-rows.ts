import type { ClickHouseClient } from '@clickhouse/client'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import { perSeriesSql, spatialSql } from './series-sql'
import type { RollupStep, TableNames } from './tables'

/**
 * The stored history a rule is backtested over (server/alerting/backtest.ts),
 * read from the rollups at one step: each series' value per bucket, in time
 * order, as the live engine would have seen it — raw series (a station's, or a
 * leaf region reporting alone) by the indicator's temporal rule, region
 * aggregates by its spatial rule over the region's subtree too. Reads stop at
 * `limit` rows, so a caller can refuse a backtest too large to hold.
 */

export interface BacktestRow {
  region: string
  /** '' for a region's own series or aggregate. */
  station: string
  ts: number
  value: number
  aggregate: boolean
}

export class BacktestRows {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
    private readonly index: CatalogIndex,
    private readonly timeZone: string,
  ) {}

  /** Raw series of these regions (and only these stations, when given), oldest bucket first. */
  async raw(indicator: Indicator, opts: { regions: readonly string[]; stations?: readonly string[]; from: number; to: number; step: RollupStep; limit: number }): Promise<BacktestRow[]> {
    if (opts.regions.length === 0) return []
    const inner = perSeriesSql({ ...this.common(indicator, opts.step), regions: opts.regions })
    const stationFilter = opts.stations ? 'station IN {stations:Array(String)}' : "station = ''"
    const rs = await this.client.query({
      query: `SELECT rg, station, toUnixTimestamp(b) * 1000 AS t, v FROM (${inner.sql}) AS s WHERE ${stationFilter} ORDER BY b, rg, station LIMIT {limit:UInt32}`,
      query_params: { ...inner.params, from: opts.from, to: opts.to, limit: opts.limit, ...(opts.stations && { stations: opts.stations }) },
      format: 'JSONCompactEachRow',
    })
    return (await rs.json<[string, string, string | number, string | number]>()).map(([region, station, ts, value]) => ({ region, station, ts: Number(ts), value: Number(value), aggregate: false }))
  }

  /** Each target region's aggregate over its subtree, oldest bucket first. */
  async aggregates(indicator: Indicator, opts: { targets: readonly string[]; from: number; to: number; step: RollupStep; limit: number }): Promise<BacktestRow[]> {
    if (opts.targets.length === 0) return []
    const pairs = opts.targets.flatMap((t) => this.index.tree.subtree(t).map((r) => [r.code, t] as const))
    const inner = perSeriesSql({ ...this.common(indicator, opts.step), regions: pairs.map(([r]) => r) })
    // Targets are regions of one level (or leaves): their subtrees do not overlap, so each region has one target.
    const rs = await this.client.query({
      query: `SELECT transform(rg, {pairRegions:Array(String)}, {pairTargets:Array(String)}, '') AS target, toUnixTimestamp(b) * 1000 AS t, ${spatialSql([indicator]).sql} AS value
        FROM (${inner.sql}) AS s
        GROUP BY target, b ORDER BY b, target LIMIT {limit:UInt32}`,
      query_params: { ...inner.params, from: opts.from, to: opts.to, limit: opts.limit, pairRegions: pairs.map(([r]) => r), pairTargets: pairs.map(([, t]) => t) },
      format: 'JSONCompactEachRow',
    })
    return (await rs.json<[string, string | number, string | number]>()).map(([region, ts, value]) => ({ region, station: '', ts: Number(ts), value: Number(value), aggregate: true }))
  }

  private common(indicator: Indicator, step: RollupStep) {
    return {
      targets: [indicator],
      weightOf: (code: string) => this.index.indicator(code)!,
      tables: this.tables,
      source: 'rollup' as const,
      step,
      windows: [['from', 'to']] as const,
      timeZone: this.timeZone,
    }
  }
}
