/**
 * The region series' compaction plan, pure: which time ranges a run
 * recomputes, and how far it advances. `region-series.ts` schedules the runs
 * and executes the plan in SQL. Times are epoch ms; a range is [from, to).
 */

export type Range = readonly [from: number, to: number]

/** Ranges sorted, and merged where less than `gap` apart. */
export function mergeRanges(ranges: readonly Range[], gap: number): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const merged: Array<[number, number]> = []
  for (const [from, to] of sorted) {
    const last = merged.at(-1)
    if (last && from < last[1] + gap) last[1] = Math.max(last[1], to)
    else merged.push([from, to])
  }
  return merged
}

/**
 * What to recompute for marked ranges and late buckets: only what is both
 * still kept (from `coveredFrom`) and already compacted (below `watermark`),
 * in chunks of at most `chunkMs`. Scattered marks close together are merged
 * into whole chunks: fewer, larger statements.
 */
export function recomputeChunks(marks: readonly Range[], opts: { coveredFrom: number; watermark: number; chunkMs: number }): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const [from, to] of mergeRanges(marks, opts.chunkMs)) {
    const a = Math.max(from, opts.coveredFrom)
    const b = Math.min(to, opts.watermark)
    for (let lo = a; lo < b; lo += opts.chunkMs) out.push([lo, Math.min(lo + opts.chunkMs, b)])
  }
  return out
}

/**
 * How far a run advances the watermark: to the start of the bucket that
 * holds `now − grace` (later points may still arrive before that), and only
 * once that is at least `minAdvanceMs` ahead (not one minute bucket per
 * run). Undefined: nothing to do yet. A first run (watermark 0) starts from
 * the first bucket there is data for, never before what is kept, and at the
 * target when there is none.
 */
export function advanceTarget(opts: {
  target: number
  watermark: number
  minAdvanceMs: number
  coveredFrom: number
  earliestBucket: number
}): { from: number; to: number } | undefined {
  const { target, watermark } = opts
  // A first run starts where data is (or at the target, with none: the watermark is set there).
  if (watermark === 0) return { from: Math.min(target, Math.max(opts.coveredFrom, opts.earliestBucket)), to: target }
  if (target - watermark < opts.minAdvanceMs) return undefined
  return { from: watermark, to: target }
}

/** The chunk to compute next while advancing: from the first stored bucket at or after `from`, at most `chunkMs`, never past `to`. */
export function nextChunk(firstBucket: number, to: number, chunkMs: number): Range | undefined {
  if (firstBucket >= to) return undefined
  return [firstBucket, Math.min(firstBucket + chunkMs, to)]
}
