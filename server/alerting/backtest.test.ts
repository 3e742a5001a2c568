import { describe, expect, it } from 'vitest'
import { testCatalog } from '../../test/fixtures/catalog'
import { testRule } from '../../test/fixtures/rules'
import { backtestRefusal, backtestSeries, backtestStep, MAX_BACKTEST_SERIES, runBacktest } from './backtest'

const index = testCatalog()
const DAY = 86_400_000
const NOW = Date.parse('2026-12-05T12:00:00+08:00')

describe('what a backtest reads', () => {
  it('covers the series the live engine would: stations of a kind, regions reporting alone, or aggregates', () => {
    expect(backtestSeries(index, testRule()).stations.map((s) => s.code).toSorted()).toEqual(['AQ-990101-01', 'AQ-990200-01'])
    expect(backtestSeries(index, testRule({ scope: { level: 'city' } }))).toEqual({ stations: [], rawRegions: [], aggregates: ['990100', '990200'] })
    // biz.online_rate is reported by regions: a leaf reports alone, a city is an aggregate.
    const leaves = backtestSeries(index, testRule({ indicator: 'biz.online_rate', scope: { level: 'leaf' } }))
    expect([leaves.rawRegions.toSorted(), leaves.aggregates]).toEqual([['990101', '990102', '990200'], []])
  })

  it.each([
    ['a day of 500 series by the minute', 1, 500, '1m'],
    ['30 days of 500 series by the hour (minutes would be 21.6 million)', 30, 500, '1h'],
    ['92 days of 2,000 series by the day', 92, 2000, '1d'],
  ] as const)('reads %s', (_what, days, series, step) => {
    expect(backtestStep({ from: NOW - days * DAY, to: NOW }, series, NOW)).toBe(step)
  })

  it('reads hours where minute rollups are no longer kept', () => {
    expect(backtestStep({ from: NOW - 60 * DAY, to: NOW - 59 * DAY }, 1, NOW)).toBe('1h')
  })

  it('refuses too long a range, too many series, an empty scope, and too many buckets, each saying so', () => {
    expect(backtestRefusal({ from: NOW - 200 * DAY, to: NOW }, 10, '1h')).toMatch(/spans 200 days; a backtest may cover at most 92 days/)
    expect(backtestRefusal({ from: NOW - DAY, to: NOW }, MAX_BACKTEST_SERIES + 1, '1h')).toMatch(/at most 2000: narrow scope.region/)
    expect(backtestRefusal({ from: NOW - DAY, to: NOW }, 0, '1h')).toMatch(/covers no series/)
    expect(backtestRefusal({ from: NOW - DAY, to: NOW }, 10, null)).toMatch(/even by the day/)
    expect(backtestRefusal({ from: NOW - DAY, to: NOW }, 10, '1m')).toBeNull()
  })
})

describe('running a rule over rows', () => {
  it('fires once per excursion, on its series, and counts what it judged', () => {
    const rows = Array.from({ length: 60 }, (_, m) => ({ region: '990101', station: 'AQ-990101-01', ts: NOW + m * 60_000, value: m >= 10 && m < 20 ? 250 : 50, aggregate: false }))
    const out = runBacktest(index, testRule(), rows, 'Asia/Shanghai')
    expect(out.alerts).toEqual([{ ts: NOW + 10 * 60_000, region: '990101', station: 'AQ-990101-01', value: 250 }])
    expect(out.evaluated).toBe(60)
  })
})
