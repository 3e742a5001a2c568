import { type BaselineParams, DEFAULT_BASELINE_PARAMS } from '../../common/baseline-params'

/**
 * The baseline-deviation condition's detector, one instance per series. Pure
 * and streaming: points one at a time in event time, no look-ahead, fixed
 * memory (~5 KB per series), no I/O.
 *
 * Two models say what a point should be, and the one that has predicted the
 * series better lately is believed:
 * - a season: per slot of the day and of the week an expected value and a
 *   deviation, learnt over about `memoryVisits` visits and interpolated between
 *   slot centres (warm after `warmupVisits` days);
 * - a local level: a robust moving average of the last few dozen points and
 *   their mean absolute deviation, warm after a few dozen points, so a series
 *   with no daily season (server metrics, temperatures, a 5-second feed that
 *   has not yet seen a day) is judged without inventing one.
 * The point's score is its distance from the expected value in deviations.
 *
 * Three kinds of evidence make a point anomalous, each measured against what
 * this series' own scores usually reach (a decaying histogram of its recent
 * scores: the series' "anomaly likelihood"), so a noisy or bursty series needs
 * more than a calm one:
 * - `point`: the score is beyond threshold deviations and beyond 1.5 × what
 *   the series' scores exceed once in 500 points;
 * - `sustained`: a short moving average of the (clipped) scores is beyond what
 *   that average exceeds once in 500 points — several points off to one side,
 *   which no single burst can fake;
 * - `stuck`: the same value repeated longer than the series' usual rate of
 *   repeats makes believable, and twice as long as any run of repeats it has
 *   had lately (a frozen sensor or feed, not a counter that rests every night);
 *   the models do not learn such a run.
 * An anomaly is an episode: it holds while its evidence does, and enters the
 * series' record only once, at most at the bar it crossed — so frequent short
 * alarms (benign bursts) raise the series' bar, while one long anomaly does
 * not teach the detector that anomalies are normal. A level that has moved for
 * good (six points in a row beyond the threshold on one side) is taken over by
 * the local model at once instead of alarming for hours.
 *
 * The season weighs every point by the time it stands for (at most twice the
 * series' usual cadence), so it learns a day at the same pace from a 5-second
 * and an hourly series. A point not newer than the last is judged but not
 * learnt from; a non-finite one is ignored.
 */

/** What made a point anomalous: it alone is far out, the points lately are off to one side, or the value is stuck. */
export type BaselineEvidence = 'point' | 'sustained' | 'stuck'

/** The detector's verdict on one point (every field present, so results share one shape). */
export interface BaselineResult {
  readonly anomalous: boolean
  /** Signed distance from the expected value in deviations (0 while warming up). */
  readonly score: number
  /** The expected value, once the detector is warm. */
  readonly expected: number | undefined
  /**
   * The band expected ± bar × deviation (once warm): a point outside it, on the
   * watched side, is anomalous on its own; inside it, only a run or a stuck
   * value makes it anomalous.
   */
  readonly lower: number | undefined
  readonly upper: number | undefined
  readonly evidence: BaselineEvidence | undefined
}

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS
/** Gain of the running cadence estimate: about the last eight gaps, so one long gap does not swamp it. */
const CADENCE_GAIN = 1 / 8
/** A point stands for at most this many usual gaps: the first point after an outage is one sample, not the outage. */
const MAX_WEIGHT_CADENCES = 2
/** Deviation never below this fraction of |expected| (or of 1): a constant series must not divide by zero. */
const TINY = 1e-12

// The values below were chosen on the generated corpus (bench/corpus) and NAB together, one set for
// every series; the README's baseline section gives the measurements.

/** The local level follows about the last 16 points, its deviation about the last 64 (steadier than the level). */
const LOCAL_GAIN = 1 / 16
const LOCAL_DEV_GAIN = 1 / 64
/** Points before the local level may judge: its deviation needs a few dozen to mean anything. */
const LOCAL_WARM_POINTS = 30
/** Which model is believed is decided on its mean absolute error over about the last 288 points (a day of 5-minute data). */
const ERROR_GAIN = 1 / 288
/** Scores enter the short moving average clipped to ± this, so one huge point cannot make a run. */
const RUN_CLIP = 6
/** The short moving average of scores spans about six points. */
const RUN_GAIN = 1 / 6
/**
 * ...and at least about this much time: for a 5-second series, six points are
 * 30 seconds of traffic waves, which a rush hour makes every day. Measured on
 * the province's 500 five-second detectors (100 of them, 4 days): 60
 * unexplained alerts a day per 100 detectors with a six-point run, 1.3 with
 * five minutes (30 minutes does no better), planted incidents found alike.
 */
