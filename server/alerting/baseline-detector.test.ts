import { describe, expect, it } from 'vitest'
import { BaselineParamsSchema, DEFAULT_BASELINE_PARAMS, type BaselineParams } from '../../common/baseline-params'
import { createRng, gaussian } from '../../common/random'
import { BaselineDetector, type BaselineResult } from './baseline-detector'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** A Monday, 00:00 UTC. */
const T0 = Date.UTC(2024, 0, 1)

/** Quiet nights, busy afternoons: 20 at 03:00, 80 at 15:00. */
const dailyShape = (ts: number) => 50 - 30 * Math.cos((2 * Math.PI * (((ts % DAY) / HOUR - 3) % 24)) / 24)
/** The daily shape on weekdays, 40 % lower at weekends (T0 is a Monday). */
const weeklyShape = (ts: number) => dailyShape(ts) * (Math.floor((ts - T0) / DAY) % 7 >= 5 ? 0.6 : 1)

interface Fed extends BaselineResult {
  ts: number
  value: number
}

/** Feeds signal + seeded Gaussian noise from `from` (inclusive) to `to` (exclusive) every `step` ms. */
function feed(det: BaselineDetector, from: number, to: number, step: number, signal: (ts: number) => number, noise = 2, seed = 1): Fed[] {
  const rng = createRng(seed)
  const out: Fed[] = []
  for (let ts = from; ts < to; ts += step) {
    const value = signal(ts) + noise * gaussian(rng)
    out.push({ ts, value, ...det.update(ts, value) })
  }
  return out
}

const detector = (params: BaselineParams = {}) => new BaselineDetector(params)

/** A series as rows, with the rows a person would call anomalous. */
interface Case {
  ts: number[]
  values: number[]
  /** Where each labelled anomaly starts; [] when the series is benign. */
  anomalies: number[]
}

/** Rows where an episode begins (anomalous after a point that was not): what raises an alert. */
function onsets(c: Case, det = detector()): number[] {
  const out: number[] = []
  let before = false
  for (let i = 0; i < c.ts.length; i++) {
    const r = det.update(c.ts[i]!, c.values[i]!)
    if (r.anomalous && !before) out.push(i)
    before = r.anomalous
  }
  return out
}

/** Factories of seeded test series: `rows` points every `step` ms around `level`, noise `noise`. */
function flat(seed: number, rows: number, step: number, level = 100, noise = 2): Case {
  const rng = createRng(seed)
  const ts = Array.from({ length: rows }, (_, i) => T0 + i * step)
  return { ts, values: ts.map(() => level + noise * gaussian(rng)), anomalies: [] }
}

function withSpike(c: Case, at: number, size: number, width = 1): Case {
  const values = c.values.map((v, i) => (i >= at && i < at + width ? v + size : v))
  return { ...c, values, anomalies: [...c.anomalies, at] }
}

function withShift(c: Case, at: number, size: number): Case {
  return { ...c, values: c.values.map((v, i) => (i >= at ? v + size : v)), anomalies: [...c.anomalies, at] }
}

/** Counts per 5 minutes, Poisson around a daily rhythm, with frequent benign bursts (a few points, up to 5× the rate). */
function burstyCounts(seed: number, days: number, viralAt?: number): Case {
  const rng = createRng(seed)
  const rows = days * 288
  const ts = Array.from({ length: rows }, (_, i) => T0 + i * 5 * MINUTE)
  let burst = 0
  let viral = 0
  const values = ts.map((t, i) => {
    const rate = 30 * (1 + 0.6 * Math.sin((2 * Math.PI * t) / DAY))
    if (rng() < 0.008) burst += rate * 4 * rng()
    if (i === viralAt) viral = 600
    const mean = rate + burst + viral
    burst *= 0.5
    viral *= 0.97
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)))
  })
  return { ts, values, anomalies: viralAt === undefined ? [] : [viralAt] }
}

/** Counts per 5 minutes that rest at 0 from 01:00 to 05:00 every night: long runs of one value that are normal. */
function restingCounter(seed: number, days: number): Case {
  const rng = createRng(seed)
  const ts = Array.from({ length: days * 288 }, (_, i) => T0 + i * 5 * MINUTE)
  const values = ts.map((t) => {
    const hour = (t % DAY) / HOUR
    return hour >= 1 && hour < 5 ? 0 : Math.max(0, Math.round(20 + Math.sqrt(20) * gaussian(rng)))
  })
  return { ts, values, anomalies: [] }
}

/** A sensor that freezes at its last reading for `length` points from `at`. */
function withStuck(c: Case, at: number, length: number): Case {
  const values = c.values.map((v, i) => (i >= at && i < at + length ? c.values[at - 1]! : v))
  return { ...c, values, anomalies: [...c.anomalies, at] }
}

