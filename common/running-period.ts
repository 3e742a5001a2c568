import { startOfLocalDay, utcOffsetMinutes } from './local-time'

/**
 * Running values: figures that build up over a local period and start again
 * at its beginning — today so far (new entities, incidents, a rate over
 * today's completed items), month or year to date (funds disbursed). Early in the
 * period such a figure stands on very little, and a rate over two samples at
 * 00:10 says nothing about the day: rules over them wait until enough of the
 * period is behind them (`minPeriodShare`), and screens label them as running.
 */

export const RUNNING_PERIODS = ['day', 'month', 'year'] as const
export type RunningPeriod = (typeof RUNNING_PERIODS)[number]

/** [start, end) of the local period containing `at`, epoch ms. */
export function periodBounds(at: number, period: RunningPeriod, timeZone: string): [number, number] {
  if (period === 'day') {
    const start = startOfLocalDay(at, timeZone)
    // The next local midnight: a day is 23–25 h across a daylight-saving change.
    return [start, startOfLocalDay(start + 36 * 3_600_000, timeZone)]
  }
  const local = new Date(at + utcOffsetMinutes(timeZone, at) * 60_000)
  const y = local.getUTCFullYear()
  const m = local.getUTCMonth()
  const first = (year: number, month: number) => startOfLocalDay(Date.UTC(year, month, 1, 12) - utcOffsetMinutes(timeZone, Date.UTC(year, month, 1, 12)) * 60_000, timeZone)
  return period === 'month' ? [first(y, m), first(y, m + 1)] : [first(y, 0), first(y + 1, 0)]
}

/**
 * The share of its period that lies behind `at` (0 at the start, → 1 at the end).
 * Remembers the last period it computed: values arrive in order, so nearly every
 * call is answered without calendar arithmetic.
 */
export class PeriodClock {
  private readonly last = new Map<RunningPeriod, [number, number]>()

  constructor(private readonly timeZone: string) {}

  shareOf(at: number, period: RunningPeriod): number {
    const [start, end] = this.bounds(at, period)
    return (at - start) / (end - start)
  }

  /** When the period holding `at` began. */
  startOf(at: number, period: RunningPeriod): number {
    return this.bounds(at, period)[0]
  }

  private bounds(at: number, period: RunningPeriod): [number, number] {
    let bounds = this.last.get(period)
    if (!bounds || at < bounds[0] || at >= bounds[1]) {
      bounds = periodBounds(at, period, this.timeZone)
      this.last.set(period, bounds)
    }
    return bounds
  }
}
