import type { CatalogIndex } from '../../common/catalog-index'
import type { Rule } from '../../common/rule-schema'
import type { BacktestRow } from '../storage/backtest-rows'
import type { RollupStep } from '../storage/tables'
import { RuleEngine } from './rule-engine'

/**
 * A rule run over stored history before it is saved: which series its scope
 * covers (as the live engine matches them), the step the history is read at,
 * and the alerts it would have raised. The engine is the live one, fed the
 * rollup buckets of every series in time order and swept at each bucket's
 * time, so stale-data rules see the gaps.
 */

/** Longest range a backtest may cover: the hourly rollup keeps far longer, but a quarter shows how a rule behaves. */
export const MAX_BACKTEST_DAYS = 92
/** Most series one backtest may read: a province's stations, or every county. */
export const MAX_BACKTEST_SERIES = 2_000
/**
 * Most buckets one backtest may read (about 60 MB of rows in memory, a few
 * seconds of engine time): 30 days of 500 series by the hour is 360,000.
 */
export const MAX_BACKTEST_POINTS = 1_000_000

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
const STEP_MS: Record<RollupStep, number> = { '1m': MINUTE_MS, '1h': 60 * MINUTE_MS, '1d': DAY_MS }
/** Minute rollups are kept 35 days; a day's margin for their TTL. */
const MINUTE_ROLLUP_DAYS = 34

/** The series a rule's scope covers, as the live engine matches them. */
export interface BacktestSeries {
  /** Stations of the scope's kind (each its own series). */
  stations: Array<{ code: string; region: string }>
  /** Regions reporting the indicator alone (leaves, for an indicator not measured at stations). */
  rawRegions: string[]
  /** Regions judged by their aggregate over their subtree. */
  aggregates: string[]
}

export function backtestSeries(index: CatalogIndex, rule: Rule): BacktestSeries {
  const indicator = index.indicator(rule.indicator)
  const { level, region, stationKind } = rule.scope
  const tree = index.tree
  const within = (r: string) => region === undefined || tree.isWithin(r, region)
  if (stationKind) return { stations: index.stationsOfKind(stationKind).filter((s) => within(s.region)).map((s) => ({ code: s.code, region: s.region })), rawRegions: [], aggregates: [] }
  const root = region ?? tree.root.code
  const regions = level === 'leaf' ? tree.leaves(root).map((r) => r.code) : level ? tree.atLevel(level, root).map((r) => r.code) : [root]
  const reportsAlone = (r: string) => indicator?.stationKind === undefined && tree.isLeaf(r)
  return { stations: [], rawRegions: regions.filter(reportsAlone), aggregates: regions.filter((r) => !reportsAlone(r)) }
}

export function seriesCount(s: BacktestSeries): number {
  return s.stations.length + s.rawRegions.length + s.aggregates.length
}

/** Why a backtest is refused before reading anything (the API answers 422 with it); null when it may run. */
export function backtestRefusal(range: { from: number; to: number }, series: number, step: RollupStep | null): string | null {
  if (range.to - range.from > MAX_BACKTEST_DAYS * DAY_MS)
    return `from–to spans ${Math.ceil((range.to - range.from) / DAY_MS)} days; a backtest may cover at most ${MAX_BACKTEST_DAYS} days`
  if (series === 0) return 'the rule’s scope covers no series'
  if (series > MAX_BACKTEST_SERIES) return `the rule’s scope covers ${series} series; a backtest may read at most ${MAX_BACKTEST_SERIES}: narrow scope.region`
  if (step === null) return `${series} series over this range give more than ${MAX_BACKTEST_POINTS} points even by the day: shorten the range or narrow the scope`
  return null
}

/**
 * The finest step the history holds over the range whose buckets, over every
 * series, stay within MAX_BACKTEST_POINTS; null when even days are too many.
 */
export function backtestStep(range: { from: number; to: number }, series: number, now: number): RollupStep | null {
  const steps: RollupStep[] = now - range.from <= MINUTE_ROLLUP_DAYS * DAY_MS ? ['1m', '1h', '1d'] : ['1h', '1d']
  return steps.find((s) => Math.ceil((range.to - range.from) / STEP_MS[s]) * series <= MAX_BACKTEST_POINTS) ?? null
}

export interface BacktestAlert {
  ts: number
  region: string
  station?: string
  value: number | null
}

export interface BacktestOutcome {
  alerts: BacktestAlert[]
  /** Buckets the engine judged. */
  evaluated: number
}

/** Runs the rule (enabled, whatever it says) over rows in time order, sweeping at each new time. */
export function runBacktest(index: CatalogIndex, rule: Rule, rows: readonly BacktestRow[], timeZone: string): BacktestOutcome {
  const engine = new RuleEngine(index, [{ ...rule, enabled: true }], { timeZone })
  const alerts: BacktestAlert[] = []
  const collect = (events: ReturnType<RuleEngine['sweep']>) => {
    for (const e of events) if (e.kind === 'fire') alerts.push({ ts: e.at, region: e.region, ...(e.station && { station: e.station }), value: e.value })
  }
  let newest = -Infinity
  for (const r of rows) {
    if (r.ts > newest) {
      newest = r.ts
      collect(engine.sweep(newest))
    }
    collect(r.aggregate ? engine.observeAggregates([{ indicator: rule.indicator, region: r.region, value: r.value, ts: r.ts }]) : engine.observe(rule.indicator, r.region, r.station, r.ts, r.value))
  }
  return { alerts, evaluated: engine.evaluations }
}
