import { describe, expect, it } from 'vitest'
import type { RegionScorecard } from '../../../common/scorecard-schema'
import { rankLive, rescoreLive } from './live-figures'

const polled: RegionScorecard = {
  region: '440300',
  name: { zh: '深圳市', en: 'Shenzhen' },
  overall: 50,
  coverage: 1,
  domains: [
    {
      domain: 'business',
      title: { zh: '营商环境', en: 'Business' },
      weight: 1,
      score: 50,
      coverage: 1,
      indicators: [
        { indicator: 'biz.online_rate', value: 45, ts: 1, target: { kind: 'level', value: 90 }, better: 'higher', normalised: 50, weight: 1, contribution: 25 },
        { indicator: 'biz.new_entities', value: 10, ts: 1, target: { kind: 'yoyChange', percent: 5 }, better: 'higher', yoy: 5, normalised: 100, weight: 1, contribution: 50 },
      ],
    },
  ],
}

describe('the scorecard on the live tick', () => {
  it('scores the live value the card shows, keeping targets, weights and the year-on-year change', () => {
    const live = rescoreLive(polled, (code) => (code === 'biz.online_rate' ? { value: 90, ts: 2 } : undefined))
    const business = live.domains[0]!
    expect(business.indicators[0]).toMatchObject({ value: 90, ts: 2, normalised: 100 })
    // No live value: the answer's own, with its yoy.
    expect(business.indicators[1]).toMatchObject({ value: 10, yoy: 5, normalised: 100 })
    expect(business.score).toBe(100)
    expect(live.overall).toBe(100)
  })

  it('is the answer itself when nothing live differs', () => {
    const same = rescoreLive(polled, () => undefined)
    expect(same.domains[0]!.score).toBeCloseTo(75, 9)
    expect(same.domains[0]!.indicators.map((i) => i.normalised)).toEqual([50, 100])
  })
})

describe('the ranking on the live tick', () => {
  const regions = [
    { code: 'a', name: { zh: '甲', en: 'A' } },
    { code: 'b', name: { zh: '乙', en: 'B' } },
    { code: 'c', name: { zh: '丙', en: 'C' } },
    { code: 'd', name: { zh: '丁', en: 'D' } },
  ]
  const values: Record<string, number> = { a: 330, b: 37, c: 37 }

  it('ranks by the values the map shows, lower first when lower is better, equal values sharing a rank', () => {
    const rows = rankLive(regions, 'lower', (code) => (values[code] === undefined ? undefined : { value: values[code], ts: 0 }))
    expect(rows.map((r) => [r.region, r.rank, r.value])).toEqual([
      ['b', 1, 37],
      ['c', 1, 37],
      ['a', 3, 330],
    ])
  })

  it('puts the highest first when higher is better and carries known changes', () => {
    const rows = rankLive(regions, 'higher', (code) => (values[code] === undefined ? undefined : { value: values[code], ts: 0 }), new Map([['a', { mom: 2, yoy: null }]]))
    expect(rows[0]).toMatchObject({ region: 'a', rank: 1, mom: 2, yoy: null })
    expect(rows[1]).toMatchObject({ mom: null })
  })
})
