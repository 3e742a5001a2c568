import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import type { LiveValue } from '../../common/live-contract'
import type { PointBatch } from '../../common/point-batch'
import type { Condition, Rule } from '../../common/rule-schema'
import { PeriodClock, type RunningPeriod } from '../../common/running-period'
import { BaselineDetector } from './baseline-detector'

/**
 * The rule engine: pure and streaming. It holds per-series state for each rule
 * that applies to the series, takes points one at a time in event time, and
 * says when an alert should fire (the condition has held for `for` / `forPoints`)
 * or resolve (the condition has been clear for `keepFiringFor`). It knows
 * nothing of storage, sockets or the clock: time comes in with the points, and
 * `sweep(now)` is how the caller lets silence (stale data) be noticed.
 *
 * Which values reach a rule (see common/rule-schema.ts for scopes):
 * - station series, and regions reporting an indicator themselves, come as
 *   points from stored batches (`observeBatch`): every point counts, so "two
 *   consecutive points" means two readings;
 * - regions whose value is an aggregate (of stations, or of counties) come from
 *   the live hub's ticks (`observeAggregates`).
 *
 * A stale series never counts as clear for another rule: only a point that
 * fails a condition clears it, and silence is not a point.
 */

export interface EngineEvent {
  kind: 'fire' | 'resolve'
  rule: Rule
  indicator: string
  region: string
  station: string
  /** Event time of the point that decided it (or the sweep's time, for stale data). */
  at: number
  /** The value then (null for stale data, which has none). */
  value: number | null
  /** When the condition started to hold (fire) or to be clear (resolve). */
  since: number
  /** What the value was held against: the threshold, or the expected value and band. */
  detail: Record<string, number | number[] | string>
}

/** Where a series stands with a rule: clear, its condition holding but not yet for long enough, or its alert firing. */
type Phase = 'inactive' | 'pending' | 'firing'

interface RuleState {
  phase: Phase
  since: number
  count: number
  clearSince: number
  lastTs: number
  lastValue: number
  /** Condition-specific memory. */
  rate?: { ts: number[]; value: number[] }
  flat?: { value: number; since: number }
  detector?: BaselineDetector
  detail?: Record<string, number | number[] | string>
}

interface CompiledRule {
  rule: Rule
  indicator: Indicator
  /** Series that reach this rule as raw points (stations, or regions reporting alone). */
  rawApplies: (region: string, station: string) => boolean
  /** Regions whose aggregate reaches this rule. */
  aggregateApplies: (region: string) => boolean
  /** ms the series may be silent before a stale rule holds. */
  staleAfter: number
  /** The running periods (today so far, month to date) of the indicators the rule judges. */
  runningPeriods: RunningPeriod[]
  /** The share of each of them that must lie behind a value before it is judged (0: any). */
  minPeriodShare: number
}

export interface RuleEngineOptions {
  /** Where a local day and month begin, for running values (today so far). Default: China's zone. */
  timeZone?: string
}

interface Series {
  indicator: string
  region: string
  station: string
  rules: CompiledRule[]
  states: RuleState[]
}

export class RuleEngine {
  private compiled = new Map<string, CompiledRule[]>()
  /** Series by "indicator|region|station" (aggregates: station '~'). */
  private readonly series = new Map<string, Series>()
  /** Latest value per "indicator|region" of indicators that cross-checks read. */
  private readonly crossValues = new Map<string, number>()
  private crossIndicators = new Set<string>()
  private rules: Rule[] = []
  /** (rule, point) evaluations so far. */
  evaluations = 0
  /**
   * (rule, point) pairs passed over, by reason. Event time: a point older than
   * the last one a rule judged for its series is `late` (history, not news: a
   * clock that stepped back, a late or re-sent batch); a station's or region's
   * own point at the same time as the last one judged is a `duplicate` (a
   * reading sent twice must not count twice towards "two readings in a row").
   * An aggregate at the same time is a revision (another station reported
   * into the same tick) and is judged. Gaps are just time passing: rules that
   * care about silence see it in `sweep`.
   */
  readonly skipped = { late: 0, duplicate: 0 }

