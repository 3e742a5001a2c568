import { between, intBetween, pick, type Rng } from './noise'
import { anomalyRows, background, rounded, type ShapeSeries } from './shape-series'

/**
 * Shapes of what goes wrong with a value, each on a plain background (any
 * cadence, a daily season or none, calm or noisy): spikes, dips, level shifts,
 * drifts, trends that are normal, stuck sensors and dropouts to zero.
 * Magnitudes are in the background's noise (σ), as a person would judge them.
 */

/** One to three points far above the usual (6–12 σ). */
export function spikes(rng: Rng): ShapeSeries {
  const b = background(rng)
  const rows = anomalyRows(rng, b.ts.length, intBetween(rng, 1, 3))
  for (const r of rows) {
    const width = intBetween(rng, 1, 3)
    const size = between(rng, 6, 12) * b.sigma
    for (let i = r; i < Math.min(b.ts.length, r + width); i++) b.values[i] = b.values[i]! + size
  }
  return { cadenceSeconds: b.cadenceSeconds, ts: b.ts, values: rounded(b.values, 3), anomalies: rows }
}

/** A short drop (3–12 points, 6–10 σ, not below 0). */
export function dips(rng: Rng): ShapeSeries {
  const b = background(rng)
  const rows = anomalyRows(rng, b.ts.length, intBetween(rng, 1, 3))
  for (const r of rows) {
    const width = intBetween(rng, 3, 12)
    const size = Math.min(between(rng, 6, 10) * b.sigma, 0.9 * b.level)
    for (let i = r; i < Math.min(b.ts.length, r + width); i++) b.values[i] = Math.max(0, b.values[i]! - size)
  }
  return { cadenceSeconds: b.cadenceSeconds, ts: b.ts, values: rounded(b.values, 3), anomalies: rows }
}

function levelShift(rng: Rng, direction: 1 | -1): ShapeSeries {
  const b = background(rng)
  const rows = anomalyRows(rng, b.ts.length, intBetween(rng, 1, 2))
  for (const r of rows) {
    const size = direction * Math.min(between(rng, 4, 8) * b.sigma, direction < 0 ? 0.45 * b.level : Infinity)
    for (let i = r; i < b.ts.length; i++) b.values[i] = b.values[i]! + size
  }
  return { cadenceSeconds: b.cadenceSeconds, ts: b.ts, values: rounded(b.values, 3), anomalies: rows }
}

/** The level steps up (4–8 σ) and stays there; a second step may follow. */
export const levelShiftUp = (rng: Rng) => levelShift(rng, 1)
/** The level steps down and stays there. */
export const levelShiftDown = (rng: Rng) => levelShift(rng, -1)

/**
 * From one row on, the value drifts away (a failing sensor, a leak): 8–15 σ
 * over the next 5 % of the rows, then either on at that rate or levelled off.
 */
export function drift(rng: Rng): ShapeSeries {
  const b = background(rng)
  const [r] = anomalyRows(rng, b.ts.length, 1) as [number]
  const direction = rng() < 0.5 ? 1 : -1
  const reach = between(rng, 8, 15) * b.sigma
  const over = Math.max(10, Math.floor(0.05 * b.ts.length))
  const keepsGoing = rng() < 0.5
  for (let i = r; i < b.ts.length; i++) {
    const progress = (i - r) / over
    b.values[i] = b.values[i]! + direction * reach * (keepsGoing ? progress : Math.min(1, progress))
  }
  return { cadenceSeconds: b.cadenceSeconds, ts: b.ts, values: rounded(b.values, 3), anomalies: [r] }
}

/**
 * Normal growth or decline over the whole series (−40 % to +150 %): not an
 * anomaly. The labelled anomalies are spikes or dips on top of it.
 */
export function trend(rng: Rng): ShapeSeries {
  const b = background(rng)
  const growth = pick(rng, [-0.4, 0.5, 1, 1.5])
  const n = b.ts.length
  for (let i = 0; i < n; i++) b.values[i] = b.values[i]! + b.level * growth * (i / n)
  const rows = anomalyRows(rng, n, intBetween(rng, 1, 2))
  for (const r of rows) {
    const size = (rng() < 0.5 ? 1 : -1) * between(rng, 8, 12) * b.sigma
    const width = intBetween(rng, 1, 4)
    for (let i = r; i < Math.min(n, r + width); i++) b.values[i] = b.values[i]! + size
  }
  return { cadenceSeconds: b.cadenceSeconds, ts: b.ts, values: rounded(b.values, 3), anomalies: rows }
}

/**
 * A sensor stuck at its last reading for 1–4 % of the rows (at least 20),
 * then back. Some series are coarsely rounded, so equal neighbours are common
 * in normal data too.
 */
export function stuck(rng: Rng): ShapeSeries {
  const b = background(rng)
  const n = b.ts.length
  const coarse = rng() < 0.4
  const values = coarse ? Array.from(b.values, (v) => Math.round(v / (0.5 * b.sigma)) * 0.5 * b.sigma) : Array.from(b.values)
  const rows = anomalyRows(rng, n, intBetween(rng, 1, 2))
  for (const r of rows) {
    const length = Math.max(20, Math.floor(between(rng, 0.01, 0.04) * n))
    for (let i = r; i < Math.min(n, r + length); i++) values[i] = values[r - 1]!
  }
  return { cadenceSeconds: b.cadenceSeconds, ts: b.ts, values: rounded(values, 3), anomalies: rows }
}

/** The value falls to 0 (a feed or sensor dropout) for 1 to ~60 points, then comes back. */
export function dropout(rng: Rng): ShapeSeries {
  const b = background(rng)
  const n = b.ts.length
  // A level well clear of 0 (at least 8 σ), so the drop is a drop.
  const lift = Math.max(0, 8 * b.sigma - (b.level - b.sigma))
  for (let i = 0; i < n; i++) b.values[i] = Math.max(0.01 * b.level, b.values[i]! + lift)
  const rows = anomalyRows(rng, n, intBetween(rng, 1, 2))
  for (const r of rows) {
    const length = pick(rng, [1, 3, 10, 30, 60])
    for (let i = r; i < Math.min(n, r + length); i++) b.values[i] = 0
  }
  return { cadenceSeconds: b.cadenceSeconds, ts: b.ts, values: rounded(b.values, 3), anomalies: rows }
}
