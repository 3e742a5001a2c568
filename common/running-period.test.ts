import { describe, expect, it } from 'vitest'
import { PeriodClock, periodBounds } from './running-period'

describe('running periods', () => {
  it.each([
    ['a day in Shanghai', Date.parse('2026-12-04T03:00:00+08:00'), 'day', 'Asia/Shanghai', '2026-12-04T00:00:00+08:00', '2026-12-05T00:00:00+08:00'],
    ['a month in Shanghai', Date.parse('2026-02-14T12:00:00+08:00'), 'month', 'Asia/Shanghai', '2026-02-01T00:00:00+08:00', '2026-03-01T00:00:00+08:00'],
    ['December into January', Date.parse('2026-12-31T23:30:00+08:00'), 'month', 'Asia/Shanghai', '2026-12-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00'],
    ['a year in Shanghai', Date.parse('2026-07-01T00:00:00+08:00'), 'year', 'Asia/Shanghai', '2026-01-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00'],
    ['a 23-hour day (spring forward)', Date.parse('2026-03-29T12:00:00+02:00'), 'day', 'Europe/Berlin', '2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00'],
  ] as const)('bounds %s', (_what, at, period, zone, start, end) => {
    expect(periodBounds(at, period, zone)).toEqual([Date.parse(start), Date.parse(end)])
  })

  it('says how much of the period is behind an instant, across period changes', () => {
    const clock = new PeriodClock('Asia/Shanghai')
    expect(clock.shareOf(Date.parse('2026-12-04T00:15:00+08:00'), 'day')).toBeCloseTo(15 / 1440, 6)
    expect(clock.shareOf(Date.parse('2026-12-04T18:00:00+08:00'), 'day')).toBeCloseTo(0.75, 6)
    expect(clock.shareOf(Date.parse('2026-12-05T06:00:00+08:00'), 'day')).toBeCloseTo(0.25, 6)
    expect(clock.shareOf(Date.parse('2026-12-16T12:00:00+08:00'), 'month')).toBeCloseTo(15.5 / 31, 6)
  })
})
