import type { ClickHouseClient } from '@clickhouse/client'
import type { ChangeBasis } from '../../common/api/query-api'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import { dayWindows, sameElapsedBase, type ChangeBase, type TimeWindow } from '../../common/comparison-periods'
import { startOfLocalDay } from '../../common/local-time'
import type { RunningPeriod } from '../../common/running-period'
import { ROLLUP_RETENTION_DAYS } from './migrations'
import type { RegionSeries } from './region-series'
import { perSeriesSql, spatialSql, type QuerySource } from './series-sql'
import type { RollupStep, TableNames } from './tables'

/**
 * Month-on-month and year-on-year changes of target regions, each over its
 * subtree, by what kind of value the indicator is (common/comparison-periods.ts):
 * - a level or rate: the mean of its daily values over the last 30 complete
 *   local days against the 30 before and the same days a year earlier;
 * - a running value: its value now against its value at the same elapsed share
 *   of the earlier period, read at the finest step history holds there.
 */

const DAY_MS = 86_400_000
const STEP_MS: Record<RollupStep, number> = { '1m': 60_000, '1h': 3_600_000, '1d': DAY_MS }

/** What a change compares: the value shown (like for like for a running value), or whole days whatever the value. */
export type ChangeCompare = 'shown' | 'days'

/** One target region's changes in percent; null where they cannot be computed. */
export interface RegionChange {
  mom: number | null
  yoy: number | null
}

export interface Changes {
  running: RunningPeriod | null
  /** By target region. */
  byRegion: Map<string, RegionChange>
  /** What each change compares (the same for every region); null when none was made. */
  basis: Record<ChangeBase, ChangeBasis | null>
}

/** Which parts of time windows the compacted region series hold, and which must be computed from rollups. */
export type WindowSplit = (source: QuerySource, step: RollupStep, windows: Array<[number, number]>) => { stored: Array<[number, number]>; computed: Array<[number, number]> }

