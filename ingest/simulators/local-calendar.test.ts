import { describe, expect, it } from 'vitest'
import { LocalCalendar } from './local-calendar'
import { DAY_MS, HOUR_MS } from './simulator'

const china = new LocalCalendar(480)

describe('LocalCalendar', () => {
  it('starts the local day at local midnight', () => {
    const t = Date.UTC(2025, 2, 10, 16, 0) // 2025-03-11 00:00 in UTC+8
    const day = china.dayIndex(t)
    expect(china.dayStart(day)).toBe(t)
    expect(china.dayIndex(t - 1)).toBe(day - 1)
    expect(china.hourOfDay(t + 8 * HOUR_MS)).toBe(8)
  })

  it.each([
    ['2025-03-11', 2, false], // a Tuesday
    ['2025-03-15', 6, true], // a Saturday
    ['2025-10-02', 4, true], // National Day week
    ['2025-05-01', 4, true], // Labour Day
    ['2025-05-06', 2, false],
  ])('knows %s: weekday %d, rest day %s', (date, weekday, rest) => {
    const day = Date.parse(`${date}T00:00:00Z`) / DAY_MS
    expect(china.weekday(day)).toBe(weekday)
    expect(china.isRestDay(day)).toBe(rest)
  })

  it('gives calendar facts of a local day', () => {
    const day = china.dayIndex(Date.UTC(2024, 1, 28, 20, 0)) // 2024-02-29 04:00 local
    expect(china.civil(day)).toMatchObject({ year: 2024, month: 2, dayOfMonth: 29, daysInMonth: 29, daysInYear: 366, dayOfYear: 59 })
    expect(china.monthStart(china.civil(day).monthIndex)).toBe(Date.UTC(2024, 0, 31, 16, 0))
  })

  it('aligns intervals to local time', () => {
    const t = Date.UTC(2025, 2, 11, 3, 17, 5)
    expect(china.intervalStart(t, DAY_MS)).toBe(Date.UTC(2025, 2, 10, 16, 0))
    expect(china.intervalStart(t, HOUR_MS)).toBe(Date.UTC(2025, 2, 11, 3, 0))
    expect(new LocalCalendar(330).intervalStart(t, HOUR_MS)).toBe(Date.UTC(2025, 2, 11, 2, 30))
  })

  it('refuses an offset that is not a time zone', () => {
    expect(() => new LocalCalendar(24 * 60)).toThrow(/utcOffsetMinutes/)
  })
})
