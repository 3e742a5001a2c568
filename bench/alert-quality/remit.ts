import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import { DEFAULT_BASELINE_PARAMS } from '../../common/baseline-params'
import type { Condition, Rule } from '../../common/rule-schema'
import { PeriodClock, type RunningPeriod } from '../../common/running-period'
import { effectOn, type Incident, type SeriesRef } from './answer-key'

/**
 * A rule's remit: the incidents it exists to catch. Decided from the rule's
 * condition and what the incident did, not from a table of rule names:
 * - `stale` rules: a dropout of the series' own indicator long enough for the
 *   silence to reach `cadences` × cadence + `for` (checked every sweep);
 * - `flatline` rules: a stuck series frozen long enough for the window and `for`;
 * - `threshold`, `rateOfChange`, `crossCheck`: a spike, level shift or episode
 *   after which the condition, judged on the values the series really took
 *   (with the rule's `for`, `forPoints` and `minPeriodShare`), holds — and did
 *   not already hold on the last value before the incident (a series already
 *   past the threshold is not the incident's doing);
 * - `baseline`: a spike, level shift or episode that moves the series by more
 *   than the detector's threshold × the series' mean absolute deviation in the
 *   half hour (or 32 points) before (the detector's own yardstick, taken
 *   locally; for a count, never under √count); over a change, the change.
 * Everything else (a dropout for a threshold rule, a stuck value for a
 * baseline) may still explain an alert, but no rule is faulted for missing it.
 */

/** Values a series took, in event-time order. */
export interface SeriesTrace {
  ts: number[]
  value: number[]
}

export interface RemitContext {
  index: CatalogIndex
  /** The recorded values of a series around the incident (undefined: none recorded). */
  trace(series: SeriesRef): SeriesTrace | undefined
  /** The values a cross-check reads: "indicator|region", raw or aggregate. */
  crossTrace(indicator: string, region: string): SeriesTrace | undefined
  /** Publication period of a series (for aggregates, how often the live hub recomputes it). */
  periodMs(series: SeriesRef): number
  /** How often stale checks run (the server sweeps every 10 s). */
  sweepMs: number
  periods: PeriodClock
}

export interface RemitVerdict {
  inRemit: boolean
  /** Why, in a few words (for the report's breakdown). */
  why: string
}

/** Values before an incident the baseline yardstick is taken over... */
export const BASELINE_LOOKBACK_MS = 30 * 60_000
/** ...and at least this many (the detector's local level needs a few dozen points before it judges anything). */
export const BASELINE_MIN_POINTS = 32

/** How far before an incident the baseline yardstick looks, for a series published every `periodMs`. */
export function baselineLookbackMs(periodMs: number): number {
  return Math.max(BASELINE_LOOKBACK_MS, BASELINE_MIN_POINTS * periodMs)
}

const ADDITIVE = new Set<Incident['kind']>(['spike', 'levelShift', 'episode'])

/** The series a rule judges, as the engine compiles its scope (common/rule-schema.ts). */
export function watchedSeries(index: CatalogIndex, rule: Rule): SeriesRef[] {
  const indicator = index.indicator(rule.indicator)
  if (!indicator) return []
  const tree = index.tree
  const { level, region, stationKind } = rule.scope
  const within = (r: string) => region === undefined || tree.isWithin(r, region)
  if (stationKind)
    return index
      .stationsOfKind(stationKind)
      .filter((s) => within(s.region))
      .map((s) => ({ indicator: indicator.code, region: s.region, station: s.code, aggregate: false }))
  const regions = level ? (level === 'leaf' ? tree.leaves(region ?? tree.root.code) : tree.atLevel(level, region)) : region ? [tree.require(region)] : []
  return regions.map((r) => ({
    indicator: indicator.code,
    region: r.code,
    station: '',
    // A leaf reports a region-level indicator itself; everything else is an aggregate.
    aggregate: !(indicator.stationKind === undefined && tree.isLeaf(r.code)),
  }))
}

