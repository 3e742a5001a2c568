import { describe, expect, it } from 'vitest'
import type { Target } from './catalog-schema'
import {
  compareRegionScorecards,
  normalise,
  scoreDomain,
  scoreRegion,
  type Reading,
  type Scorecard,
  type ScorecardDomain,
} from './scorecard'
import type { RegionScorecard } from './scorecard-schema'

const level = (value: number): Target => ({ kind: 'level', value })
const yoyChange = (percent: number): Target => ({ kind: 'yoyChange', percent })

describe('normalise', () => {
  it.each([
    // higher is better, level target 95: the share of the target reached, capped at 100
    ['higher', 95, 76, 80],
    ['higher', 95, 95, 100],
    ['higher', 95, 99, 100],
    ['higher', 95, 0, 0],
    ['higher', 95, -5, 0],
    // lower is better, level target 1 (day): target over value, capped at 100
    ['lower', 1, 2.5, 40],
    ['lower', 1, 4, 25],
    ['lower', 1, 1, 100],
    ['lower', 1, 0.5, 100],
    ['lower', 1, 0, 100], // guard: no division by zero, zero days is at target
  ] as const)('level target, %s is better: target %d, value %d → %d', (better, target, value, expected) => {
    expect(normalise(level(target), better, { value })).toBeCloseTo(expected, 10)
  })

  it.each([
    // higher is better, +5 % a year: (1 + yoy/100) against 1.05
    ['higher', 5, -25, (100 * 0.75) / 1.05],
    ['higher', 5, 5, 100],
    ['higher', 5, 120, 100],
    ['higher', 5, -100, 0],
    ['higher', 5, -150, 0], // an impossible fall is clamped to "nothing left"
    // lower is better, −10 % a year: 0.9 against (1 + yoy/100)
    ['lower', -10, 20, 75],
    ['lower', -10, -5, (100 * 0.9) / 0.95],
    ['lower', -10, -10, 100],
    ['lower', -10, -100, 100],
  ] as const)('yoyChange target, %s is better: target %d %%, yoy %d %% → %d', (better, percent, yoy, expected) => {
    // The latest value plays no part: a count's size depends on the region, its change does not.
    expect(normalise(yoyChange(percent), better, { value: 123456, yoy })).toBeCloseTo(expected, 10)
  })

  it('cannot score what is not there', () => {
    expect(normalise(level(95), 'higher', undefined)).toBeNull()
    expect(normalise(yoyChange(5), 'higher', { value: 40 })).toBeNull()
    expect(normalise(yoyChange(5), 'higher', { value: 40, yoy: null })).toBeNull()
  })

  it('refuses targets a ratio cannot use', () => {
    expect(() => normalise(level(0), 'higher', { value: 1 })).toThrow(/positive/)
    expect(() => normalise(yoyChange(-100), 'lower', { value: 1, yoy: 0 })).toThrow(/positive/)
  })
})

/** Business domain of the examples: weights 3 / 1 / 1. */
function business(weights: [number, number, number] = [3, 1, 1]): ScorecardDomain {
  return {
    domain: 'business',
    title: { zh: '营商环境指数', en: 'Business environment index' },
    weight: 2,
    indicators: [
      { indicator: 'biz.online_rate', weight: weights[0], target: level(95), better: 'higher' },
      { indicator: 'biz.startup_days', weight: weights[1], target: level(1), better: 'lower' },
      { indicator: 'biz.new_entities', weight: weights[2], target: yoyChange(5), better: 'higher' },
    ],
  }
}

const full: Record<string, Reading> = {
  'biz.online_rate': { value: 85.5, ts: 1000 }, // 85.5 / 95 → 90
  'biz.startup_days': { value: 2.5, ts: 2000 }, // 1 / 2.5 → 40
  'biz.new_entities': { value: 40, ts: 3000, yoy: 100 }, // 2.0 ≥ 1.05 → 100
}
const lookup = (readings: Record<string, Reading>) => (code: string) => readings[code]

