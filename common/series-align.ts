import type { SeriesPoint, SeriesStep } from './api/query-api'

/**
 * Lines a comparison series (the previous period, or a year earlier) up with
 * the main one, bucket by bucket. The comparison may be at a coarser step than
 * the main series (a year back only daily values are kept): each main bucket
 * then gets the comparison bucket that holds its time, shifted by `offset`.
 */

/** Nominal length of a step (a local day is 24 h but around daylight-saving changes, close enough to find the bucket). */
export const STEP_LENGTH_MS: Record<SeriesStep, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 }

export interface ComparisonPoints {
  points: readonly SeriesPoint[]
  /** Added to a comparison point's time to put it on the main series' time axis. */
  offset: number
  step: SeriesStep
}

/** Each main bucket's comparison bucket (by the main bucket's time); buckets without one are absent. */
export function alignComparison(main: readonly Pick<SeriesPoint, 'ts'>[], comparison: ComparisonPoints): Map<number, SeriesPoint> {
  const shifted = [...comparison.points].sort((a, b) => a.ts - b.ts)
  const length = STEP_LENGTH_MS[comparison.step]
  const out = new Map<number, SeriesPoint>()
  let j = 0
  for (const p of [...main].sort((a, b) => a.ts - b.ts)) {
    // The last comparison bucket starting at or before p (both move forward together).
    while (j + 1 < shifted.length && shifted[j + 1]!.ts + comparison.offset <= p.ts) j++
    const c = shifted[j]
    if (c && c.ts + comparison.offset <= p.ts && p.ts < c.ts + comparison.offset + length) out.set(p.ts, c)
  }
  return out
}

/**
 * How much of the comparison window its points cover: from the first bucket to
 * the end of the last, as a share of the window. A one-year previous period
 * where history holds 400 days covers about 35 of its 365 days, and says so.
 */
export function comparisonCoverage(points: readonly Pick<SeriesPoint, 'ts'>[], window: { from: number; to: number }, step: SeriesStep): { from: number | null; share: number } {
  if (points.length === 0) return { from: null, share: 0 }
  const first = Math.max(window.from, Math.min(...points.map((p) => p.ts)))
  const last = Math.min(window.to, Math.max(...points.map((p) => p.ts)) + STEP_LENGTH_MS[step])
  return { from: first, share: Math.max(0, Math.min(1, (last - first) / (window.to - window.from))) }
}