export class ChangeQueries {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
    private readonly index: CatalogIndex,
    private readonly timeZone: string,
    private readonly split: WindowSplit,
    private readonly regionSeries?: RegionSeries,
  ) {}

  /**
   * The changes of each target region (`pairs`: every region of a subtree with
   * its target) at `now`. `compare: 'days'` compares whole days whatever the
   * value: a scorecard judges a running count by its complete days (30 days of
   * daily totals against the same days a year earlier), not by the hour.
   */
  async changes(indicator: Indicator, source: QuerySource, pairs: ReadonlyArray<readonly [string, string]>, now: number, compare: ChangeCompare = 'shown'): Promise<Changes> {
    return indicator.running === undefined || compare === 'days'
      ? this.dayMeanChanges(indicator, source, pairs, now)
      : this.sameElapsedChanges(indicator, indicator.running, source, pairs, now)
  }

  private async dayMeanChanges(indicator: Indicator, source: QuerySource, pairs: ReadonlyArray<readonly [string, string]>, now: number): Promise<Changes> {
    const periods = dayWindows(now, this.timeZone)
    const means = await this.periodMeans(indicator, source, pairs, periods)
    const byRegion = new Map<string, RegionChange>()
    for (const target of new Set(pairs.map(([, t]) => t))) {
      const cur = means.get(`${target}|cur`)
      byRegion.set(target, { mom: percentChange(cur, means.get(`${target}|mom`)), yoy: percentChange(cur, means.get(`${target}|yoy`)) })
    }
    const basis = (base: ChangeBase): ChangeBasis => ({ kind: 'days', current: periods.cur, base: periods[base], step: '1d' })
    return { running: indicator.running ?? null, byRegion, basis: { mom: basis('mom'), yoy: basis('yoy') } }
  }

  /**
   * A running value against itself at the same elapsed share of the earlier
   * period. Both sides are read at the same step, each as the last value at or
   * before a whole step (so "now" and "then" are the same clock time): the
   * finest step whose rollup is kept that far back and holds a value there. A
   * day-long running value is never read at a daily step (that would be the
   * whole day's figure); without intraday history there is no change.
   */
  private async sameElapsedChanges(
    indicator: Indicator,
    running: RunningPeriod,
    source: QuerySource,
    pairs: ReadonlyArray<readonly [string, string]>,
    now: number,
  ): Promise<Changes> {
    const targets = [...new Set(pairs.map(([, t]) => t))]
    const byRegion = new Map<string, RegionChange>(targets.map((t) => [t, { mom: null, yoy: null }]))
    const basis: Record<ChangeBase, ChangeBasis | null> = { mom: null, yoy: null }
    for (const base of ['mom', 'yoy'] as const) {
      const plan = sameElapsedBase(now, running, base, this.timeZone)
      if (!plan) continue
      for (const step of stepsFor(running, source, now - plan.period.from)) {
        const current = { from: plan.current.from, to: this.floor(now, step) }
        const earlier = { from: plan.period.from, to: this.floor(plan.asOf, step) }
        const values = await this.valuesAsOf(indicator, source, pairs, step, [current, earlier])
        if (![...values.keys()].some((k) => k.endsWith('|1'))) continue
        for (const t of targets) byRegion.get(t)![base] = percentChange(values.get(`${t}|0`), values.get(`${t}|1`))
        basis[base] = { kind: 'sameElapsed', current, base: earlier, step }
        break
      }
    }
    return { running, byRegion, basis }
  }

  /** The start of the step holding `at`: a local midnight for days. */
  private floor(at: number, step: RollupStep): number {
    return step === '1d' ? startOfLocalDay(at, this.timeZone) : Math.floor(at / STEP_MS[step]) * STEP_MS[step]
  }

  /**
   * Each target's value as of the end of each window: per series its last
   * bucket value inside the window (its weight with it), then the series
   * combined by the indicator's spatial rule ("target|window index" → value).
   */
  private async valuesAsOf(
    indicator: Indicator,
    source: QuerySource,
    pairs: ReadonlyArray<readonly [string, string]>,
    step: RollupStep,
    windows: readonly TimeWindow[],
  ): Promise<Map<string, number>> {
    const live = windows.map((w, i) => [w, i] as const).filter(([w]) => w.to > w.from)
    if (live.length === 0) return new Map()
    const names = live.map(([, i]) => [`w${i}a`, `w${i}b`] as const)
    const inner = perSeriesSql({
      targets: [indicator],
      weightOf: (code) => this.indicator(code),
      tables: this.tables,
      source,
      step,
      windows: names,
      regions: pairs.map(([r]) => r),
      timeZone: this.timeZone,
    })
    const params: Record<string, unknown> = { ...inner.params, from: pairs.map(([r]) => r), to: pairs.map(([, t]) => t) }
    for (const [w, i] of live) Object.assign(params, { [`w${i}a`]: w.from, [`w${i}b`]: w.to })
    const windowOf = `multiIf(${live.map(([, i]) => `b >= fromUnixTimestamp64Milli({w${i}a:Int64}) AND b < fromUnixTimestamp64Milli({w${i}b:Int64}), ${i}`).join(', ')}, -1)`
    const rs = await this.client.query({
      query: `SELECT transform(rg, {from:Array(String)}, {to:Array(String)}, '') AS target, win, ${spatialSql([indicator]).sql} AS value
        FROM (
          SELECT rg, station, win, argMax(v, b) AS v, argMax(w, b) AS w, max(lt) AS lt
          FROM (SELECT *, ${windowOf} AS win FROM (${inner.sql}) AS p) AS s
          GROUP BY rg, station, win
        ) AS q
        GROUP BY target, win`,
      query_params: params,
      format: 'JSONCompactEachRow',
    })
    const rows = await rs.json<[string, number | string, number | string]>()
    return new Map(rows.map(([target, win, value]) => [`${target}|${Number(win)}`, Number(value)]))
  }

  /** Per target region and period: the mean of its daily values ("target|period" → mean). */
  private async periodMeans(indicator: Indicator, source: QuerySource, pairs: ReadonlyArray<readonly [string, string]>, periods: Record<'cur' | ChangeBase, TimeWindow>): Promise<Map<string, number>> {
    const windows = Object.values(periods).map((w) => [w.from, w.to] as [number, number])
    const { stored, computed } = this.split(source, '1d', windows)
    const targets = [...new Set(pairs.map(([, t]) => t))]
    const [fromStore, fromRollups] = await Promise.all([
      Promise.all(stored.map(([from, to]) => this.regionSeries!.readRegions({ indicator: indicator.code, regions: targets, step: '1d', from, to }))),
      this.dailyValues(indicator, source, pairs, computed),
    ])
    const days = new Map<string, number[]>()
    const keys = Object.keys(periods) as Array<keyof typeof periods>
    for (const { region, ts, value } of [...fromStore.flat(), ...fromRollups]) {
      const period = keys.find((p) => ts >= periods[p].from && ts < periods[p].to)
      if (!period) continue
      const key = `${region}|${period}`
      const list = days.get(key)
      if (list) list.push(value)
      else days.set(key, [value])
    }
    return new Map([...days].map(([key, values]) => [key, values.reduce((s, v) => s + v, 0) / values.length]))
  }

  /** Each target region's daily values in the windows, computed from its subtree's series. */
  private async dailyValues(
    indicator: Indicator,
    source: QuerySource,
    pairs: ReadonlyArray<readonly [string, string]>,
    windows: Array<[number, number]>,
  ): Promise<Array<{ region: string; ts: number; value: number }>> {
    if (windows.length === 0) return []
    const names = windows.map((_, i) => [`w${i}a`, `w${i}b`] as const)
    const inner = perSeriesSql({
      targets: [indicator],
      weightOf: (code) => this.indicator(code),
      tables: this.tables,
      source,
      step: '1d',
      windows: names,
      regions: pairs.map(([r]) => r),
      timeZone: this.timeZone,
    })
    const params: Record<string, unknown> = { ...inner.params, from: pairs.map(([r]) => r), to: pairs.map(([, t]) => t) }
    windows.forEach(([a, b], i) => Object.assign(params, { [`w${i}a`]: a, [`w${i}b`]: b }))
    const rs = await this.client.query({
      query: `SELECT transform(rg, {from:Array(String)}, {to:Array(String)}, '') AS target, toUnixTimestamp(b) * 1000 AS t, ${spatialSql([indicator]).sql} AS value
        FROM (${inner.sql}) AS s
        GROUP BY target, b`,
      query_params: params,
      format: 'JSONCompactEachRow',
    })
    return (await rs.json<[string, string | number, string | number]>()).map(([region, ts, value]) => ({ region, ts: Number(ts), value: Number(value) }))
  }

  private indicator(code: string): Indicator {
    const i = this.index.indicator(code)
    if (!i) throw new Error(`unknown indicator ${code}`)
    return i
  }
}

/**
 * The steps a running value may be read at `age` back, finest first: only
 * rollups still kept that far back (a day short of their retention, which
 * TTL merges enforce loosely), never a daily step for a value that runs
 * over a day. Raw points are bucketed at any step, so all are tried.
 */
export function stepsFor(running: RunningPeriod, source: QuerySource, age: number): RollupStep[] {
  const steps: RollupStep[] = running === 'day' ? ['1m', '1h'] : ['1m', '1h', '1d']
  if (source === 'raw') return steps
  return steps.filter((s) => age < (ROLLUP_RETENTION_DAYS[s] - 1) * DAY_MS)
}

/** The change in percent from `then` to `now`; null without both, or from 0 (no percentage of nothing). */
export function percentChange(now: number | undefined, then: number | undefined): number | null {
  return now === undefined || then === undefined || then === 0 ? null : ((now - then) / Math.abs(then)) * 100
}
