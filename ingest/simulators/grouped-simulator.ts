import type { Domain } from '../../common/catalog-schema'
import { scheduleAnomalies, type AnomalyRule, type GroupAnomaly } from './anomaly-schedule'
import type { LocalCalendar } from './local-calendar'
import { firstSlotAtOrAfter, type SeriesGroup } from './series-group'
import {
  HISTORY_RESOLUTIONS,
  LAST_STAMP_BEFORE_END_MS,
  type ScheduledAnomaly,
  type SeriesSpec,
  type SimPoint,
  type Simulator,
} from './simulator'

/** What a domain supplies; `GroupedSimulator` turns it into the `Simulator` contract. */
export interface DomainModel<Ctx> {
  readonly domain: Domain
  readonly groups: readonly SeriesGroup<Ctx>[]
  readonly anomalyRules: readonly AnomalyRule[]
  /** Prepared once per call for the times in [from, to] (e.g. the pollution episodes then). */
  context(from: number, to: number): Ctx
  /** Anomalies the model applies itself (pollution episodes), overlapping [from, to). */
  episodes?(from: number, to: number): ScheduledAnomaly[]
}

// Stuck values are evaluated once per occurrence; a live run meets a few per hour.
const FROZEN_CACHE_LIMIT = 1024

/** Per-group constants for the finishing step, so the hot loop reads arrays, not objects. */
interface GroupFinish {
  readonly lo: Float64Array
  readonly hi: Float64Array
  readonly scale: Float64Array
  readonly isMean: readonly boolean[]
  readonly codes: readonly string[]
}

/**
 * The part every domain shares: publication slots, history intervals, anomalies
 * (level shifts and spikes added, stuck values frozen, dropouts removed), then
 * clamping to each indicator's range and rounding to its precision.
 */
export class GroupedSimulator<Ctx> implements Simulator {
  readonly domain: Domain
  private readonly specs: readonly SeriesSpec[]
  private readonly finishing: readonly GroupFinish[]
  private readonly frozenCache = new Map<string, Float64Array>()
  private readonly longestStuckMs: number

  constructor(
    private readonly model: DomainModel<Ctx>,
    private readonly seed: number,
    private readonly calendar: LocalCalendar,
  ) {
    this.domain = model.domain
    this.specs = model.groups.flatMap((g) =>
      g.indicators.map((i): SeriesSpec =>
        g.station === undefined
          ? { indicator: i.code, region: g.region, publishEveryMs: g.periodMs, historyResolutionMs: g.minResolutionMs }
          : { indicator: i.code, region: g.region, station: g.station, publishEveryMs: g.periodMs, historyResolutionMs: g.minResolutionMs },
      ),
    )
    this.longestStuckMs = model.anomalyRules.reduce((m, r) => (r.kind === 'stuck' ? Math.max(m, r.duration[1]) : m), 0)
    this.finishing = model.groups.map((g) => ({
      lo: Float64Array.from(g.indicators, (i) => i.range[0]),
      hi: Float64Array.from(g.indicators, (i) => i.range[1]),
      scale: Float64Array.from(g.indicators, (i) => 10 ** i.precision),
      isMean: g.indicators.map((i) => i.temporal === 'mean'),
      codes: g.indicators.map((i) => i.code),
    }))
  }

  series(): readonly SeriesSpec[] {
    return this.specs
  }

