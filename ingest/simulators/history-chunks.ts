import { HOUR_MS, MINUTE_MS, type SimPoint, type Simulator } from './simulator'

/**
 * Intervals per chunk by resolution: an hour of minutes, a day of hours, a month
 * of days — about a hundred thousand points of a province, which stay in the
 * young generation of the garbage collector (a whole day of minutes, millions of
 * points, costs several times more per point to allocate).
 */
function defaultIntervals(resolutionMs: number): number {
  return resolutionMs <= MINUTE_MS ? 60 : resolutionMs <= HOUR_MS ? 24 : 31
}

/**
 * History over a long range in slices, so a back-fill of millions of points can
 * be written batch by batch instead of being built in memory at once. Chunks are
 * cut on interval boundaries in local time (pass the simulators'
 * `utcOffsetMinutes`), so together they hold exactly the points of
 * `history(from, to, resolutionMs)`.
 */
export function* historyInChunks(
  simulator: Simulator,
  from: number,
  to: number,
  resolutionMs: number,
  utcOffsetMinutes: number,
  intervalsPerChunk = defaultIntervals(resolutionMs),
): Generator<SimPoint[]> {
  if (!(intervalsPerChunk >= 1)) throw new RangeError(`intervalsPerChunk must be at least 1, got ${intervalsPerChunk}`)
  const offset = utcOffsetMinutes * MINUTE_MS
  const span = Math.floor(intervalsPerChunk) * resolutionMs
  let cut = Math.floor((from + offset) / resolutionMs) * resolutionMs - offset + span
  for (let start = from; start < to; cut += span) {
    const end = Math.min(to, cut)
    const points = simulator.history(start, end, resolutionMs)
    if (points.length > 0) yield points
    start = end
  }
}