/** Removes `length` rows from `at` (a link down): time jumps, values carry on. */
function withGap(c: Case, at: number, length: number): Case {
  const keep = (_: unknown, i: number) => i < at || i >= at + length
  return { ts: c.ts.filter(keep), values: c.values.filter(keep), anomalies: c.anomalies.map((a) => (a >= at + length ? a - length : a)) }
}

describe('BaselineDetector', () => {
  it('stays quiet until it has seen a few dozen points, whatever it is shown', () => {
    const det = detector()
    const rng = createRng(7)
    for (let i = 0; i < 30; i++) {
      const r = det.update(T0 + i * MINUTE, rng() < 0.2 ? 1e6 : 100)
      expect(r.anomalous).toBe(false)
      expect(r.expected).toBeUndefined()
    }
  })

  it.each([
    ['5 s', 5 * SECOND],
    ['5 min', 5 * MINUTE],
    ['1 h', HOUR],
  ])('learns the season in days, not in samples, at a %s cadence, and judges by the local level until then', (_name, step) => {
    const fed = feed(detector(), T0, T0 + 10 * DAY, step, dailyShape, 1)
    const judged = fed.findIndex((r) => r.expected !== undefined)
    expect(judged).toBeLessThanOrEqual(30)
    // After a week the expected value is the season's: right at each hour, not lagging behind it.
    const late = fed.filter((r) => r.ts >= T0 + 7 * DAY)
    expect(Math.max(...late.map((r) => Math.abs(r.expected! - dailyShape(r.ts))))).toBeLessThan(3)
  })

  it('learns the daily season: normal days raise (almost) nothing', () => {
    const fed = feed(detector(), T0, T0 + 21 * DAY, 5 * MINUTE, dailyShape)
    const warm = fed.filter((r) => r.ts >= T0 + 7 * DAY)
    expect(warm.filter((r) => r.anomalous).length / warm.length).toBeLessThan(0.001)
  })

  it('judges a value by its time of day: noon traffic at 3 a.m. is anomalous, at 3 p.m. it is not', () => {
    const det = detector()
    feed(det, T0, T0 + 14 * DAY, 5 * MINUTE, dailyShape)
    const night = T0 + 14 * DAY + 3 * HOUR
    const afternoon = T0 + 14 * DAY + 15 * HOUR
    feed(det, T0 + 14 * DAY, night, 5 * MINUTE, dailyShape)
    const atNight = det.update(night, 80)
    feed(det, night + 5 * MINUTE, afternoon, 5 * MINUTE, dailyShape)
    const inAfternoon = det.update(afternoon, 80)
    expect(atNight).toMatchObject({ anomalous: true, evidence: 'point' })
    expect(atNight.score).toBeGreaterThan(5)
    expect(atNight.upper!).toBeLessThan(80)
    expect(inAfternoon.anomalous).toBe(false)
  })

  it('learns the weekly season: once it has seen a few weekends, a quiet Saturday is normal and a weekday-busy one is not', () => {
    const det = detector()
    const fed = feed(det, T0, T0 + 35 * DAY, 10 * MINUTE, weeklyShape)
    const weekendsLater = fed.filter((r) => r.ts >= T0 + 26 * DAY && r.ts < T0 + 28 * DAY)
    expect(weekendsLater.filter((r) => r.anomalous)).toHaveLength(0)
    // Saturday of week 6, 15:00: 48 is usual, 80 (a weekday's afternoon) is not.
    const saturday = T0 + 40 * DAY
    feed(det, T0 + 35 * DAY, saturday + 15 * HOUR, 10 * MINUTE, weeklyShape)
    const r = det.update(saturday + 15 * HOUR + 10 * MINUTE, 80)
    expect(r.expected!).toBeLessThan(60)
    expect(r.anomalous).toBe(true)
  })

  it('gives a spiky series a wider band than a calm one, so the same threshold suits both', () => {
    const spiky = (ts: number) => dailyShape(ts) + (Math.floor(ts / (5 * MINUTE)) % 11 === 0 ? 25 : 0)
    const calm = detector()
    const rough = detector()
    feed(calm, T0, T0 + 10 * DAY, 5 * MINUTE, dailyShape)
    feed(rough, T0, T0 + 10 * DAY, 5 * MINUTE, spiky)
    const at = T0 + 10 * DAY + 15 * HOUR
    const bump = dailyShape(at) + 12
    const a = calm.update(at, bump)
    const b = rough.update(at, bump)
    expect(b.upper! - b.lower!).toBeGreaterThan(1.5 * (a.upper! - a.lower!))
    expect(a.anomalous).toBe(true)
    expect(b.anomalous).toBe(false)
  })

  it.each([
    ['both', +40, true],
    ['both', -40, true],
    ['above', +40, true],
    ['above', -40, false],
    ['below', +40, false],
    ['below', -40, true],
  ] as const)('direction %s: a jump of %d is anomalous: %s', (direction, jump, expected) => {
    const det = detector({ direction })
    feed(det, T0, T0 + 7 * DAY, 5 * MINUTE, dailyShape)
    const at = T0 + 7 * DAY
    const r = det.update(at, dailyShape(at) + jump)
    expect(r.anomalous).toBe(expected)
    expect(Math.sign(r.score)).toBe(Math.sign(jump))
  })

  it('calls a point outside its band anomalous on its own; inside it, only a run off to one side or a stuck value', () => {
    const fed = feed(detector(), T0, T0 + 10 * DAY, 5 * MINUTE, (ts) => dailyShape(ts) + (Math.floor(ts / HOUR) % 37 === 0 ? 30 : 0))
    const warm = fed.filter((r) => r.expected !== undefined)
    expect(warm.some((r) => r.evidence === 'point')).toBe(true)
    for (const r of warm) {
      const outside = r.value <= r.lower! || r.value >= r.upper!
      if (outside) expect(r).toMatchObject({ anomalous: true, evidence: 'point' })
      else if (r.anomalous) expect(r.evidence).not.toBe('point')
    }
  })

  it('is not dragged by one outlier: the baseline barely moves and the next normal point is normal', () => {
    const det = detector()
    feed(det, T0, T0 + 7 * DAY, 5 * MINUTE, dailyShape)
    const at = T0 + 7 * DAY + 12 * HOUR
    const before = det.update(at, dailyShape(at))
    expect(det.update(at + 5 * MINUTE, 1e6).anomalous).toBe(true)
    const after = det.update(at + 10 * MINUTE, dailyShape(at + 10 * MINUTE))
    expect(after.anomalous).toBe(false)
    expect(Math.abs(after.expected! - before.expected!)).toBeLessThan(2)
  })

  it('does not learn from repeated, late or non-finite points', () => {
    const clean = detector()
    const noisy = detector()
    const a = feed(clean, T0, T0 + 5 * DAY, 5 * MINUTE, dailyShape)
    const b: Fed[] = []
    const rng = createRng(1)
    for (let ts = T0; ts < T0 + 5 * DAY; ts += 5 * MINUTE) {
      const value = dailyShape(ts) + 2 * gaussian(rng)
      b.push({ ts, value, ...noisy.update(ts, value) })
      noisy.update(ts, 1e6) // a repeat
      noisy.update(ts - 55 * MINUTE, -1e6) // late
      expect(noisy.update(ts, Number.NaN)).toMatchObject({ anomalous: false, score: 0, expected: undefined })
    }
    expect(b).toEqual(a)
  })

  it('keeps a quiet hour from alerting on a small blip (quietFloor)', () => {
    // Dead quiet from 01:00 to 05:00, busy otherwise.
    const shape = (ts: number) => {
      const h = (ts % DAY) / HOUR
      return h >= 1 && h < 5 ? 0 : 50 + 10 * Math.sin(ts / HOUR)
    }
    const fed = (quietFloor: number) => {
      const det = detector({ quietFloor })
      const rng = createRng(3)
      for (let ts = T0; ts < T0 + 7 * DAY; ts += 5 * MINUTE) det.update(ts, shape(ts) === 0 ? 0 : shape(ts) + 3 * gaussian(rng))
      return det.update(T0 + 7 * DAY + 3 * HOUR, 1)
    }
    expect(fed(0).anomalous).toBe(true)
    expect(fed(DEFAULT_BASELINE_PARAMS.quietFloor).anomalous).toBe(false)
  })

  it('is deterministic', () => {
    const a = feed(detector(), T0, T0 + 3 * DAY, 5 * MINUTE, weeklyShape, 5, 9)
    const b = feed(detector(), T0, T0 + 3 * DAY, 5 * MINUTE, weeklyShape, 5, 9)
    expect(a).toEqual(b)
  })
})

