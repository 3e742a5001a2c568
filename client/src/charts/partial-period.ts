/**
 * A bucket still open (today so far, this hour so far) is not a complete one:
 * a day's count at 00:10 is a false drop, a mean over its first few values a
 * false spike. Charts draw the closed buckets as the line and the open ones
 * apart (a hollow point, joined by a dashed segment where a joint helps).
 */

export type ChartPoint = readonly [number, number]

export interface SplitSeries<P> {
  /** Buckets that have closed, oldest first. */
  closed: P[]
  /** Buckets from `partialFrom` on (at most one, unless live values opened another before a reload). */
  open: P[]
}

/** Splits points at the start of the first open bucket; all closed when there is none. */
export function splitPartial<P extends { readonly 0: number } | { ts: number }>(points: readonly P[], partialFrom: number | null): SplitSeries<P> {
  if (partialFrom === null) return { closed: [...points], open: [] }
  const ts = (p: P) => ('ts' in p ? p.ts : p[0])
  let i = points.length
  while (i > 0 && ts(points[i - 1]!) >= partialFrom) i--
  return { closed: points.slice(0, i), open: points.slice(i) }
}

/**
 * Where the open bucket starts once a live value has been put in the series:
 * a live value that opened a newer bucket closed the one before it (a day
 * ended while the chart was up), so the newest bucket is the open one.
 */
export function openFromAfterLive(partialFrom: number | null, lastBucket: number | undefined): number | null {
  if (lastBucket === undefined) return partialFrom
  return partialFrom === null || lastBucket > partialFrom ? lastBucket : partialFrom
}
