import { type BaselineParams, DEFAULT_BASELINE_PARAMS } from '../../common/baseline-params'

/**
 * The baseline-deviation condition's detector, one instance per series: it
 * learns what the series usually does at this time of the day and of the week
 * and calls a point anomalous when it is far outside that. Pure and streaming:
 * points one at a time in event time, no look-ahead, fixed memory (three
 * numbers per slot: 4.6 KB per series with hour slots), no I/O, about 0.25 µs
 * per point.
 *
 * The model, per slot of the day (24 hour slots by default) and of the week
 * (168):
 * - an expected value: an exponential moving average of the slot's points that
 *   remembers about `memoryVisits` visits of the slot, with each point's pull
 *   clipped to `learnClip` deviations, so one outage does not move it far;
 * - a deviation: the same average of |point − expected|, deliberately not
 *   clipped, so a series that often spikes gets a wide band and a calm one a
 *   narrow band (this is what lets one threshold serve both);
 * - the expected value and deviation at a moment are interpolated linearly
 *   between the two nearest slot centres (hour slots alone make a staircase
 *   that a rush hour climbs out of), and the week's profile takes over from
 *   the day's as it gathers visits (`weeklyTrustVisits`).
 * A point is anomalous when it lies on or outside expected ± threshold × deviation
 * (on the side `direction` names), and never before the slot has been seen
 * `warmupVisits` times. The point is judged before it is learnt.
 *
 * Time, not sample counts: every point is weighted by the time it stands for
 * (its gap to the previous point, at most a slot and at most twice the
 * series' usual cadence), so a 5-second series and an hourly one learn a slot
 * at the same pace per day.
 */

/** The detector's verdict on one point. */
export interface BaselineResult {
  readonly anomalous: boolean
  /** Signed distance from the expected value in deviations (0 while warming up). */
  readonly score: number
  /** The expected value, once the detector is warm. */
  readonly expected?: number
  /** expected ± threshold × deviation: outside it (on the watched side) is anomalous. */
  readonly band?: [number, number]
}

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS
/** Gain of the running cadence estimate: about the last eight gaps, so one long gap does not swamp it. */
const CADENCE_GAIN = 1 / 8
/** A point stands for at most this many usual gaps: the first point after an outage is one sample, not the outage. */
const MAX_WEIGHT_CADENCES = 2
/** Deviation never below this fraction of |expected| (or of 1): a constant series must not divide by zero. */
const TINY = 1e-12

const WARMING_UP: BaselineResult = Object.freeze({ anomalous: false, score: 0 })

export class BaselineDetector {
  private readonly threshold: number
  private readonly direction: 'above' | 'below' | 'both'
  private readonly slotMs: number
  private readonly daySlots: number
  private readonly weekSlots: number
  /** Time constant of a slot's averages, in ms of the slot's own occupancy. */
  private readonly slotTau: number
  /** Time constant of the series-wide deviation, in ms of data. */
  private readonly overallTau: number
  private readonly trustMs: number
  private readonly warmMs: number
  private readonly learnClip: number
  private readonly quietFloor: number
  private readonly minDeviation: number

  // Day slots at [0, daySlots), week slots after them.
  private readonly mean: Float64Array
  private readonly dev: Float64Array
  /** ms of data each slot has learnt from. */
  private readonly occ: Float64Array
  private prevTs = NaN
  private cadence = NaN
  private overallDev = 0
  private overallOcc = 0

  constructor(params: BaselineParams = {}) {
    const p = { ...DEFAULT_BASELINE_PARAMS, ...params }
    this.threshold = p.threshold
    this.direction = p.direction
    this.slotMs = p.slotMinutes * 60_000
    this.daySlots = Math.round(DAY_MS / this.slotMs)
    this.weekSlots = 7 * this.daySlots
    this.slotTau = p.memoryVisits * this.slotMs
    this.overallTau = p.memoryVisits * DAY_MS
    this.trustMs = p.weeklyTrustVisits * this.slotMs
    this.warmMs = p.warmupVisits * this.slotMs
    this.learnClip = p.learnClip
    this.quietFloor = p.quietFloor
    this.minDeviation = p.minDeviation
    const n = this.daySlots + this.weekSlots
    this.mean = new Float64Array(n)
    this.dev = new Float64Array(n)
    this.occ = new Float64Array(n)
  }