  private readonly periods: PeriodClock

  constructor(
    private readonly index: CatalogIndex,
    rules: readonly Rule[] = [],
    options: RuleEngineOptions = {},
  ) {
    this.periods = new PeriodClock(options.timeZone ?? 'Asia/Shanghai')
    this.setRules(rules)
  }

  /**
   * Replaces the rule set. A rule whose definition is unchanged keeps its
   * series' state (an alert firing stays firing); a changed rule starts afresh.
   */
  setRules(rules: readonly Rule[]): void {
    const before = new Map(this.rules.map((r) => [r.id, JSON.stringify(r)]))
    const kept = new Set(rules.filter((r) => before.get(r.id) === JSON.stringify(r)).map((r) => r.id))
    this.rules = rules.filter((r) => r.enabled)
    this.compiled = new Map()
    this.crossIndicators = new Set()
    for (const rule of this.rules) {
      const indicator = this.index.indicator(rule.indicator)
      if (!indicator) continue
      const list = this.compiled.get(rule.indicator) ?? []
      list.push(this.compile(rule, indicator))
      this.compiled.set(rule.indicator, list)
      if (rule.condition.kind === 'crossCheck') for (const w of rule.condition.with) this.crossIndicators.add(w.indicator)
    }
    for (const s of this.series.values()) {
      const previous = new Map(s.rules.map((c, i) => [c.rule.id, s.states[i]!]))
      const aggregate = s.station === '~'
      s.rules = (this.compiled.get(s.indicator) ?? []).filter((c) =>
        aggregate ? c.aggregateApplies(s.region) : c.rawApplies(s.region, s.station),
      )
      s.states = s.rules.map((c) => (kept.has(c.rule.id) ? previous.get(c.rule.id) : undefined) ?? newState())
    }
  }

  /** Every stored point of a batch, in order. */
  observeBatch(batch: PointBatch, out: EngineEvent[] = []): EngineEvent[] {
    for (let i = 0; i < batch.length; i++) this.observe(batch.indicator[i]!, batch.region[i]!, batch.station[i]!, batch.ts[i]!, batch.value[i]!, out)
    return out
  }

  /** One raw point (a station's, or a region's own). */
  observe(indicator: string, region: string, station: string, ts: number, value: number, out: EngineEvent[] = []): EngineEvent[] {
    if (this.crossIndicators.has(indicator) && station === '') this.crossValues.set(`${indicator}|${region}`, value)
    const rules = this.compiled.get(indicator)
    if (!rules) return out
    const s = this.seriesOf(indicator, region, station, false)
    if (s.rules.length > 0) this.evaluate(s, ts, value, out, false)
    return out
  }

  /** Region aggregates from a live tick (values with a station are skipped: they came as points). */
  observeAggregates(values: readonly LiveValue[], out: EngineEvent[] = []): EngineEvent[] {
    for (const v of values) {
      if (v.station) continue
      if (this.crossIndicators.has(v.indicator)) this.crossValues.set(`${v.indicator}|${v.region}`, v.value)
      if (!this.compiled.has(v.indicator)) continue
      const s = this.seriesOf(v.indicator, v.region, '~', true)
      if (s.rules.length > 0) this.evaluate(s, v.ts, v.value, out, true)
    }
    return out
  }

  /**
   * Knows a series' latest value without judging it (history at start), so a
   * series that never speaks again is noticed as stale.
   */
  remember(indicator: string, region: string, station: string, ts: number, value: number, aggregate = false): void {
    if (!this.compiled.has(indicator)) return
    const s = this.seriesOf(indicator, region, aggregate ? '~' : station, aggregate)
    for (const st of s.states) {
      if (ts > st.lastTs) {
        st.lastTs = ts
        st.lastValue = value
      }
    }
  }

