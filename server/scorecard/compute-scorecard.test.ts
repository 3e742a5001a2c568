import { describe, expect, it } from 'vitest'
import type { Scorecard } from '../../common/scorecard'
import type { RankingRow, SnapshotValue } from '../storage/indicator-queries'
import { testCatalog } from '../../test/fixtures/catalog'
import { computeScorecard, type ScorecardQueries } from './compute-scorecard'

const NOW = 1_800_000_000_000

const scorecard: Scorecard = {
  domains: [
    {
      domain: 'business',
      title: { zh: '营商环境指数', en: 'Business environment index' },
      weight: 1,
      indicators: [
        { indicator: 'biz.online_rate', weight: 3, target: { kind: 'level', value: 95 }, better: 'higher' },
        { indicator: 'biz.new_entities', weight: 1, target: { kind: 'yoyChange', percent: 5 }, better: 'higher' },
      ],
    },
    {
      domain: 'environment',
      title: { zh: '生态环境指数', en: 'Environmental quality index' },
      weight: 1,
      indicators: [{ indicator: 'env.aqi', weight: 1, target: { kind: 'level', value: 100 }, better: 'lower' }],
    },
  ],
}

/** Plain data in place of the engine, recording what was asked. */
function fakeQueries(values: SnapshotValue[], yoy: Record<string, Record<string, number | null>>) {
  const calls: Array<[string, unknown]> = []
  const queries: ScorecardQueries = {
    async snapshot(opts) {
      calls.push(['snapshot', opts])
      return { asOf: Math.max(...values.map((v) => v.ts)), values }
    },
    async ranking(opts) {
      calls.push(['ranking', opts])
      const rows = Object.entries(yoy[opts.indicator] ?? {}).map(([region, change]): RankingRow => ({ region, value: 0, ts: 0, mom: null, yoy: change }))
      return { rows, running: null, basis: { mom: null, yoy: null } }
    },
  }
  return { queries, calls }
}

const v = (indicator: string, region: string, value: number, ts = NOW - 60_000): SnapshotValue => ({ indicator, region, value, ts })

describe('computeScorecard', () => {
  it('reads the values from one snapshot and the year-on-year changes from the ranking, and ranks the regions', async () => {
    const { queries, calls } = fakeQueries(
      [
        v('biz.online_rate', '990100', 76), // 80
        v('biz.new_entities', '990100', 40), // yoy +10 % → 100
        v('env.aqi', '990100', 125, NOW - 5_000), // 80
        v('biz.online_rate', '990200', 95), // 100
        v('biz.new_entities', '990200', 12), // yoy −25 % → 75 / 1.05
        v('env.aqi', '990200', 50), // 100
      ],
      // A yoy for a region without a snapshot value adds nothing.
      { 'biz.new_entities': { '990100': 10, '990200': -25, '990101': 50 } },
    )
    const reply = await computeScorecard({ index: testCatalog(), scorecard, queries, now: () => NOW }, { level: 'city' })

    expect(calls).toEqual([
      ['snapshot', { level: 'city', parent: '990000', indicators: ['biz.online_rate', 'biz.new_entities', 'env.aqi'] }],
      ['ranking', { indicator: 'biz.new_entities', level: 'city', parent: '990000', now: NOW, compare: 'days' }], // only year-on-year targets
    ])
    expect(reply.asOf).toBe(NOW - 5_000)
    const yiBusiness = (3 * 100 + (100 * 0.75) / 1.05) / 4
    expect(reply.regions.map((r) => [r.region, r.name.en, r.overall])).toEqual([
      ['990200', 'Yi', expect.closeTo((yiBusiness + 100) / 2, 10)],
      ['990100', 'Jia', expect.closeTo(((3 * 80 + 100) / 4 + 80) / 2, 10)],
    ])
    const jia = reply.regions[1]!
    expect(jia.domains[0]!.indicators[1]).toMatchObject({ indicator: 'biz.new_entities', value: 40, yoy: 10, normalised: 100 })
    expect(jia.domains[1]!.indicators[0]).toMatchObject({ indicator: 'env.aqi', value: 125, ts: NOW - 5_000, normalised: 80 })
  })

  it('scores every region of the scope, those without data last with coverage 0', async () => {
    const { queries } = fakeQueries([v('env.aqi', '990102', 200)], {})
    const reply = await computeScorecard({ index: testCatalog(), scorecard, queries, now: () => NOW }, { level: 'county', parent: '990100' })
    expect(reply.regions.map((r) => [r.region, r.overall, r.coverage])).toEqual([
      ['990102', 50, 0.5], // only the environment domain (weight 1 of 2) has a value
      ['990101', null, 0],
    ])
  })
})