/**
 * One row per shape: a seeded series, where its anomaly is (if any), and what
 * the detector must do with it — find it within `within` points of its start,
 * and raise no more than `maxOnsets` episodes over the whole series.
 */
const SHAPES: Array<[name: string, make: () => Case, within: number, maxOnsets: number]> = [
  ['a spike on a calm 1-minute series', () => withSpike(flat(1, 3000, MINUTE), 2000, 20), 0, 2],
  ['a three-point dip on a 5-second series with no day behind it', () => withSpike(flat(2, 5000, 5 * SECOND), 4000, -16, 3), 0, 2],
  ['a level shift up, kept for good', () => withShift(flat(3, 4000, 5 * MINUTE), 2500, 20), 6, 2],
  ['a level shift down, kept for good', () => withShift(flat(4, 4000, 5 * MINUTE), 2500, -20), 6, 2],
  ['a smaller shift (4 σ), found as a run rather than a point', () => withShift(flat(5, 4000, MINUTE), 3000, 8), 12, 2],
  [
    'a steady trend (normal growth) with one spike on it',
    () => withSpike({ ...flat(6, 4000, 10 * MINUTE), values: flat(6, 4000, 10 * MINUTE).values.map((v, i) => v + (60 * i) / 4000) }, 3000, 24),
    0,
    2,
  ],
  // 8,640 points with a benign burst every ~125: a handful of the largest still alert (one per 500 points at most), not dozens.
  ['bursty counts with frequent benign bursts and no real anomaly', () => burstyCounts(7, 30), 0, 17],
  ['bursty counts with a viral burst, 20 times the usual rate, fading over hours', () => burstyCounts(8, 30, 6000), 1, 17],
  ['a sensor stuck at its last value for 100 points', () => withStuck(flat(9, 3000, MINUTE), 2000, 100), 20, 2],
  ['a counter that rests at 0 for four hours every night (long repeats that are normal, not stuck)', () => restingCounter(14, 14), 0, 2],
  ['gaps of a few hours to a day (benign), then a spike', () => withSpike(withGap(withGap(flat(10, 6000, 5 * MINUTE), 1500, 60), 3000, 288), 5000, 20), 0, 2],
]