  /** Notices silence: stale rules hold once a series has said nothing for k cadences. */
  sweep(now: number, out: EngineEvent[] = []): EngineEvent[] {
    for (const s of this.series.values()) {
      for (let i = 0; i < s.rules.length; i++) {
        const c = s.rules[i]!
        if (c.rule.condition.kind !== 'stale') continue
        const st = s.states[i]!
        if (st.lastTs === -Infinity || now - st.lastTs <= c.staleAfter) continue
        this.evaluations++
        if (st.phase === 'inactive') {
          st.phase = 'pending'
          st.since = st.lastTs + c.staleAfter
        }
        if (st.phase === 'pending' && now - st.since >= c.rule.for * 1000) {
          st.phase = 'firing'
          out.push(this.event('fire', c.rule, s, now, null, st.since, { silentForMs: now - st.lastTs, staleAfterMs: c.staleAfter }))
        }
      }
    }
    return out
  }

  /**
   * Tells the engine an alert is firing (the alert log says so, after a
   * restart), so it resolves it once the condition is seen clear.
   */
  markFiring(ruleId: string, indicator: string, region: string, station: string, since: number): boolean {
    const found = this.stateOf(ruleId, indicator, region, station)
    if (!found) return false
    found.state.phase = 'firing'
    found.state.since = since
    found.state.clearSince = NaN
    return true
  }

  /**
   * Tells the engine a firing it reported was not recorded (storage failed):
   * the series counts as about to fire since `since`, so the next point that
   * still meets the condition fires it again. Nothing is lost to an outage.
   */
  markUnfired(ruleId: string, indicator: string, region: string, station: string, since: number): boolean {
    const found = this.stateOf(ruleId, indicator, region, station)
    if (!found) return false
    found.state.phase = 'pending'
    found.state.since = since
    found.state.count = Math.max(found.state.count, found.rule.forPoints ?? 1)
    found.state.clearSince = NaN
    return true
  }

  /** A rule's state on a series (raw, or the region's aggregate when the rule does not judge raw points there). */
  private stateOf(ruleId: string, indicator: string, region: string, station: string) {
    const rules = this.compiled.get(indicator)
    if (!rules) return undefined
    const aggregate = station === '' && !rules.some((c) => c.rule.id === ruleId && c.rawApplies(region, station))
    const s = this.seriesOf(indicator, region, aggregate ? '~' : station, aggregate)
    const i = s.rules.findIndex((c) => c.rule.id === ruleId)
    return i < 0 ? undefined : { state: s.states[i]!, rule: s.rules[i]!.rule }
  }

  /** Series whose condition holds but has not held long enough yet. */
  pending(): Array<{ ruleId: string; indicator: string; region: string; station: string; since: number; count: number }> {
    const out = []
    for (const s of this.series.values()) {
      for (let i = 0; i < s.rules.length; i++) {
        const st = s.states[i]!
        if (st.phase === 'pending') out.push({ ruleId: s.rules[i]!.rule.id, indicator: s.indicator, region: s.region, station: stationOf(s), since: st.since, count: st.count })
      }
    }
    return out
  }

  private seriesOf(indicator: string, region: string, station: string, aggregate: boolean): Series {
    const key = `${indicator}|${region}|${station}`
    let s = this.series.get(key)
    if (!s) {
      const rules = (this.compiled.get(indicator) ?? []).filter((c) => (aggregate ? c.aggregateApplies(region) : c.rawApplies(region, station)))
      s = { indicator, region, station, rules, states: rules.map(newState) }
      this.series.set(key, s)
    }
    return s
  }