const RUN_SPAN_MS = 5 * 60_000
/** The short average must exceed at least this many deviations (a floor under a very calm series' own record). */
const RUN_MIN = 2.5
/** Share of recent points whose score (or short average) sets the bar: once in 500 points (of REFERENCE_CADENCE_MS). */
const TAIL_SHARE = 0.002
/**
 * The cadence the tail's share and memory are counted in. A faster series
 * counts each point as the fraction of a reference point its gap is: a
 * 5-second detector's bar is what it exceeds once in 500 × 5 minutes of data
 * (about once in two days), not once in 500 points (every 42 minutes: a
 * 5-second series would alarm 35 times a day by construction), and its record
 * reaches back the same week a 5-minute series' does. Slower series count
 * whole points.
 */
const REFERENCE_CADENCE_MS = 5 * 60_000
/** A lone point must exceed 1.5 × the series' tail score: a margin, since one point is thin evidence. */
const POINT_TAIL_MARGIN = 1.5
/** The record of recent scores fades over about 2000 points (a week of 5-minute data, three hours of 5-second data). */
const TAIL_MEMORY_POINTS = 2000
/** Scores enter the record only once the local level has seen this many points (its first deviations are rough). */
const TAIL_WARM_POINTS = 100
/** Points in a row beyond the threshold on one side that prove the level has moved. */
const SHIFT_CONFIRM_POINTS = 6
/** A value repeated this many times at least before it can count as stuck... */
const STUCK_MIN_POINTS = 12
/** ...and more times than the series' own rate of repeats would produce once in a million runs. */
const STUCK_ODDS = 1e-6
/** A stuck run must be this many times the longest run of repeats the series has had lately... */
const STUCK_RECORD_MARGIN = 2
/** ...a record that halves over two days of data without a longer run (a nightly rest renews it every day). */
const RUN_RECORD_HALF_LIFE_MS = 2 * DAY_MS
/** The rate of repeats is learnt over about the last 500 points. */
const REPEAT_GAIN = 1 / 500

const WARMING_UP: BaselineResult = Object.freeze({ anomalous: false, score: 0, expected: undefined, lower: undefined, upper: undefined, evidence: undefined })

export class BaselineDetector {
  private readonly threshold: number
  private readonly up: boolean
  private readonly down: boolean
  private readonly season: SeasonProfile
  private readonly learnClip: number
  private readonly minDeviation: number
  private readonly counts: boolean

  private prevTs = NaN
  private prevValue = NaN
  private cadence = NaN

  // The local level: what the series has been doing over its last few dozen points.
  private level = NaN
  private levelDev = 0
  private localN = 0
  // How well each model has predicted lately (mean absolute error, capped).
  private errSeason = NaN
  private errLocal = NaN

  // Evidence.
  private run = 0
  private readonly pointTail = new TailHistogram(TAIL_MEMORY_POINTS)
  private readonly runTail = new TailHistogram(TAIL_MEMORY_POINTS)
  private episode: BaselineEvidence | undefined
  private peakPoint = 0
  private peakRun = 0
  private onsetPointBar = 0
  private onsetRunBar = 0
  private shiftSide = 0
  private shiftCount = 0
  private shiftSum = 0
  private repeats = 0
  private repeatRate = 0.5
  private longestRun = 0
  /** While a run is a stuck episode: the most it may add to the record (twice the bar it crossed). */
  private stuckCap = Infinity
  /** When the record was set, in ms of data learnt (the record fades with data, not with the wall clock). */
  private longestRunAt = 0
  private dataMs = 0