describe('BaselineDetector, per shape', () => {
  it.each(SHAPES)('%s', (_name, make, within, maxOnsets) => {
    const c = make()
    const found = onsets(c)
    for (const at of c.anomalies) expect(found.some((o) => o >= at && o <= at + within)).toBe(true)
    expect(found.length).toBeLessThanOrEqual(maxOnsets)
  })

  it('after a level shift, learns the new level within a few points instead of alarming for hours', () => {
    const c = withShift(flat(11, 3000, 5 * MINUTE), 2000, 30)
    const det = detector()
    const results = c.ts.map((t, i) => det.update(t, c.values[i]!))
    expect(results.slice(2000, 2012).some((r) => r.anomalous)).toBe(true)
    expect(results.slice(2020).filter((r) => r.anomalous)).toHaveLength(0)
    expect(Math.abs(results[2100]!.expected! - 130)).toBeLessThan(2)
  })

  it('out of order rows: a row older than the last is judged but not learnt from, and rows sent again change nothing', () => {
    const c = withSpike(flat(12, 3000, 5 * MINUTE), 2500, 20)
    const inOrder = detector()
    const disordered = detector()
    for (let i = 0; i < c.ts.length; i++) {
      const a = inOrder.update(c.ts[i]!, c.values[i]!)
      const b = disordered.update(c.ts[i]!, c.values[i]!)
      expect(b).toEqual(a)
      if (i % 500 === 499) {
        // The clock steps back 55 minutes for one row, then a batch of the last 10 rows is sent again.
        const late = disordered.update(c.ts[i]! - 55 * MINUTE, c.values[i - 11]!)
        expect(late.anomalous).toBe(false)
        for (let k = i - 9; k <= i; k++) disordered.update(c.ts[k]!, c.values[k]!)
      }
    }
  })

  it('a 5-second series with no daily season is judged from its first minutes, not after two days', () => {
    const c = withSpike(flat(13, 2000, 5 * SECOND, 40, 1), 1000, 12)
    expect(onsets(c)).toEqual([1000])
  })
})

describe('BaselineParamsSchema', () => {
  it('accepts no parameters at all (the defaults apply)', () => {
    expect(BaselineParamsSchema.parse({})).toEqual({})
  })

  it.each([
    [{ threshold: 0 }, 'threshold'],
    [{ threshold: 'high' }, 'threshold'],
    [{ slotMinutes: 7 }, 'slotMinutes'],
    [{ slotMinutes: 2880 }, 'slotMinutes'],
    [{ memoryVisits: 0.5 }, 'memoryVisits'],
    [{ direction: 'up' }, 'direction'],
    [{ quietFloor: 2 }, 'quietFloor'],
    [{ window: 5 }, ''],
  ])('rejects %j, naming the field', (params, field) => {
    const r = BaselineParamsSchema.safeParse(params)
    expect(r.success).toBe(false)
    const issue = r.error!.issues[0]!
    if (field) expect(issue.path).toEqual([field])
    else expect(issue.code).toBe('unrecognized_keys')
  })
})