  live(from: number, to: number): SimPoint[] {
    requireTime('from', from)
    requireTime('to', to)
    if (!(to > from)) return []
    const ctx = this.model.context(from, to)
    const byGroup = this.anomaliesByGroup(from + 1, to + 1)
    const out: SimPoint[] = []
    const groups = this.model.groups
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi]!
      const period = group.periodMs
      let t = group.offsetMs + (Math.floor((from - group.offsetMs) / period) + 1) * period
      if (t > to) continue
      const values = new Float64Array(group.indicators.length)
      const anomalies = byGroup.get(gi)
      for (; t <= to; t += period) {
        group.sample(t, ctx, values)
        const dropped = anomalies ? this.applyLive(anomalies.list, anomalies.advance(t), t, values, ctx, from) : 0
        this.finish(gi, values)
        this.emit(out, group, gi, values, dropped, t, t)
      }
    }
    return out.sort((a, b) => a.ts - b.ts)
  }

  history(from: number, to: number, resolutionMs: number): SimPoint[] {
    requireTime('from', from)
    requireTime('to', to)
    if (!(HISTORY_RESOLUTIONS as readonly number[]).includes(resolutionMs))
      throw new RangeError(`resolutionMs must be one of ${HISTORY_RESOLUTIONS.join(', ')}, got ${resolutionMs}`)
    const res = resolutionMs
    let first = this.calendar.intervalStart(from, res)
    if (first < from) first += res
    if (first + res > to) return []
    // From early enough that the values stuck sensors repeat are covered too.
    const ctxFrom = first - this.longestStuckMs
    const ctx = this.model.context(ctxFrom, to)
    const byGroup = this.anomaliesByGroup(first, to)
    const out: SimPoint[] = []
    const groups = this.model.groups
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi]!
      if (group.minResolutionMs > res) continue
      const values = new Float64Array(group.indicators.length)
      const anomalies = byGroup.get(gi)
      for (let start = first; start + res <= to; start += res) {
        group.aggregate(start, res, ctx, values)
        const dropped = anomalies ? this.applyHistory(gi, anomalies.list, anomalies.advance(start), start, res, values, ctx, ctxFrom) : 0
        this.finish(gi, values)
        this.emit(out, group, gi, values, dropped, start, start + res - LAST_STAMP_BEFORE_END_MS)
      }
    }
    return out
  }

  anomalies(from: number, to: number): ScheduledAnomaly[] {
    requireTime('from', from)
    requireTime('to', to)
    if (!(to > from)) return []
    const out: ScheduledAnomaly[] = []
    for (const a of scheduleAnomalies(this.seed, this.domain, this.model.anomalyRules, this.model.groups, from, to)) {
      const group = this.model.groups[a.group]!
      const frozen = a.kind === 'stuck' ? this.frozen(a) : undefined
      for (const i of a.series) {
        const base = { kind: a.kind, indicator: group.indicators[i]!.code, region: group.region }
        out.push({
          ...base,
          ...(group.station === undefined ? {} : { station: group.station }),
          start: a.start,
          end: a.end,
          magnitude: frozen ? frozen[i]! : a.magnitude,
        })
      }
    }
    if (this.model.episodes) out.push(...this.model.episodes(from, to))
    return out.sort((a, b) => a.start - b.start)
  }

  private anomaliesByGroup(from: number, to: number): Map<number, AnomalyCursor> {
    const lists = new Map<number, GroupAnomaly[]>()
    for (const a of scheduleAnomalies(this.seed, this.domain, this.model.anomalyRules, this.model.groups, from, to)) {
      const list = lists.get(a.group)
      if (list) list.push(a)
      else lists.set(a.group, [a])
    }
    const out = new Map<number, AnomalyCursor>()
    for (const [gi, list] of lists) out.set(gi, new AnomalyCursor(list))
    return out
  }

  /** Applies the anomalies active at slot `t`; returns the bit mask of series that publish nothing. */
  private applyLive(
    anomalies: readonly GroupAnomaly[],
    first: number,
    t: number,
    values: Float64Array,
    ctx: Ctx,
    ctxFrom: number,
  ): number {
    let dropped = 0
    let stuck: GroupAnomaly | undefined
    for (let k = first; k < anomalies.length; k++) {
      const a = anomalies[k]!
      if (a.start > t) break
      if (t >= a.end) continue
      if (a.kind === 'spike' || a.kind === 'levelShift') for (const i of a.series) values[i]! += a.magnitude
      else if (a.kind === 'dropout') for (const i of a.series) dropped |= 1 << i
      else stuck = a
    }
    // Stuck after the additive kinds: a frozen sensor repeats its value whatever else happens.
    if (stuck) {
      const frozen = this.frozen(stuck, ctx, ctxFrom)
      for (const i of stuck.series) values[i] = frozen[i]!
    }
    return dropped
  }

  /**
   * Anomalies in a history interval, as they would show in the live points it
   * summarises: a `mean` series gets the share of the interval the anomaly covers,
   * a `last` series what holds at the stamp; a series disappears only when a
   * dropout covers the whole interval.
   */
  private applyHistory(
    gi: number,
    anomalies: readonly GroupAnomaly[],
    first: number,
    start: number,
    res: number,
    values: Float64Array,
    ctx: Ctx,
    ctxFrom: number,
  ): number {
    const end = start + res
    const stamp = end - LAST_STAMP_BEFORE_END_MS
    const isMean = this.finishing[gi]!.isMean
    let dropped = 0
    let stuck: GroupAnomaly[] | undefined
    for (let k = first; k < anomalies.length; k++) {
      const a = anomalies[k]!
      if (a.start >= end) break
      if (a.end <= start) continue
      if (a.kind === 'dropout') {
        if (a.start <= start && a.end >= end) for (const i of a.series) dropped |= 1 << i
      } else if (a.kind === 'stuck') (stuck ??= []).push(a)
      else for (const i of a.series) values[i]! += a.magnitude * share(a, start, end, stamp, isMean[i]!)
    }
    for (const a of stuck ?? []) {
      const frozen = this.frozen(a, ctx, ctxFrom)
      for (const i of a.series) {
        const f = share(a, start, end, stamp, isMean[i]!)
        values[i] = frozen[i]! * f + values[i]! * (1 - f)
      }
    }
    return dropped
  }

  /**
   * The final values a stuck occurrence repeats: those of its first slot. The
   * caller's context serves when it covers that slot (it reaches back to
   * `ctxFrom`); otherwise one is made for the slot.
   */
  private frozen(a: GroupAnomaly, ctx?: Ctx, ctxFrom = Number.POSITIVE_INFINITY): Float64Array {
    const cached = this.frozenCache.get(a.id)
    if (cached) return cached
    const group = this.model.groups[a.group]!
    const t = firstSlotAtOrAfter(a.start, group.periodMs, group.offsetMs)
    const values = new Float64Array(group.indicators.length)
    group.sample(t, ctx !== undefined && t >= ctxFrom ? ctx : this.model.context(t, t), values)
    this.finish(a.group, values)
    if (this.frozenCache.size >= FROZEN_CACHE_LIMIT) this.frozenCache.clear()
    this.frozenCache.set(a.id, values)
    return values
  }

  private finish(gi: number, values: Float64Array): void {
    const f = this.finishing[gi]!
    for (let i = 0; i < values.length; i++) values[i] = clampRound(values[i]!, f.lo[i]!, f.hi[i]!, f.scale[i]!)
    const group = this.model.groups[gi]!
    if (group.derive) {
      group.derive(values)
      for (let i = 0; i < values.length; i++) values[i] = clampRound(values[i]!, f.lo[i]!, f.hi[i]!, f.scale[i]!)
    }
  }

  private emit(
    out: SimPoint[],
    group: SeriesGroup<Ctx>,
    gi: number,
    values: Float64Array,
    dropped: number,
    meanTs: number,
    lastTs: number,
  ): void {
    const f = this.finishing[gi]!
    for (let i = 0; i < values.length; i++) {
      if (dropped & (1 << i)) continue
      const ts = f.isMean[i] ? meanTs : lastTs
      out.push(
        group.station === undefined
          ? { ts, indicator: f.codes[i]!, region: group.region, value: values[i]! }
          : { ts, indicator: f.codes[i]!, region: group.region, station: group.station, value: values[i]! },
      )
    }
  }
}