/** Whether `rule`, watching `series`, is responsible for catching `incident`. */
export function remitOf(rule: Rule, incident: Incident, series: SeriesRef, ctx: RemitContext): RemitVerdict {
  const indicator = ctx.index.indicator(series.indicator)
  const effect = effectOn(ctx.index, incident, series.indicator, series.aggregate)
  if (!indicator || !effect) return { inRemit: false, why: 'not affected' }
  const duration = incident.end - incident.start
  const period = ctx.periodMs(series)
  const c = rule.condition
  switch (c.kind) {
    case 'stale': {
      if (incident.kind !== 'dropout' || series.aggregate || effect.indicator !== series.indicator) return { inRemit: false, why: 'not a dropout' }
      const needed = c.cadences * indicator.cadenceSeconds * 1000 + rule.for * 1000 + ctx.sweepMs
      return duration >= needed ? { inRemit: true, why: 'dropout' } : { inRemit: false, why: 'dropout shorter than the stale window' }
    }
    case 'flatline': {
      if (incident.kind !== 'stuck' || series.aggregate || effect.indicator !== series.indicator) return { inRemit: false, why: 'not stuck' }
      // The first frozen point comes up to a period after the start, the last up to a period before the end.
      const needed = c.cadences * indicator.cadenceSeconds * 1000 + rule.for * 1000 + 2 * period
      return duration >= needed ? { inRemit: true, why: 'stuck' } : { inRemit: false, why: 'stuck shorter than the flatline window' }
    }
    case 'baseline':
      if (!ADDITIVE.has(incident.kind)) return { inRemit: false, why: `${incident.kind} is not a deviation` }
      // A fault in one member's weight (a detector's flow) tilts a weighted mean for moments; the rule watches the mean itself.
      // (effectOn names the weight's indicator then; its own or a derived effect is named for the series' indicator.)
      if (effect.indicator !== series.indicator) return { inRemit: false, why: 'moves only the weights' }
      return baselineVerdict(c, incident, series, indicator, ctx, period)
    case 'threshold':
    case 'rateOfChange':
    case 'crossCheck':
      if (!ADDITIVE.has(incident.kind)) return { inRemit: false, why: `${incident.kind} is not a change of value` }
      return valueVerdict(rule, incident, series, indicator, ctx, period)
  }
}

/** The condition judged on the values the series took during the incident (and the lag of an hourly mean after it). */
function valueVerdict(rule: Rule, incident: Incident, series: SeriesRef, indicator: Indicator, ctx: RemitContext, period: number): RemitVerdict {
  const trace = ctx.trace(series)
  if (!trace || trace.ts.length === 0) return { inRemit: false, why: 'no values' }
  const c = rule.condition
  const judged = [indicator, ...(c.kind === 'crossCheck' ? c.with.map((w) => ctx.index.indicator(w.indicator)) : [])]
  const running = [...new Set(judged.flatMap((i) => (i?.running ? [i.running] : [])))] as RunningPeriod[]
  const tooEarly = (ts: number) => rule.minPeriodShare !== undefined && running.some((p) => ctx.periods.shareOf(ts, p) < rule.minPeriodShare!)
  // A running mean (an hourly AQI) carries an incident for one cadence after it ends.
  const lag = indicator.temporal === 'mean' ? indicator.cadenceSeconds * 1000 : 0
  const until = incident.end + lag + period
  const holds = (i: number) => conditionHolds(c, trace, i, series.region, ctx)

  let before = -1
  for (let i = 0; i < trace.ts.length && trace.ts[i]! < incident.start; i++) if (!tooEarly(trace.ts[i]!)) before = i
  if (before >= 0 && holds(before)) return { inRemit: false, why: 'condition held before the incident' }

  const forMs = rule.for * 1000
  const forPoints = rule.forPoints ?? 1
  let runStart = NaN
  let count = 0
  for (let i = before + 1; i < trace.ts.length && trace.ts[i]! < until; i++) {
    const ts = trace.ts[i]!
    if (ts < incident.start || tooEarly(ts)) continue
    if (!holds(i)) {
      count = 0
      continue
    }
    if (count === 0) runStart = ts
    count++
    if (count >= forPoints && ts - runStart >= forMs) return { inRemit: true, why: 'condition met' }
  }
  return { inRemit: false, why: count > 0 ? 'condition met too briefly' : 'condition not met' }
}