  constructor(params: BaselineParams = {}) {
    const p = { ...DEFAULT_BASELINE_PARAMS, ...params }
    this.threshold = p.threshold
    this.up = p.direction !== 'below'
    this.down = p.direction !== 'above'
    this.learnClip = p.learnClip
    this.minDeviation = p.minDeviation
    this.counts = p.counts
    this.season = new SeasonProfile(p)
  }

  /** Judges one point, then learns from it. `ts` is epoch ms. */
  update(ts: number, value: number): BaselineResult {
    if (!Number.isFinite(ts) || !Number.isFinite(value)) return WARMING_UP
    const weight = this.weightOf(ts)
    const learns = weight > 0

    const season = this.season
    const seasonWarm = season.predict(ts)
    const localWarm = this.localN >= LOCAL_WARM_POINTS
    let expected = NaN
    let deviation = NaN
    if (seasonWarm && (!localWarm || !(this.errSeason > this.errLocal))) {
      expected = season.expected
      deviation = season.deviation
    } else if (localWarm) {
      expected = this.level
      deviation = this.levelDev
    }

    // Runs of one value repeated, counted from the first point (a warm-up night counts too).
    const repeats = value === this.prevValue ? this.repeats + 1 : 0
    let result = WARMING_UP
    if (!Number.isNaN(expected)) {
      deviation = Math.max(deviation, this.minDeviation, TINY * Math.max(1, Math.abs(expected)), this.counts ? Math.sqrt(Math.max(1, expected)) : 0)
      result = this.judge(value, (value - expected) / deviation, expected, deviation, repeats, weight)
    }
    if (learns) {
      // The record of runs. A stuck episode counts at most twice the bar it crossed: a counter that
      // rests every night alerts on its first night or two at most, and a sensor that froze for an hour
      // can still be caught freezing again soon after.
      this.dataMs += weight
      if (repeats === 0 && this.repeats > 0) {
        const run = Math.min(this.repeats, this.stuckCap)
        if (run > this.runRecord()) {
          this.longestRun = run
          this.longestRunAt = this.dataMs
        }
        this.stuckCap = Infinity
      }
      this.repeats = repeats
    }

    // A value repeated for longer than this series repeats values says nothing more about it: neither
    // model learns it, or a frozen sensor would teach them that the series never moves (and its return
    // would look wild). A counter that rests every night is learnt: its runs are in the record.
    const informative = learns && (repeats < STUCK_MIN_POINTS || repeats < this.stuckBar())
    if (informative || this.localN === 0) {
      if (seasonWarm && localWarm) this.trackErrors(value, season.expected, season.deviation)
      this.learnLocal(value)
    }
    if (informative) {
      if (seasonWarm) season.noteResidual(value - season.expected, weight)
      season.learn(value, weight)
    }
    if (learns || this.localN === 1) this.prevValue = value
    return result
  }

  /** `weight`: the time the point stands for, in ms (0: judged, not learnt from). */
  private judge(value: number, score: number, expected: number, deviation: number, repeats: number, weight: number): BaselineResult {
    const k = this.threshold
    const runGain = Number.isNaN(this.cadence) ? RUN_GAIN : Math.min(RUN_GAIN, this.cadence / RUN_SPAN_MS)
    const run = this.run + runGain * (Math.max(-RUN_CLIP, Math.min(RUN_CLIP, score)) - this.run)
    const pointBar = Math.max(k, POINT_TAIL_MARGIN * this.pointTail.quantile(TAIL_SHARE))
    const runBar = Math.max(RUN_MIN, this.runTail.quantile(TAIL_SHARE * this.density()))

    const evidence: BaselineEvidence | undefined =
      (this.up && score >= pointBar) || (this.down && score <= -pointBar)
        ? 'point'
        : (this.up && run >= runBar) || (this.down && run <= -runBar)
          ? 'sustained'
          : this.up && this.down && repeats >= STUCK_MIN_POINTS && repeats >= this.stuckBar()
            ? 'stuck'
            : undefined
    const bar = pointBar * deviation
    const result: BaselineResult = { anomalous: evidence !== undefined, score, expected, lower: expected - bar, upper: expected + bar, evidence }
    // A point not learnt from (a repeat of the last time, or late) is judged and leaves no trace.
    if (weight === 0) return result

    if (evidence && !this.episode) {
      this.episode = evidence
      this.peakPoint = 0
      this.peakRun = 0
      this.onsetPointBar = pointBar
      this.onsetRunBar = runBar
      if (evidence === 'stuck') this.stuckCap = 2 * this.stuckBar()
    }
    if (this.episode) {
      this.peakPoint = Math.max(this.peakPoint, Math.abs(score))
      this.peakRun = Math.max(this.peakRun, Math.abs(run))
    }
    if (!evidence && this.episode) {
      // An episode enters the series' record once, at most at the bar it crossed: frequent short
      // alarms raise the bar (they are what this series does), one long anomaly does not.
      this.pointTail.add(Math.min(this.peakPoint, this.onsetPointBar), true)
      this.runTail.add(Math.min(this.peakRun, this.onsetRunBar), true, this.density())
      this.episode = undefined
    }

    this.run = run
    if (!this.episode) {
      if (this.localN >= TAIL_WARM_POINTS) {
        const d = this.density()
        this.pointTail.add(Math.abs(score))
        this.runTail.add(Math.abs(run), false, d)
      }
      this.repeatRate += REPEAT_GAIN * ((repeats > 0 ? 1 : 0) - this.repeatRate)
    }
    this.confirmShift(value, score, k)
    return result
  }

