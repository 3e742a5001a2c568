import type { LocalCalendar } from './local-calendar'
import { binomialDraw, noiseKey, normalAt, poissonDraw, unitAt } from './seeded-noise'
import { DAY_MS, HOUR_MS } from './simulator'

/** What a "today so far" count needs to know about its region. */
export interface DailyCountModel {
  /** Expected number of events on local day `day`. */
  expectedTotal(day: number): number
  /** Relative intensity of each of the 24 local hours of `day`. */
  hourWeights(day: number): ArrayLike<number>
}

// Events inside an hour land in its first 3 598 s, so the point stamped one second
// before a day's end (history's `last` stamp) already counts the whole day.
const EVENT_SPAN_IN_HOUR_MS = HOUR_MS - 2000
// Above this many events in an hour, timing them one by one costs more than it shows.
const MAX_TIMED_EVENTS_PER_HOUR = 24
const DAY_CACHE_LIMIT = 64

/**
 * A running count of today's events that resets at local midnight: the shape of
 * `traffic.incidents`, `biz.new_entities`, `env.polluter_exceedances`.
 *
 * Events follow an inhomogeneous Poisson process drawn top-down, so any time can
 * be evaluated without replaying the day: the day's total is Poisson, it is split
 * over the hours binomially in proportion to the hour weights, and an hour's few
 * events get hashed times (many events are spread evenly). The count is therefore
 * non-decreasing within a day and ends at exactly the day's total.
 */
export class DailyCounter {
  private readonly totalKey: number
  private readonly totalNormalKey: number
  private readonly splitKey: number
  private readonly splitNormalKey: number
  private readonly timeKey: number
  private readonly cumulativeByDay = new Map<number, Float64Array>()
  // Memos of the last answers (values never depend on them).
  private memoDay = Number.NaN
  private memoTotal = 0
  private memoT = Number.NaN
  private memoCount = 0

  constructor(
    seed: number,
    label: string,
    private readonly calendar: LocalCalendar,
    private readonly model: DailyCountModel,
  ) {
    this.totalKey = noiseKey(seed, label, 'total')
    this.totalNormalKey = noiseKey(seed, label, 'total-normal')
    this.splitKey = noiseKey(seed, label, 'split')
    this.splitNormalKey = noiseKey(seed, label, 'split-normal')
    this.timeKey = noiseKey(seed, label, 'time')
  }

  /** The number of events on local day `day`. */
  total(day: number): number {
    if (day === this.memoDay) return this.memoTotal
    const total = poissonDraw(this.model.expectedTotal(day), unitAt(this.totalKey, day), normalAt(this.totalNormalKey, day))
    this.memoDay = day
    this.memoTotal = total
    return total
  }

  /** Events so far today at time `t`. */
  countAt(t: number): number {
    // Several series of a region read the same count at the same time.
    if (t === this.memoT) return this.memoCount
    const count = this.computeCount(t)
    this.memoT = t
    this.memoCount = count
    return count
  }

  private computeCount(t: number): number {
    const day = this.calendar.dayIndex(t)
    const ms = this.calendar.msOfDay(t)
    if (ms >= DAY_MS - HOUR_MS + EVENT_SPAN_IN_HOUR_MS) return this.total(day)
    const cumulative = this.cumulative(day)
    const hour = Math.floor(ms / HOUR_MS)
    const before = cumulative[hour]!
    const inHour = cumulative[hour + 1]! - before
    const elapsed = ms - hour * HOUR_MS
    if (inHour === 0) return before
    if (inHour > MAX_TIMED_EVENTS_PER_HOUR) return before + Math.floor(inHour * Math.min(1, elapsed / EVENT_SPAN_IN_HOUR_MS))
    let n = 0
    const slotBase = (day * 24 + hour) * 32
    for (let k = 0; k < inHour; k++) if (unitAt(this.timeKey, slotBase + k) * EVENT_SPAN_IN_HOUR_MS <= elapsed) n++
    return before + n
  }

  /** Events before each local hour of `day`: 25 numbers from 0 to the day's total. */
  private cumulative(day: number): Float64Array {
    const cached = this.cumulativeByDay.get(day)
    if (cached) return cached
    const weights = this.model.hourWeights(day)
    let remainingWeight = 0
    for (let h = 0; h < 24; h++) remainingWeight += weights[h]!
    let remaining = this.total(day)
    const out = new Float64Array(25)
    for (let h = 0; h < 24; h++) {
      const w = weights[h]!
      const slot = day * 24 + h
      const n =
        h === 23 || remainingWeight <= 0
          ? remaining
          : binomialDraw(remaining, w / remainingWeight, unitAt(this.splitKey, slot), normalAt(this.splitNormalKey, slot))
      remaining -= n
      remainingWeight -= w
      out[h + 1] = out[h]! + n
    }
    if (this.cumulativeByDay.size >= DAY_CACHE_LIMIT) this.cumulativeByDay.clear()
    this.cumulativeByDay.set(day, out)
    return out
  }
}
