import { startOfLocalDay, utcOffsetMinutes } from './local-time'
import { periodBounds, type RunningPeriod } from './running-period'

/**
 * What a month-on-month (环比) or year-on-year (同比) change compares, in
 * local calendar time. Two kinds of value need two kinds of comparison:
 *
 * - A level or rate that stands on its own (AQI, a speed, a monthly rate) is
 *   compared as the mean of its last 30 complete local days against the 30
 *   days before, and against the same calendar days a year earlier. Today is
 *   left out: it is partial, and would bias a count low.
 * - A running value (today so far, month to date, year to date) is compared
 *   like for like: with the same elapsed share of the period it is compared
 *   with — 12:00 today against 12:00 yesterday, the 10th of a 30-day month
 *   (a third of it) against a third of last month. It is never compared with
 *   a whole period: at 00:10 that would say "down 99 %".
 *
 * Pure calendar arithmetic, unit-tested at month ends and leap days; the
 * queries read the values.
 */

export type ChangeBase = 'mom' | 'yoy'

/** Days each comparison of whole days spans. */
export const COMPARISON_DAYS = 30

/** A window of time, [from, to) in epoch ms. */
export interface TimeWindow {
  from: number
  to: number
}

/** Whole-day windows: the current 30 days and the two it is compared with. */
export interface DayWindows {
  cur: TimeWindow
  mom: TimeWindow
  yoy: TimeWindow
}

/** The local calendar date holding `at`. */
export interface LocalDate {
  year: number
  /** 0–11, as Date.UTC takes it. */
  month: number
  day: number
}

export function localDateOf(at: number, timeZone: string): LocalDate {
  const local = new Date(at + utcOffsetMinutes(timeZone, at) * 60_000)
  return { year: local.getUTCFullYear(), month: local.getUTCMonth(), day: local.getUTCDate() }
}

/** Local midnight starting a calendar date (months and days past their end roll over, as Date.UTC does). */
export function localMidnight(date: LocalDate, timeZone: string): number {
  const noonUtc = Date.UTC(date.year, date.month, date.day, 12)
  return startOfLocalDay(noonUtc - utcOffsetMinutes(timeZone, noonUtc) * 60_000, timeZone)
}

/** Days in a month (month 0–11). */
function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
}

/**
 * The same calendar date `years` earlier; a 29 February becomes the 28th in a
 * year without one (never 1 March, which would be another month).
 */
export function sameDateYearsEarlier(date: LocalDate, years: number): LocalDate {
  const year = date.year - years
  return { year, month: date.month, day: Math.min(date.day, daysIn(year, date.month)) }
}

/** The midnight starting the same calendar date a year earlier than the day starting at `midnight`. */
function yearEarlierMidnight(midnight: number, timeZone: string): number {
  return localMidnight(sameDateYearsEarlier(localDateOf(midnight, timeZone), 1), timeZone)
}

/**
 * The whole-day windows at `now`: the last COMPARISON_DAYS complete local days,
 * the days before them, and the same calendar days a year earlier (so a leap
 * day in between shifts nothing).
 */
export function dayWindows(now: number, timeZone: string): DayWindows {
  const today = startOfLocalDay(now, timeZone)
  const today0 = localDateOf(today, timeZone)
  const start = localMidnight({ ...today0, day: today0.day - COMPARISON_DAYS }, timeZone)
  const before = localMidnight({ ...today0, day: today0.day - 2 * COMPARISON_DAYS }, timeZone)
  return {
    cur: { from: start, to: today },
    mom: { from: before, to: start },
    yoy: { from: yearEarlierMidnight(start, timeZone), to: yearEarlierMidnight(today, timeZone) },
  }
}

/**
 * The moment a running value is compared at: the period it is compared with
 * (`period`, its [from, to)), and `asOf`, the same elapsed share of it as
 * `now` is of the current period. Null when there is no such comparison: a
 * year-to-date figure has no month-on-month change, only a year-on-year one.
 */
export interface SameElapsedBase {
  current: TimeWindow
  period: TimeWindow
  asOf: number
  /** The share of the period behind `now` (and behind `asOf` in the base). */
  share: number
}

export function sameElapsedBase(now: number, running: RunningPeriod, base: ChangeBase, timeZone: string): SameElapsedBase | null {
  const [from, to] = periodBounds(now, running, timeZone)
  const share = (now - from) / (to - from)
  let earlier: [number, number]
  if (base === 'mom') {
    if (running === 'year') return null
    // The period before: yesterday, or last month.
    earlier = periodBounds(from - 1, running, timeZone)
  } else {
    const date = localDateOf(now, timeZone)
    const then = sameDateYearsEarlier(date, 1)
    // The same day, month or year one year earlier (its first instant lies inside it).
    earlier = periodBounds(localMidnight(then, timeZone), running, timeZone)
  }
  const [a, b] = earlier
  // An elapsed day is the same clock time yesterday; a share of a month or year is scaled to its length.
  const asOf = running === 'day' && b - a === to - from ? a + (now - from) : a + Math.round(share * (b - a))
  return { current: { from, to: now }, period: { from: a, to: b }, asOf, share }
}