  private evaluate(s: Series, ts: number, value: number, out: EngineEvent[], revisable: boolean): void {
    for (let i = 0; i < s.rules.length; i++) {
      const c = s.rules[i]!
      const st = s.states[i]!
      // Event time (see `skipped`).
      if (ts < st.lastTs || !Number.isFinite(ts) || !Number.isFinite(value)) {
        this.skipped.late++
        continue
      }
      if (ts === st.lastTs && !revisable) {
        this.skipped.duplicate++
        continue
      }
      this.evaluations++
      const rule = c.rule
      // A running value is compared within its own period (a change over today's values, never yesterday's).
      if (c.runningPeriods.length > 0 && st.rate) dropBefore(st.rate, Math.max(...c.runningPeriods.map((p) => this.periods.startOf(ts, p))))
      // Early in the period a value stands on too little to fire or clear anything: remembered (a rate's
      // history, a detector), not judged.
      if (c.minPeriodShare > 0 && this.tooEarly(c, ts)) {
        this.holds(c, st, ts, value, s.region)
        st.lastTs = ts
        st.lastValue = value
        continue
      }
      const holds = this.holds(c, st, ts, value, s.region)
      st.lastTs = ts
      st.lastValue = value
      if (holds) {
        st.clearSince = NaN
        if (st.phase === 'inactive') {
          st.phase = 'pending'
          st.since = ts
          st.count = 0
        }
        st.count++
        if (st.phase === 'pending' && ts - st.since >= rule.for * 1000 && (rule.forPoints === undefined || st.count >= rule.forPoints)) {
          st.phase = 'firing'
          out.push(this.event('fire', rule, s, ts, value, st.since, st.detail ?? {}))
        }
      } else if (st.phase === 'pending') {
        st.phase = 'inactive'
        st.count = 0
      } else if (st.phase === 'firing') {
        if (Number.isNaN(st.clearSince)) st.clearSince = ts
        if (ts - st.clearSince >= rule.keepFiringFor * 1000) {
          st.phase = 'inactive'
          st.count = 0
          out.push(this.event('resolve', rule, s, ts, value, st.clearSince, st.detail ?? {}))
          st.clearSince = NaN
        }
      }
    }
  }

  /** Whether the rule's condition holds with this point (hysteresis: a firing rule clears only past its recovery level). */
  private holds(c: CompiledRule, st: RuleState, ts: number, value: number, region: string): boolean {
    const cond: Condition = c.rule.condition
    switch (cond.kind) {
      case 'threshold': {
        const level = st.phase === 'firing' ? (cond.recover ?? cond.value) : cond.value
        st.detail = { threshold: cond.value, recover: cond.recover ?? cond.value }
        return cond.op === 'above' ? value > level : value < level
      }
      case 'rateOfChange':
        return rateHolds(cond, st, ts, value)
      case 'baseline': {
        let judged = value
        if (cond.changeOverSeconds !== undefined) {
          const change = windowChange((st.rate ??= { ts: [], value: [] }), ts, value, cond.changeOverSeconds * 1000)
          if (change === undefined) return false
          judged = change.change
        }
        st.detector ??= new BaselineDetector(cond.params)
        const r = st.detector.update(ts, judged)
        // The detail is read only by a fire or a resolve, which need the point to be anomalous or an alert under way:
        // most points are neither, and this rule runs on every point of every series it watches.
        if (r.anomalous || st.phase !== 'inactive') {
          st.detail =
            r.expected === undefined
              ? { score: r.score }
              : {
                  score: r.score,
                  expected: r.expected,
                  band: [r.lower!, r.upper!],
                  ...(r.evidence ? { evidence: r.evidence } : {}),
                  ...(cond.changeOverSeconds === undefined ? {} : { change: judged, windowSeconds: cond.changeOverSeconds }),
                }
        }
        return r.anomalous
      }
      case 'stale':
        // A point is the opposite of silence.
        return false
      case 'flatline': {
        const tolerance = cond.tolerance ?? 0
        if (!st.flat || Math.abs(value - st.flat.value) > tolerance) {
          st.flat = { value, since: ts }
          return false
        }
        st.detail = { unchangedForMs: ts - st.flat.since, value: st.flat.value }
        return ts - st.flat.since >= cond.cadences * c.indicator.cadenceSeconds * 1000
      }
      case 'crossCheck': {
        if (!(cond.op === 'above' ? value > cond.value : value < cond.value)) return false
        const detail: Record<string, number> = { threshold: cond.value }
        for (const w of cond.with) {
          const other = this.crossValues.get(`${w.indicator}|${region}`)
          if (other === undefined || !(w.op === 'above' ? other > w.value : other < w.value)) return false
          detail[w.indicator] = other
        }
        st.detail = detail
        return true
      }
    }
  }