describe('scoreDomain', () => {
  it('is the weighted mean of the normalised scores, and the contributions add up to it', () => {
    const d = scoreDomain(business(), lookup(full))
    expect(d.score).toBeCloseTo((3 * 90 + 1 * 40 + 1 * 100) / 5, 10) // 82
    expect(d.coverage).toBe(1)
    expect(d.indicators.map((i) => [i.indicator, i.normalised, i.contribution])).toEqual([
      ['biz.online_rate', expect.closeTo(90, 10), expect.closeTo(54, 10)],
      ['biz.startup_days', expect.closeTo(40, 10), expect.closeTo(8, 10)],
      ['biz.new_entities', 100, expect.closeTo(20, 10)],
    ])
    // What a leader opens to see what drives the number.
    expect(d.indicators[1]).toEqual({
      indicator: 'biz.startup_days',
      value: 2.5,
      ts: 2000,
      target: level(1),
      better: 'lower',
      normalised: expect.closeTo(40, 10),
      weight: 1,
      contribution: expect.closeTo(8, 10),
    })
    expect(d.indicators[1]).not.toHaveProperty('yoy') // only year-on-year targets carry it
    expect(d.indicators[2]!.yoy).toBe(100)
  })

  it('depends only on the ratios of the weights', () => {
    expect(scoreDomain(business([30, 10, 10]), lookup(full)).score).toBeCloseTo(82, 10)
    expect(scoreDomain(business([1, 1, 1]), lookup(full)).score).toBeCloseTo((90 + 40 + 100) / 3, 10)
  })

  it('leaves out an indicator without a value, renormalises the rest and reports the coverage', () => {
    const { 'biz.startup_days': _, ...rest } = full
    const d = scoreDomain(business(), lookup(rest))
    expect(d.score).toBeCloseTo((3 * 90 + 1 * 100) / 4, 10) // 92.5, not (270 + 100) / 5
    expect(d.coverage).toBeCloseTo(4 / 5, 10)
    expect(d.indicators[1]).toMatchObject({ value: null, ts: null, normalised: null, contribution: null, weight: 1 })
    expect(d.indicators[0]!.contribution! + d.indicators[2]!.contribution!).toBeCloseTo(d.score!, 10)
  })

  it('leaves out a year-on-year indicator that has a value but no year-ago value', () => {
    const d = scoreDomain(business(), lookup({ ...full, 'biz.new_entities': { value: 40, ts: 3000, yoy: null } }))
    expect(d.score).toBeCloseTo((3 * 90 + 1 * 40) / 4, 10) // 77.5
    expect(d.coverage).toBeCloseTo(0.8, 10)
    expect(d.indicators[2]).toMatchObject({ value: 40, yoy: null, normalised: null, contribution: null })
  })

  it('has no score, and coverage 0, without any value', () => {
    const d = scoreDomain(business(), () => undefined)
    expect(d.score).toBeNull()
    expect(d.coverage).toBe(0)
  })
})

describe('scoreRegion', () => {
  const environment: ScorecardDomain = {
    domain: 'environment',
    title: { zh: '生态环境指数', en: 'Environmental quality index' },
    weight: 1,
    indicators: [{ indicator: 'env.aqi', weight: 1, target: level(100), better: 'lower' }],
  }
  const traffic: ScorecardDomain = {
    domain: 'traffic',
    title: { zh: '交通运行指数', en: 'Traffic performance index' },
    weight: 1,
    indicators: [{ indicator: 'traffic.bus_punctuality', weight: 1, target: level(90), better: 'higher' }],
  }
  const scorecard: Scorecard = { domains: [business(), environment, traffic] }
  const region = { code: '990100', name: { zh: '甲市', en: 'Jia' } }

  it('weights the domain scores present by the domain weights', () => {
    const r = scoreRegion(scorecard, region, lookup({ ...full, 'env.aqi': { value: 111.1111111111111, ts: 4000 } }))
    // business 82 (weight 2), environment 100/111.1 → 90 (weight 1), traffic none
    expect(r.domains.map((d) => d.score)).toEqual([expect.closeTo(82, 10), expect.closeTo(90, 10), null])
    expect(r.overall).toBeCloseTo((2 * 82 + 1 * 90) / 3, 10)
    expect(r.coverage).toBeCloseTo((2 * 1 + 1 * 1 + 1 * 0) / 4, 10)
    expect(r).toMatchObject({ region: '990100', name: { zh: '甲市', en: 'Jia' } })
  })

  it('has no overall score without any value', () => {
    const r = scoreRegion(scorecard, region, () => undefined)
    expect(r.overall).toBeNull()
    expect(r.coverage).toBe(0)
    expect(r.domains).toHaveLength(3)
  })
})

describe('compareRegionScorecards', () => {
  const card = (region: string, overall: number | null, coverage: number): RegionScorecard => ({
    region,
    name: { zh: region, en: region },
    overall,
    coverage,
    domains: [],
  })

  it('puts the best overall first, then the better coverage, then the code; no score last', () => {
    const sorted = [card('A', null, 0), card('B', 80, 1), card('C', 95, 0.5), card('D', 95, 1), card('E', 80, 1)].sort(
      compareRegionScorecards,
    )
    expect(sorted.map((c) => c.region)).toEqual(['D', 'C', 'B', 'E', 'A'])
  })
})
