import { DAY_MS, HOUR_MS } from './simulator'

/** A local calendar date and the facts about it the models use. */
export interface CivilDate {
  year: number
  /** 1–12 */
  month: number
  /** 1–31 */
  dayOfMonth: number
  /** 0-based day of the year. */
  dayOfYear: number
  daysInMonth: number
  daysInYear: number
  /** Months since 1970-01, so consecutive months differ by one across years. */
  monthIndex: number
}

// Fixed-date public holidays (New Year, Labour Day week, National Day week). The
// Spring Festival follows the lunar calendar and working-day swaps are announced
// yearly; neither is modelled, so some real holidays look like working days.
const FIXED_HOLIDAYS: ReadonlyArray<readonly [month: number, from: number, to: number]> = [
  [1, 1, 1],
  [5, 1, 5],
  [10, 1, 7],
]

/** Bounded so a years-long back-fill does not grow it without limit. */
const CIVIL_CACHE_LIMIT = 4096

/**
 * Local time for a fixed UTC offset: day numbers, hours, weekdays and calendar
 * dates computed with integer arithmetic, because the models ask for them for
 * every simulated point. A "day" is a local day: day `d` starts at
 * `d × 86 400 000 − offset` epoch ms.
 */
export class LocalCalendar {
  readonly offsetMs: number
  private readonly civilCache = new Map<number, CivilDate>()
  // Models ask about the same day many times in a row; these answer without a lookup.
  private lastCivil: CivilDate | undefined
  private lastCivilDay = Number.NaN
  private lastRestDay = Number.NaN
  private lastRest = false

  constructor(utcOffsetMinutes: number) {
    if (!Number.isFinite(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > 18 * 60)
      throw new RangeError(`utcOffsetMinutes must be a number of minutes within ±18 h, got ${utcOffsetMinutes}`)
    this.offsetMs = Math.round(utcOffsetMinutes) * 60_000
  }

  /** Local day number (days since 1970-01-01 local). */
  dayIndex(t: number): number {
    return Math.floor((t + this.offsetMs) / DAY_MS)
  }

  /** Epoch ms of local midnight starting day `day`. */
  dayStart(day: number): number {
    return day * DAY_MS - this.offsetMs
  }

  /** Milliseconds since local midnight. */
  msOfDay(t: number): number {
    const local = (t + this.offsetMs) % DAY_MS
    return local < 0 ? local + DAY_MS : local
  }

  /** Local hour of day as a fraction, 0 ≤ h < 24. */
  hourOfDay(t: number): number {
    return this.msOfDay(t) / HOUR_MS
  }

  /** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
  weekday(day: number): number {
    return (((day + 4) % 7) + 7) % 7
  }

  /** Weekends and the fixed-date public holidays. */
  isRestDay(day: number): boolean {
    if (day === this.lastRestDay) return this.lastRest
    const wd = this.weekday(day)
    let rest = wd === 0 || wd === 6
    if (!rest) {
      const c = this.civil(day)
      rest = FIXED_HOLIDAYS.some(([m, from, to]) => c.month === m && c.dayOfMonth >= from && c.dayOfMonth <= to)
    }
    this.lastRestDay = day
    this.lastRest = rest
    return rest
  }

  civil(day: number): CivilDate {
    if (day === this.lastCivilDay) return this.lastCivil!
    let c = this.civilCache.get(day)
    if (c) {
      this.lastCivilDay = day
      this.lastCivil = c
      return c
    }
    const d = new Date(day * DAY_MS)
    const year = d.getUTCFullYear()
    const month = d.getUTCMonth() + 1
    const yearStart = Date.UTC(year, 0, 1) / DAY_MS
    c = {
      year,
      month,
      dayOfMonth: d.getUTCDate(),
      dayOfYear: day - yearStart,
      daysInMonth: (Date.UTC(year, month, 1) - Date.UTC(year, month - 1, 1)) / DAY_MS,
      daysInYear: Date.UTC(year + 1, 0, 1) / DAY_MS - yearStart,
      monthIndex: (year - 1970) * 12 + month - 1,
    }
    if (this.civilCache.size >= CIVIL_CACHE_LIMIT) this.civilCache.clear()
    this.civilCache.set(day, c)
    this.lastCivilDay = day
    this.lastCivil = c
    return c
  }

  /** Epoch ms of local midnight on the first day of month `monthIndex` (months since 1970-01). */
  monthStart(monthIndex: number): number {
    const year = 1970 + Math.floor(monthIndex / 12)
    const month = monthIndex - (year - 1970) * 12
    return Date.UTC(year, month, 1) - this.offsetMs
  }

  /** Start of the local-aligned interval of length `res` containing `t` (res divides a day). */
  intervalStart(t: number, res: number): number {
    return Math.floor((t + this.offsetMs) / res) * res - this.offsetMs
  }
}