  private compile(rule: Rule, indicator: Indicator): CompiledRule {
    const tree = this.index.tree
    const { level, region, stationKind } = rule.scope
    const within = (r: string) => region === undefined || tree.isWithin(r, region)
    // A region reports an indicator itself when it is a leaf and the indicator is not measured at stations.
    const reportsAlone = (r: string) => indicator.stationKind === undefined && tree.isLeaf(r)
    const regionMatches = (r: string) => (level ? (level === 'leaf' ? tree.isLeaf(r) : tree.get(r)?.level === level) && within(r) : r === region)
    const rawApplies = (r: string, station: string): boolean => {
      if (stationKind) return station !== '' && this.index.station(station)?.kind === stationKind && within(r)
      return station === '' && reportsAlone(r) && regionMatches(r)
    }
    const aggregateApplies = (r: string): boolean => !stationKind && !reportsAlone(r) && regionMatches(r)
    const staleAfter = rule.condition.kind === 'stale' ? rule.condition.cadences * indicator.cadenceSeconds * 1000 : Infinity
    const judged = [indicator, ...(rule.condition.kind === 'crossCheck' ? rule.condition.with.map((w) => this.index.indicator(w.indicator)) : [])]
    const runningPeriods = [...new Set(judged.flatMap((i) => (i?.running ? [i.running] : [])))]
    return { rule, indicator, rawApplies, aggregateApplies, staleAfter, runningPeriods, minPeriodShare: rule.minPeriodShare ?? 0 }
  }

  /** Whether less of a running period than the rule asks for lies behind `ts`. */
  private tooEarly(c: CompiledRule, ts: number): boolean {
    return c.runningPeriods.some((p) => this.periods.shareOf(ts, p) < c.minPeriodShare)
  }

  private event(kind: EngineEvent['kind'], rule: Rule, s: Series, at: number, value: number | null, since: number, detail: EngineEvent['detail']): EngineEvent {
    return { kind, rule, indicator: s.indicator, region: s.region, station: stationOf(s), at, value, since, detail }
  }
}

function stationOf(s: Series): string {
  return s.station === '~' ? '' : s.station
}

function newState(): RuleState {
  return { phase: 'inactive', since: NaN, count: 0, clearSince: NaN, lastTs: -Infinity, lastValue: NaN }
}

/** Forgets a rate's history before `from`. */
function dropBefore(buf: { ts: number[]; value: number[] }, from: number): void {
  let n = 0
  while (n < buf.ts.length && buf.ts[n]! < from) n++
  if (n > 0) {
    buf.ts.splice(0, n)
    buf.value.splice(0, n)
  }
}

/**
 * Adds a point to a series' recent values and returns its change against the
 * newest value at or before one window earlier (undefined until a whole window
 * lies behind it).
 */
function windowChange(buf: { ts: number[]; value: number[] }, ts: number, value: number, window: number): { then: number; change: number } | undefined {
  buf.ts.push(ts)
  buf.value.push(value)
  // Keep the newest point at or before ts - window, and everything after it.
  let keepFrom = 0
  while (keepFrom + 1 < buf.ts.length && buf.ts[keepFrom + 1]! <= ts - window) keepFrom++
  if (keepFrom > 0) {
    buf.ts.splice(0, keepFrom)
    buf.value.splice(0, keepFrom)
  }
  if (buf.ts[0]! > ts - window) return undefined
  const then = buf.value[0]!
  return { then, change: value - then }
}

function rateHolds(cond: Extract<Condition, { kind: 'rateOfChange' }>, st: RuleState, ts: number, value: number): boolean {
  const found = windowChange((st.rate ??= { ts: [], value: [] }), ts, value, cond.windowSeconds * 1000)
  if (!found) return false
  const { then, change } = found
  const moved = cond.direction === 'rise' ? change : cond.direction === 'fall' ? -change : Math.abs(change)
  if (moved <= 0) return false
  const percent = then !== 0 ? (moved / Math.abs(then)) * 100 : Infinity
  st.detail = { from: then, change, windowSeconds: cond.windowSeconds }
  if (cond.percent !== undefined && percent >= cond.percent) return true
  return cond.absolute !== undefined && moved >= cond.absolute
}
