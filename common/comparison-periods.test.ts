import { describe, expect, it } from 'vitest'
import { dayWindows, sameDateYearsEarlier, sameElapsedBase } from './comparison-periods'

const SH = 'Asia/Shanghai'
const at = (iso: string) => Date.parse(iso)
const iso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00'

describe('whole-day windows', () => {
  it('are the last 30 complete local days, the 30 before, and the same calendar days a year earlier', () => {
    const w = dayWindows(at('2026-12-05T00:10:00+08:00'), SH)
    expect([iso(w.cur.from), iso(w.cur.to)]).toEqual(['2026-11-05T00:00:00+08:00', '2026-12-05T00:00:00+08:00'])
    expect([iso(w.mom.from), iso(w.mom.to)]).toEqual(['2026-10-06T00:00:00+08:00', '2026-11-05T00:00:00+08:00'])
    expect([iso(w.yoy.from), iso(w.yoy.to)]).toEqual(['2025-11-05T00:00:00+08:00', '2025-12-05T00:00:00+08:00'])
  })

  it('leave today out at any hour of it', () => {
    expect(dayWindows(at('2026-12-05T23:59:59+08:00'), SH)).toEqual(dayWindows(at('2026-12-05T00:00:00+08:00'), SH))
  })

  it('shift a year by the calendar across a leap day, not by 365 days', () => {
    const w = dayWindows(at('2028-03-10T12:00:00+08:00'), SH)
    expect([iso(w.cur.from), iso(w.cur.to)]).toEqual(['2028-02-09T00:00:00+08:00', '2028-03-10T00:00:00+08:00'])
    // 2028's 30 days hold 29 February; the same dates in 2027 are 29 days.
    expect([iso(w.yoy.from), iso(w.yoy.to)]).toEqual(['2027-02-09T00:00:00+08:00', '2027-03-10T00:00:00+08:00'])
  })

  it('keep local midnights in a zone with daylight saving', () => {
    const w = dayWindows(at('2026-04-10T12:00:00+02:00'), 'Europe/Berlin')
    // 30 days back crosses the spring change: the window starts at midnight winter time.
    expect(new Date(w.cur.from).toISOString()).toBe('2026-03-10T23:00:00.000Z')
    expect(new Date(w.cur.to).toISOString()).toBe('2026-04-09T22:00:00.000Z')
  })
})

describe('the same date a year earlier', () => {
  it.each([
    [{ year: 2028, month: 1, day: 29 }, { year: 2027, month: 1, day: 28 }],
    [{ year: 2027, month: 1, day: 28 }, { year: 2026, month: 1, day: 28 }],
    [{ year: 2029, month: 2, day: 1 }, { year: 2028, month: 2, day: 1 }],
    [{ year: 2026, month: 11, day: 31 }, { year: 2025, month: 11, day: 31 }],
  ])('%o → %o', (date, earlier) => {
    expect(sameDateYearsEarlier(date, 1)).toEqual(earlier)
  })
})

describe('like-for-like moments of a running value', () => {
  it.each([
    ['00:10 today against 00:10 yesterday', '2026-12-05T00:10:00+08:00', 'day', 'mom', '2026-12-04T00:00:00+08:00', '2026-12-04T00:10:00+08:00'],
    ['noon against noon yesterday', '2026-12-05T12:00:00+08:00', 'day', 'mom', '2026-12-04T00:00:00+08:00', '2026-12-04T12:00:00+08:00'],
    ['the first of a month against the last of the month before', '2026-03-01T09:00:00+08:00', 'day', 'mom', '2026-02-28T00:00:00+08:00', '2026-02-28T09:00:00+08:00'],
    ['the first of January against New Year’s Eve', '2027-01-01T08:00:00+08:00', 'day', 'mom', '2026-12-31T00:00:00+08:00', '2026-12-31T08:00:00+08:00'],
    ['noon against noon on the same date a year earlier', '2026-12-05T12:00:00+08:00', 'day', 'yoy', '2025-12-05T00:00:00+08:00', '2025-12-05T12:00:00+08:00'],
    ['a leap day against 28 February', '2028-02-29T18:00:00+08:00', 'day', 'yoy', '2027-02-28T00:00:00+08:00', '2027-02-28T18:00:00+08:00'],
    ['1 March after a leap year against 1 March', '2029-03-01T06:00:00+08:00', 'day', 'yoy', '2028-03-01T00:00:00+08:00', '2028-03-01T06:00:00+08:00'],
    // Half of March (15.5 of 31 days) is half of February (14 of 28).
    ['mid-March against mid-February', '2026-03-16T12:00:00+08:00', 'month', 'mom', '2026-02-01T00:00:00+08:00', '2026-02-15T00:00:00+08:00'],
    // The whole of 31 March but an hour is nearly all of February, never a day past its end.
    ['the end of March against the end of February', '2026-03-31T23:00:00+08:00', 'month', 'mom', '2026-02-01T00:00:00+08:00', '2026-02-28T23:05:48+08:00'],
    ['month to date against the same month a year earlier', '2026-12-16T12:00:00+08:00', 'month', 'yoy', '2025-12-01T00:00:00+08:00', '2025-12-16T12:00:00+08:00'],
    // Half of leap 2028 (183 of 366 days) against half of 2027 (182.5 of 365).
    ['year to date against a year earlier, across a leap year', '2028-07-02T00:00:00+08:00', 'year', 'yoy', '2027-01-01T00:00:00+08:00', '2027-07-02T12:00:00+08:00'],
  ] as const)('%s', (_what, now, running, base, periodFrom, asOf) => {
    const b = sameElapsedBase(at(now), running, base, SH)!
    expect(iso(b.period.from)).toBe(periodFrom)
    expect(iso(b.asOf)).toBe(asOf)
    // The current side runs from the start of its own period to now.
    expect(b.current.to).toBe(at(now))
    expect((b.asOf - b.period.from) / (b.period.to - b.period.from)).toBeCloseTo(b.share, 6)
  })

  it('has no month-on-month comparison for a year-to-date figure', () => {
    expect(sameElapsedBase(at('2026-12-05T12:00:00+08:00'), 'year', 'mom', SH)).toBeNull()
  })

  it('keeps the clock time yesterday across a daylight-saving change only where both days are as long', () => {
    // 30 March follows the 23-hour 29 March in Berlin: 12:00 is half of a 24-hour day, and half of the shorter one.
    const b = sameElapsedBase(at('2026-03-30T12:00:00+02:00'), 'day', 'mom', 'Europe/Berlin')!
    expect(b.period.to - b.period.from).toBe(23 * 3_600_000)
    expect(b.asOf - b.period.from).toBe(11.5 * 3_600_000)
    const same = sameElapsedBase(at('2026-04-02T12:00:00+02:00'), 'day', 'mom', 'Europe/Berlin')!
    expect(new Date(same.asOf).toISOString()).toBe('2026-04-01T10:00:00.000Z')
  })
})