/**
 * One group's anomalies in start order, read by a loop that walks forward in
 * time: `advance(t)` skips those that ended before t for good, so a back-fill
 * of a year does not re-scan a year of faults for every interval.
 */
class AnomalyCursor {
  readonly list: readonly GroupAnomaly[]
  private readonly longest: number
  private first = 0

  constructor(list: GroupAnomaly[]) {
    this.list = list.sort((a, b) => a.start - b.start)
    this.longest = list.reduce((m, a) => Math.max(m, a.end - a.start), 0)
  }

  /** Index in `list` of the first anomaly that may be active at or after t (t must not decrease). */
  advance(t: number): number {
    // Anything starting more than the longest duration before t has ended.
    while (this.first < this.list.length && this.list[this.first]!.start + this.longest <= t) this.first++
    return this.first
  }
}

/** The share of an interval's value an anomaly accounts for. */
function share(a: GroupAnomaly, start: number, end: number, stamp: number, isMean: boolean): number {
  if (!isMean) return stamp >= a.start && stamp < a.end ? 1 : 0
  return (Math.min(end, a.end) - Math.max(start, a.start)) / (end - start)
}

function clampRound(v: number, lo: number, hi: number, scale: number): number {
  // NaN would slip through the comparisons; a model bug must not reach storage as one.
  if (!(v >= lo)) v = lo
  else if (v > hi) v = hi
  return Math.round(v * scale) / scale
}

function requireTime(name: string, t: number): void {
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be finite epoch milliseconds, got ${t}`)
}
