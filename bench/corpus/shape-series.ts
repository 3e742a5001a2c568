import { probationLength } from '../nab-score'
import { nabWindowRows } from './nab-windows'
import { between, intBetween, laplace, normal, pick, wander, type Rng } from './noise'

/**
 * What every corpus shape produces, and the pieces the shapes share: time
 * grids, where labelled anomalies go, daily profiles, and a plain background
 * series (a level, maybe a daily season, noise) to put anomalies on.
 */

/** One generated series: rows in file order, and the rows a person would label as anomalies. */
export interface ShapeSeries {
  /** The usual gap between rows (rows may be jittered, missing or out of order). */
  readonly cadenceSeconds: number
  readonly ts: number[]
  readonly values: number[]
  /** Row indices of the labelled anomalies (NAB centres a window on each). */
  readonly anomalies: number[]
}

export type Shape = (rng: Rng) => ShapeSeries

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** Cadences the corpus samples from (5 s detectors to hourly sensors), with the lengths that suit each. */
export const CADENCES: ReadonlyArray<{ seconds: number; minRows: number; maxRows: number }> = [
  { seconds: 5, minRows: 4000, maxRows: 20_000 },
  { seconds: 60, minRows: 2000, maxRows: 20_000 },
  { seconds: 300, minRows: 2000, maxRows: 12_000 },
  { seconds: 600, minRows: 2000, maxRows: 8000 },
  { seconds: 3600, minRows: 1000, maxRows: 3000 },
]

/** A start somewhere in 2024 at a whole minute, so series do not all begin at midnight. */
export function startTime(rng: Rng): number {
  return Date.UTC(2024, 0, 1) + intBetween(rng, 0, 300) * DAY + intBetween(rng, 0, 24 * 60 - 1) * MINUTE
}

/** Rows every `cadenceSeconds`, each moved by up to ± jitter/2 of a cadence (jitter < 1 keeps them in order). */
export function regularTimes(rng: Rng, rows: number, cadenceSeconds: number, jitter = 0): number[] {
  const t0 = startTime(rng)
  const step = cadenceSeconds * SECOND
  const out = new Array<number>(rows)
  for (let i = 0; i < rows; i++) out[i] = Math.round(t0 + i * step + (jitter > 0 ? (rng() - 0.5) * jitter * step : 0))
  return out
}

/**
 * Rows for `count` labelled anomalies: after NAB's probation (with the whole
 * window after it), each in its own stretch of the file so windows never
 * meet, and at least half a window from the end.
 */
export function anomalyRows(rng: Rng, rows: number, count: number): number[] {
  const half = Math.ceil(nabWindowRows(rows, count) / 2)
  const lo = Math.max(probationLength(rows) + half + 1, Math.floor(0.2 * rows))
  const hi = rows - 1 - half
  const stretch = (hi - lo) / count
  const out: number[] = []
  for (let k = 0; k < count; k++) {
    const from = lo + k * stretch + half / 2
    out.push(Math.round(from + rng() * Math.max(0, stretch - half)))
  }
  return out
}

export const hourOfDay = (ts: number) => (((ts % DAY) + DAY) % DAY) / HOUR
export const isWeekend = (ts: number) => {
  const d = new Date(ts).getUTCDay()
  return d === 0 || d === 6
}

/** −1 … 1, highest at `peakHour`. */
export function diurnal(ts: number, peakHour: number): number {
  return Math.cos((2 * Math.PI * (hourOfDay(ts) - peakHour)) / 24)
}

/** A bump of height 1 centred on `hour` (of the day) with width `width` hours. */
export function bump(ts: number, hour: number, width: number): number {
  let d = Math.abs(hourOfDay(ts) - hour)
  d = Math.min(d, 24 - d)
  return Math.exp(-0.5 * (d / width) ** 2)
}

export interface Background {
  cadenceSeconds: number
  ts: number[]
  /** The signal without noise (season, level). */
  base: Float64Array
  /** The signal with noise. */
  values: Float64Array
  /** Size of the noise (standard deviation, wander included): what anomalies are measured in. */
  sigma: number
  level: number
}

export interface BackgroundOptions {
  /** Restrict the cadence (seconds) to these. */
  cadences?: readonly number[]
  /** Rows, when the shape needs a particular length. */
  rows?: number
  season?: 'flat' | 'daily' | 'any'
}

/**
 * A plain series: a level (10 to 1000), a daily season or none, and noise —
 * normal or heavier-tailed, sometimes with a slow wander — at 1 % to 10 % of
 * the level.
 */
export function background(rng: Rng, options: BackgroundOptions = {}): Background {
  const choices = CADENCES.filter((c) => !options.cadences || options.cadences.includes(c.seconds))
  const cadence = pick(rng, choices)
  const rows = options.rows ?? intBetween(rng, cadence.minRows, cadence.maxRows)
  const ts = regularTimes(rng, rows, cadence.seconds)
  const spanDays = (rows * cadence.seconds) / 86_400
  const seasonal = options.season === 'daily' || (options.season !== 'flat' && spanDays >= 3 && rng() < 0.6)
  const level = Math.exp(between(rng, Math.log(10), Math.log(1000)))
  const amplitude = seasonal ? between(rng, 0.15, 0.5) * level : 0
  const peak = between(rng, 8, 20)
  const noise = pick(rng, [0.01, 0.03, 0.06, 0.1]) * level
  const heavy = rng() < 0.35
  const drifting = rng() < 0.4
  const slow = drifting ? wander(rng, rows, 0.7 * noise, between(rng, 20, 200)) : undefined
  const base = new Float64Array(rows)
  const values = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    base[i] = level + amplitude * diurnal(ts[i]!, peak)
    const e = heavy ? laplace(rng, noise) : normal(rng, 0, noise)
    values[i] = base[i]! + e + (slow ? slow[i]! : 0)
  }
  const sigma = Math.sqrt(noise ** 2 + (drifting ? (0.7 * noise) ** 2 : 0))
  return { cadenceSeconds: cadence.seconds, ts, base, values, sigma, level }
}

/** Rounds to `digits` decimals, as a feed would write them. */
export function rounded(values: ArrayLike<number>, digits: number): number[] {
  const f = 10 ** digits
  return Array.from(values, (v) => Math.round(v * f) / f)
}