  /** Repeats in a row that the series' own rate of repeats would produce with odds of STUCK_ODDS. */
  private stuckBar(): number {
    const odds = Math.log(STUCK_ODDS) / Math.log(Math.max(1e-3, Math.min(0.999, this.repeatRate)))
    return Math.max(odds, STUCK_RECORD_MARGIN * this.runRecord())
  }

  /** The longest run of repeats lately, fading by half every RUN_RECORD_HALF_LIFE_MS of data. */
  private runRecord(): number {
    return this.longestRun === 0 ? 0 : this.longestRun * Math.pow(2, -(this.dataMs - this.longestRunAt) / RUN_RECORD_HALF_LIFE_MS)
  }

  /** Points far off on one side, one after another: the level has moved, and the local model takes it at once. */
  private confirmShift(value: number, score: number, k: number): void {
    const side = score >= k ? 1 : score <= -k ? -1 : 0
    if (side !== 0 && side === this.shiftSide) {
      this.shiftCount++
      this.shiftSum += value
    } else {
      this.shiftSide = side
      this.shiftCount = side === 0 ? 0 : 1
      this.shiftSum = side === 0 ? 0 : value
    }
    if (this.shiftCount >= SHIFT_CONFIRM_POINTS) {
      this.level = this.shiftSum / this.shiftCount
      this.shiftSide = 0
      this.shiftCount = 0
      this.shiftSum = 0
      this.run = 0
    }
  }

  private trackErrors(value: number, seasonExpected: number, seasonDeviation: number): void {
    // Capped, so an anomaly does not decide which model is believed.
    const cap = 5 * Math.max(this.levelDev, seasonDeviation)
    const es = Math.min(cap, Math.abs(value - seasonExpected))
    const el = Math.min(cap, Math.abs(value - this.level))
    if (Number.isNaN(this.errSeason)) {
      this.errSeason = es
      this.errLocal = el
    } else {
      this.errSeason += ERROR_GAIN * (es - this.errSeason)
      this.errLocal += ERROR_GAIN * (el - this.errLocal)
    }
  }

  private learnLocal(value: number): void {
    if (this.localN === 0) {
      this.level = value
      this.levelDev = 0
      this.localN = 1
      return
    }
    this.localN++
    // A running average until there are enough points, then exponential; a point pulls the level at most learnClip deviations.
    const r = value - this.level
    const limit = this.learnClip * this.levelDev
    const pull = this.levelDev > 0 && this.localN > LOCAL_WARM_POINTS ? Math.max(-limit, Math.min(limit, r)) : r
    this.level += Math.max(1 / this.localN, LOCAL_GAIN) * pull
    this.levelDev += Math.max(1 / this.localN, LOCAL_DEV_GAIN) * (Math.abs(r) - this.levelDev)
  }