/** The rule's condition at point i of a trace, without hysteresis (as for a series not yet firing). */
export function conditionHolds(c: Condition, trace: SeriesTrace, i: number, region: string, ctx: Pick<RemitContext, 'crossTrace'>): boolean {
  const value = trace.value[i]!
  const ts = trace.ts[i]!
  switch (c.kind) {
    case 'threshold':
      return c.op === 'above' ? value > c.value : value < c.value
    case 'crossCheck': {
      if (!(c.op === 'above' ? value > c.value : value < c.value)) return false
      return c.with.every((w) => {
        const other = latestAt(ctx.crossTrace(w.indicator, region), ts)
        return other !== undefined && (w.op === 'above' ? other > w.value : other < w.value)
      })
    }
    case 'rateOfChange': {
      // Against the newest value at or before one window earlier, as the engine compares.
      const then = latestAt(trace, ts - c.windowSeconds * 1000)
      if (then === undefined) return false
      const change = value - then
      const moved = c.direction === 'rise' ? change : c.direction === 'fall' ? -change : Math.abs(change)
      if (moved <= 0) return false
      const percent = then !== 0 ? (moved / Math.abs(then)) * 100 : Infinity
      return (c.percent !== undefined && percent >= c.percent) || (c.absolute !== undefined && moved >= c.absolute)
    }
    default:
      return false
  }
}

function baselineVerdict(
  c: Extract<Condition, { kind: 'baseline' }>,
  incident: Incident,
  series: SeriesRef,
  indicator: Indicator,
  ctx: RemitContext,
  period: number,
): RemitVerdict {
  const recorded = ctx.trace(series)
  if (!recorded) return { inRemit: false, why: 'no values' }
  const trace = c.changeOverSeconds === undefined ? recorded : changeTrace(recorded, c.changeOverSeconds * 1000, indicator.running, ctx.periods)
  const params = { ...DEFAULT_BASELINE_PARAMS, ...c.params }
  const pre: number[] = []
  for (let i = 0; i < trace.ts.length; i++) if (trace.ts[i]! >= incident.start - baselineLookbackMs(period) && trace.ts[i]! < incident.start) pre.push(trace.value[i]!)
  if (pre.length < BASELINE_MIN_POINTS) return { inRemit: false, why: 'too few values before the incident' }
  const centre = median(pre)
  const countNoise = params.counts ? Math.sqrt(Math.max(1, centre)) : 0
  const deviation = Math.max(pre.reduce((s, v) => s + Math.abs(v - centre), 0) / pre.length, params.minDeviation, countNoise)
  const lag = indicator.temporal === 'mean' && indicator.cadenceSeconds * 1000 > period ? indicator.cadenceSeconds * 1000 : 0
  for (let i = 0; i < trace.ts.length; i++) {
    const ts = trace.ts[i]!
    if (ts < incident.start || ts >= incident.end + lag + period) continue
    const d = trace.value[i]! - centre
    const far = Math.abs(d) > params.threshold * deviation
    if (far && (params.direction === 'both' || (params.direction === 'above' ? d > 0 : d < 0))) return { inRemit: true, why: 'deviation beyond the band' }
  }
  return { inRemit: false, why: 'deviation within the band' }
}

/** The newest value at or before ts (binary search). */
export function latestAt(trace: SeriesTrace | undefined, ts: number): number | undefined {
  const i = trace ? indexAt(trace, ts) : -1
  return i < 0 ? undefined : trace!.value[i]
}

/** The index of the newest point at or before ts (-1: none). */
function indexAt(trace: SeriesTrace, ts: number): number {
  let lo = 0
  let hi = trace.ts.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (trace.ts[mid]! <= ts) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** A trace's change over a window at each point, as the engine takes it (within the value's own period for a running value). */
export function changeTrace(trace: SeriesTrace, windowMs: number, running: RunningPeriod | undefined, periods: PeriodClock): SeriesTrace {
  const out: SeriesTrace = { ts: [], value: [] }
  for (let i = 0; i < trace.ts.length; i++) {
    const ts = trace.ts[i]!
    const from = running ? periods.startOf(ts, running) : -Infinity
    const then = indexAt(trace, ts - windowMs)
    if (then < 0 || trace.ts[then]! < from) continue
    out.ts.push(ts)
    out.value.push(trace.value[i]! - trace.value[then]!)
  }
  return out
}
