import { describe, expect, it } from 'vitest'
import { BaselineParamsSchema, DEFAULT_BASELINE_PARAMS, type BaselineParams } from '../../common/baseline-params'
import { createRng, gaussian } from '../../common/random'
import { BaselineDetector, type BaselineResult } from './baseline-detector'

const MINUTE = 60_000
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

describe('BaselineDetector', () => {
  it('stays quiet while it warms up, whatever it is shown', () => {
    const det = detector()
    const rng = createRng(7)
    for (let ts = T0; ts < T0 + DAY; ts += 5 * MINUTE) {
      const r = det.update(ts, rng() < 0.1 ? 1e6 : dailyShape(ts))
      expect(r).toEqual({ anomalous: false, score: 0 })
    }
  })

  it.each([
    ['5 s', 5_000],
    ['5 min', 5 * MINUTE],
    ['1 h', HOUR],
  ])('warms up after about warmupVisits days, not a number of samples, at a %s cadence', (_name, step) => {
    const fed = feed(detector(), T0, T0 + 4 * DAY, step, dailyShape, 1)
    const firstWarm = fed.find((r) => r.expected !== undefined)!
    expect(firstWarm.ts - T0).toBeGreaterThanOrEqual(1.5 * DAY)
    expect(firstWarm.ts - T0).toBeLessThan(3 * DAY)
  })

  it('learns the daily season: the expected value follows it and normal days raise (almost) nothing', () => {
    const fed = feed(detector(), T0, T0 + 21 * DAY, 5 * MINUTE, dailyShape)
    const warm = fed.filter((r) => r.ts >= T0 + 7 * DAY)
    const worstMiss = Math.max(...warm.map((r) => Math.abs(r.expected! - dailyShape(r.ts))))
    expect(worstMiss).toBeLessThan(3)
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
    expect(atNight.anomalous).toBe(true)
    expect(atNight.score).toBeGreaterThan(5)
    expect(atNight.band![1]).toBeLessThan(80)
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
    expect(b.band![1] - b.band![0]).toBeGreaterThan(1.5 * (a.band![1] - a.band![0]))
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

  it('says anomalous exactly when the value is outside its band', () => {
    const fed = feed(detector(), T0, T0 + 10 * DAY, 5 * MINUTE, (ts) => dailyShape(ts) + (Math.floor(ts / HOUR) % 37 === 0 ? 30 : 0))
    const warm = fed.filter((r) => r.band)
    expect(warm.some((r) => r.anomalous)).toBe(true)
    for (const r of warm) expect(r.anomalous).toBe(r.value <= r.band![0] || r.value >= r.band![1])
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
      noisy.update(ts - HOUR, -1e6) // late
      expect(noisy.update(ts, Number.NaN)).toEqual({ anomalous: false, score: 0 })
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