  /** The time a point stands for, in ms (0: not learnt from). */
  /** What one point of this series counts for in the tail's share and memory: its cadence in reference cadences, at most 1. */
  private density(): number {
    return Number.isNaN(this.cadence) ? 1 : Math.min(1, this.cadence / REFERENCE_CADENCE_MS)
  }

  private weightOf(ts: number): number {
    if (Number.isNaN(this.prevTs)) {
      this.prevTs = ts
      return 0 // nothing yet says how long the first point stands for
    }
    const gap = ts - this.prevTs
    if (gap <= 0) return 0
    this.prevTs = ts
    const g = Math.min(gap, this.season.slotMs)
    this.cadence = Number.isNaN(this.cadence) ? g : this.cadence + CADENCE_GAIN * (g - this.cadence)
    return Math.min(g, MAX_WEIGHT_CADENCES * this.cadence)
  }
}

/** A season slot's fields in `SeasonProfile.slots`: expected value at +0, deviation, ms learnt from. */
const SLOT_FIELDS = 3
const DEV = 1
const OCC = 2

/**
 * What the series usually does at this time of the day and of the week: per
 * slot an expected value and a deviation, moving averages over about
 * `memoryVisits` visits, interpolated between the two nearest slot centres.
 */
class SeasonProfile {
  readonly slotMs: number
  private readonly daySlots: number
  private readonly weekSlots: number
  private readonly slotTau: number
  private readonly overallTau: number
  private readonly trustMs: number
  private readonly warmMs: number
  private readonly learnClip: number
  private readonly quietFloor: number
  /**
   * Per slot, side by side (one cache line for what a slot is read and learnt
   * by): expected value, deviation, and ms of data learnt from. Day slots
   * first, then week slots.
   */
  private readonly slots: Float64Array
  private overallDev = 0
  private overallOcc = 0
  // The slots and weight of the last prediction, for learning the same point.
  private d0 = 0
  private d1 = 0
  private w0 = 0
  private w1 = 0
  private f = 0

  constructor(p: Required<BaselineParams>) {
    this.slotMs = p.slotMinutes * 60_000
    this.daySlots = Math.round(DAY_MS / this.slotMs)
    this.weekSlots = 7 * this.daySlots
    this.slotTau = p.memoryVisits * this.slotMs
    this.overallTau = p.memoryVisits * DAY_MS
    this.trustMs = p.weeklyTrustVisits * this.slotMs
    this.warmMs = p.warmupVisits * this.slotMs
    this.learnClip = p.learnClip
    this.quietFloor = p.quietFloor
    this.slots = new Float64Array(SLOT_FIELDS * (this.daySlots + this.weekSlots))
  }

  /** The expected value at the last predicted time, and its deviation. */
  expected = NaN
  deviation = NaN

  /** Sets `expected` and `deviation` at ts; false (and NaN) until both surrounding day slots are warm. */
  predict(ts: number): boolean {
    // The two week slots whose centres surround ts, and how far ts is from the first.
    const u = (((ts % WEEK_MS) + WEEK_MS) % WEEK_MS) / this.slotMs - 0.5
    const below = Math.floor(u)
    const f = (this.f = u - below)
    const w0 = (below + this.weekSlots) % this.weekSlots
    const w1 = (w0 + 1) % this.weekSlots
    const d0 = (this.d0 = SLOT_FIELDS * (w0 % this.daySlots))
    const d1 = (this.d1 = SLOT_FIELDS * (w1 % this.daySlots))
    const W0 = (this.w0 = SLOT_FIELDS * (this.daySlots + w0))
    const W1 = (this.w1 = SLOT_FIELDS * (this.daySlots + w1))
    const s = this.slots
    if (Math.min(s[d0 + OCC]!, s[d1 + OCC]!) < this.warmMs) {
      this.expected = this.deviation = NaN
      return false
    }
    let expected = s[d0]! + f * (s[d1]! - s[d0]!)
    let deviation = s[d0 + DEV]! + f * (s[d1 + DEV]! - s[d0 + DEV]!)
    const weekOcc = Math.min(s[W0 + OCC]!, s[W1 + OCC]!)
    if (weekOcc > 0) {
      const trust = weekOcc / (weekOcc + this.trustMs)
      expected += trust * (s[W0]! + f * (s[W1]! - s[W0]!) - expected)
      deviation += trust * (s[W0 + DEV]! + f * (s[W1 + DEV]! - s[W0 + DEV]!) - deviation)
    }
    this.expected = expected
    this.deviation = Math.max(deviation, this.quietFloor * this.overallDev)
    return true
  }