  /**
   * Judges one point, then learns from it. `ts` is epoch ms. A point not newer
   * than the last one (a repeat, or late) is judged but not learnt from; a
   * non-finite value is ignored.
   */
  update(ts: number, value: number): BaselineResult {
    if (!Number.isFinite(ts) || !Number.isFinite(value)) return WARMING_UP
    const weight = this.weightOf(ts)

    // The two week slots whose centres surround ts, and how far ts is from the first.
    const u = (((ts % WEEK_MS) + WEEK_MS) % WEEK_MS) / this.slotMs - 0.5
    const below = Math.floor(u)
    const f = u - below
    const w0 = (below + this.weekSlots) % this.weekSlots
    const w1 = (w0 + 1) % this.weekSlots
    const d0 = w0 % this.daySlots
    const d1 = w1 % this.daySlots
    const W0 = this.daySlots + w0
    const W1 = this.daySlots + w1

    let result = WARMING_UP
    const { mean, dev, occ } = this
    if (Math.min(occ[d0]!, occ[d1]!) >= this.warmMs) {
      let expected = mean[d0]! + f * (mean[d1]! - mean[d0]!)
      let deviation = dev[d0]! + f * (dev[d1]! - dev[d0]!)
      const weekOcc = Math.min(occ[W0]!, occ[W1]!)
      if (weekOcc > 0) {
        const trust = weekOcc / (weekOcc + this.trustMs)
        expected += trust * (mean[W0]! + f * (mean[W1]! - mean[W0]!) - expected)
        deviation += trust * (dev[W0]! + f * (dev[W1]! - dev[W0]!) - deviation)
      }
      deviation = Math.max(deviation, this.quietFloor * this.overallDev, this.minDeviation, TINY * Math.max(1, Math.abs(expected)))
      const score = (value - expected) / deviation
      const k = this.threshold
      const anomalous = this.direction === 'both' ? Math.abs(score) >= k : this.direction === 'above' ? score >= k : score <= -k
      result = { anomalous, score, expected, band: [expected - k * deviation, expected + k * deviation] }
      if (weight > 0) {
        this.overallOcc += weight
        const a = Math.max(weight / this.overallOcc, -Math.expm1(-weight / this.overallTau))
        this.overallDev += a * (Math.abs(value - expected) - this.overallDev)
      }
    }

    if (weight > 0) {
      const near = weight * (1 - f)
      const far = weight * f
      if (near > 0) {
        this.learn(d0, value, near)
        this.learn(W0, value, near)
      }
      if (far > 0) {
        this.learn(d1, value, far)
        this.learn(W1, value, far)
      }
    }
    return result
  }

  /** The time a point stands for, in ms (0: not learnt from). */
  private weightOf(ts: number): number {
    if (Number.isNaN(this.prevTs)) {
      this.prevTs = ts
      return 0 // nothing yet says how long the first point stands for
    }
    const gap = ts - this.prevTs
    if (gap <= 0) return 0
    this.prevTs = ts
    const g = Math.min(gap, this.slotMs)
    this.cadence = Number.isNaN(this.cadence) ? g : this.cadence + CADENCE_GAIN * (g - this.cadence)
    return Math.min(g, MAX_WEIGHT_CADENCES * this.cadence)
  }

  private learn(slot: number, value: number, weight: number): void {
    const { mean, dev, occ } = this
    const before = occ[slot]!
    const total = (occ[slot] = before + weight)
    if (before === 0) {
      mean[slot] = value
      dev[slot] = 0
      return
    }
    // A running average until the slot has a memory's worth, then exponential.
    const a = Math.max(weight / total, -Math.expm1(-weight / this.slotTau))
    const m = mean[slot]!
    const d = dev[slot]!
    const r = value - m
    const limit = this.learnClip * d
    mean[slot] = m + a * (d > 0 ? Math.max(-limit, Math.min(limit, r)) : r)
    dev[slot] = d + a * (Math.abs(r) - d)
  }
}
