import { describe, expect, it } from 'vitest'
import { advanceTarget, mergeRanges, nextChunk, recomputeChunks } from './compaction-plan'

const H = 3_600_000

describe('the compaction plan', () => {
  it.each<[string, Array<[number, number]>, number, Array<[number, number]>]>([
    ['sorts and merges overlapping ranges', [[5, 9], [0, 6]], 0, [[0, 9]]],
    ['merges ranges closer than the gap', [[0, 2], [4, 6]], 3, [[0, 6]]],
    ['keeps ranges further apart than the gap', [[0, 2], [10, 12]], 3, [[0, 2], [10, 12]]],
    ['nothing from nothing', [], 5, []],
  ])('mergeRanges %s', (_, ranges, gap, expected) => {
    expect(mergeRanges(ranges, gap)).toEqual(expected)
  })

  it.each<[string, Array<[number, number]>, { coveredFrom: number; watermark: number; chunkMs: number }, Array<[number, number]>]>([
    ['late buckets close together are recomputed as one chunk', [[1 * H, 2 * H], [3 * H, 4 * H]], { coveredFrom: 0, watermark: 100 * H, chunkMs: 3 * H }, [[1 * H, 4 * H]]],
    ['a long range is cut into chunks', [[0, 7 * H]], { coveredFrom: 0, watermark: 100 * H, chunkMs: 3 * H }, [[0, 3 * H], [3 * H, 6 * H], [6 * H, 7 * H]]],
    ['nothing past the watermark (not compacted yet)', [[90 * H, 110 * H]], { coveredFrom: 0, watermark: 100 * H, chunkMs: 50 * H }, [[90 * H, 100 * H]]],
    ['nothing before what is kept', [[0, 10 * H]], { coveredFrom: 8 * H, watermark: 100 * H, chunkMs: 50 * H }, [[8 * H, 10 * H]]],
    ['a mark wholly outside gives nothing', [[200 * H, 201 * H]], { coveredFrom: 0, watermark: 100 * H, chunkMs: 3 * H }, []],
  ])('recomputeChunks: %s', (_, marks, opts, expected) => {
    expect(recomputeChunks(marks, opts)).toEqual(expected)
  })

  it.each<[string, Parameters<typeof advanceTarget>[0], ReturnType<typeof advanceTarget>]>([
    ['advances from the watermark to the target', { target: 10 * H, watermark: 8 * H, minAdvanceMs: H, coveredFrom: 0, earliestBucket: 0 }, { from: 8 * H, to: 10 * H }],
    ['waits until the step is worth a run', { target: 10 * H, watermark: 10 * H - 60_000, minAdvanceMs: 5 * 60_000, coveredFrom: 0, earliestBucket: 0 }, undefined],
    ['a first run starts at the first bucket with data', { target: 10 * H, watermark: 0, minAdvanceMs: H, coveredFrom: 0, earliestBucket: 4 * H }, { from: 4 * H, to: 10 * H }],
    ['a first run never starts before what is kept', { target: 10 * H, watermark: 0, minAdvanceMs: H, coveredFrom: 6 * H, earliestBucket: 4 * H }, { from: 6 * H, to: 10 * H }],
    ['a first run with no data sets the watermark at the target', { target: 10 * H, watermark: 0, minAdvanceMs: H, coveredFrom: 0, earliestBucket: Infinity }, { from: 10 * H, to: 10 * H }],
  ])('advanceTarget: %s', (_, opts, expected) => {
    expect(advanceTarget(opts)).toEqual(expected)
  })

  it('nextChunk skips to the first stored bucket and never passes the target', () => {
    expect(nextChunk(5 * H, 10 * H, 3 * H)).toEqual([5 * H, 8 * H])
    expect(nextChunk(9 * H, 10 * H, 3 * H)).toEqual([9 * H, 10 * H])
    expect(nextChunk(10 * H, 10 * H, 3 * H)).toBeUndefined()
  })
})