  /** Learns the point last predicted (predict must have been called with the same ts). */
  learn(value: number, weight: number): void {
    const near = weight * (1 - this.f)
    const far = weight * this.f
    if (near > 0) {
      this.learnSlot(this.d0, value, near)
      this.learnSlot(this.w0, value, near)
    }
    if (far > 0) {
      this.learnSlot(this.d1, value, far)
      this.learnSlot(this.w1, value, far)
    }
  }

  /** The series-wide deviation from the profile, the floor under a quiet slot's. */
  noteResidual(residual: number, weight: number): void {
    this.overallOcc += weight
    const a = Math.max(weight / this.overallOcc, -Math.expm1(-weight / this.overallTau))
    this.overallDev += a * (Math.abs(residual) - this.overallDev)
  }

  /** `at` is the slot's offset in `slots`. */
  private learnSlot(at: number, value: number, weight: number): void {
    const s = this.slots
    const before = s[at + OCC]!
    const total = (s[at + OCC] = before + weight)
    if (before === 0) {
      s[at] = value
      s[at + DEV] = 0
      return
    }
    // A running average until the slot has a memory's worth, then exponential.
    const a = Math.max(weight / total, -Math.expm1(-weight / this.slotTau))
    const m = s[at]!
    const d = s[at + DEV]!
    const r = value - m
    const limit = this.learnClip * d
    s[at] = m + a * (d > 0 ? Math.max(-limit, Math.min(limit, r)) : r)
    s[at + DEV] = d + a * (Math.abs(r) - d)
  }
}

const BINS = 28
/** Additions between recomputing a histogram's quantile: a handful of points barely moves it. */
const REFRESH_EVERY = 8
/** Bin b holds scores in [2^((b - 4) / 2), 2^((b - 3) / 2)): half-octaves from 0.25 to 2^12. */
const BIN_OFFSET = 4

/**
 * A decaying histogram of non-negative scores on a half-octave scale: how
 * large a score the series' recent points reach, as a tail quantile. Memory
 * in points (each point weighs e^(1/memory) more than the one before).
 */
class TailHistogram {
  private readonly counts = new Float64Array(BINS)
  private total = 0
  private gain = 1
  /** The last quantile and the share it was computed for; recomputed every few additions (it moves slowly). */
  private cachedP = NaN
  private cached = 0
  private stale = 0
  private readonly growth: number

  constructor(memory: number) {
    this.growth = Math.exp(1 / memory)
  }

  /** `w`: what the point counts for (a share of a reference point); older ones fade by that much. */
  add(x: number, now = false, w = 1): void {
    this.stale = now ? REFRESH_EVERY : this.stale + 1
    const b = Math.max(0, Math.min(BINS - 1, Math.floor(2 * Math.log2(Math.max(x, 1e-9))) + BIN_OFFSET))
    this.gain *= w === 1 ? this.growth : Math.pow(this.growth, w)
    this.counts[b]! += this.gain
    this.total += this.gain
    if (this.gain > 1e200) {
      for (let i = 0; i < BINS; i++) this.counts[i]! /= this.gain
      this.total /= this.gain
      this.gain = 1
    }
  }

  /** The score a share p of recent points exceeded (log-interpolated within its bin); 0 before any. */
  quantile(p: number): number {
    if (p === this.cachedP && this.stale < REFRESH_EVERY) return this.cached
    this.cachedP = p
    this.stale = 0
    return (this.cached = this.compute(p))
  }

  private compute(p: number): number {
    if (this.total === 0) return 0
    const need = p * this.total
    let above = 0
    for (let b = BINS - 1; b > 0; b--) {
      const c = this.counts[b]!
      if (above + c >= need) return Math.pow(2, (b + 1 - BIN_OFFSET - (need - above) / c) / 2)
      above += c
    }
    return Math.pow(2, (1 - BIN_OFFSET) / 2)
  }
}
