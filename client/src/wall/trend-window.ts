import type { TrendWindowChoice } from '../../../common/wall-schema'
import { query } from '../api/http'

/**
 * Which stretch of history a trend chart shows, and how live values extend it
 * between two reloads without the series ever growing.
 */

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

export type TrendStep = '1m' | '1h' | '1d'

export interface TrendWindow {
  spanMs: number
  step: TrendStep
  bucketMs: number
  /** How often the history is read again from the API (live values fill the gaps meanwhile). */
  reloadMs: number
}

/**
 * By cadence: fast indicators (seconds to minutes) show the last 24 h by
 * minute, hourly ones a week by hour, daily ones 30 days by day, monthly ones a
 * year by day. Each is at most 1,440 points, under the API's 2,000.
 */
export function trendWindowOf(cadenceSeconds: number): TrendWindow {
  if (cadenceSeconds < 3_600) return { spanMs: DAY_MS, step: '1m', bucketMs: MINUTE_MS, reloadMs: 5 * MINUTE_MS }
  if (cadenceSeconds < 86_400) return { spanMs: 7 * DAY_MS, step: '1h', bucketMs: HOUR_MS, reloadMs: 15 * MINUTE_MS }
  if (cadenceSeconds < 30 * 86_400) return { spanMs: 30 * DAY_MS, step: '1d', bucketMs: DAY_MS, reloadMs: HOUR_MS }
  return { spanMs: 365 * DAY_MS, step: '1d', bucketMs: DAY_MS, reloadMs: HOUR_MS }
}

/** The window a wall's column chose (common/wall-schema.ts), `auto` by the indicator's cadence. */
export function trendWindowFor(choice: TrendWindowChoice, cadenceSeconds: number): TrendWindow {
  switch (choice) {
    case 'auto':
      return trendWindowOf(cadenceSeconds)
    case '24h':
      return { spanMs: DAY_MS, step: '1m', bucketMs: MINUTE_MS, reloadMs: 5 * MINUTE_MS }
    case '7d':
      return { spanMs: 7 * DAY_MS, step: '1h', bucketMs: HOUR_MS, reloadMs: 15 * MINUTE_MS }
    case '30d':
      return { spanMs: 30 * DAY_MS, step: '1d', bucketMs: DAY_MS, reloadMs: HOUR_MS }
    case '365d':
      return { spanMs: 365 * DAY_MS, step: '1d', bucketMs: DAY_MS, reloadMs: HOUR_MS }
  }
}

/** A chart point: [epoch ms, value] (ECharts' time-axis data). */
export type TrendPoint = [number, number]

/**
 * Puts a live value into the series in place: into the last bucket when it
 * falls there (the bucket's value so far), as a new bucket when it is later;
 * an older value changes nothing. Buckets are counted from the last point, so
 * local-day buckets stay aligned however the server's zone cuts days. Points
 * older than the window, and any beyond `maxPoints`, are dropped, so a chart
 * left running for days holds the same number of points.
 *
 * @returns whether the series changed.
 */
export function appendLive(points: TrendPoint[], ts: number, value: number, window: Pick<TrendWindow, 'bucketMs' | 'spanMs'>, maxPoints: number): boolean {
  const last = points[points.length - 1]
  let bucket: number
  if (last === undefined) bucket = Math.floor(ts / window.bucketMs) * window.bucketMs
  else {
    if (ts < last[0]) return false
    bucket = last[0] + Math.floor((ts - last[0]) / window.bucketMs) * window.bucketMs
  }
  if (last !== undefined && bucket === last[0]) {
    if (last[1] === value) return false
    last[1] = value
  } else {
    points.push([bucket, value])
  }
  const oldest = bucket - window.spanMs
  let drop = 0
  while (drop < points.length && points[drop]![0] < oldest) drop++
  drop = Math.max(drop, points.length - maxPoints)
  if (drop > 0) points.splice(0, drop)
  return true
}

/** The series a trend panel polls, without its start (which moves with the clock). */
export function trendSource(indicator: string, region: string, range: TrendWindow): string {
  return `/api/series${query({ indicator, region, step: range.step })}`
}

/**
 * The URL read at `now`: the window ending now, its start rounded down to a
 * whole bucket, so reloads ask for aligned buckets and a read prefetched a
 * little earlier in the same bucket is the same URL.
 */
export function trendUrl(source: string, range: TrendWindow, now: number): string {
  return `${source}&from=${Math.floor((now - range.spanMs) / range.bucketMs) * range.bucketMs}`
}
