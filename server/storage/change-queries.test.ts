import { describe, expect, it } from 'vitest'
import { percentChange, stepsFor } from './change-queries'

const DAY = 86_400_000

describe('the steps a running value is read at', () => {
  it.each([
    // Yesterday: minutes first (values reported every few seconds or minutes), then hours (hourly reporters, or hourly history).
    ['today so far against yesterday', 'day', DAY, ['1m', '1h']],
    // A year back minute rollups are gone; hourly ones are kept 800 days; a daily total is never a part of a day.
    ['today so far against a year earlier', 'day', 366 * DAY, ['1h']],
    ['today so far against three years earlier', 'day', 3 * 365 * DAY, []],
    // Month and year to date may be read by the day (their share is counted in days).
    ['month to date against last month', 'month', 40 * DAY, ['1h', '1d']],
    ['year to date against a year earlier', 'year', 400 * DAY, ['1h', '1d']],
    ['year to date three years back', 'year', 3 * 365 * DAY, ['1d']],
  ] as const)('%s', (_what, running, age, steps) => {
    expect(stepsFor(running, 'rollup', age)).toEqual(steps)
  })

  it('reads raw points at any step', () => {
    expect(stepsFor('day', 'raw', 400 * DAY)).toEqual(['1m', '1h'])
  })
})

describe('a change in percent', () => {
  it.each([
    [120, 100, 20],
    [80, 100, -20],
    [-5, -10, 50],
  ])('from %d to %d', (now, then, pct) => {
    expect(percentChange(now, then)).toBeCloseTo(pct, 9)
  })

  it('is none without both values, or from nothing', () => {
    expect(percentChange(1, undefined)).toBeNull()
    expect(percentChange(undefined, 1)).toBeNull()
    expect(percentChange(3, 0)).toBeNull()
  })
})
