import { describe, expect, it } from 'vitest'
import { appendLive, trendWindowOf, type TrendPoint } from './trend-window'

const MIN = 60_000

describe('trendWindowOf', () => {
  it.each([
    [5, '1m'],
    [300, '1m'],
    [3_600, '1h'],
    [86_400, '1d'],
    [2_592_000, '1d'],
  ] as const)('cadence %i s reads step %s within 2,000 points', (cadence, step) => {
    const w = trendWindowOf(cadence)
    expect(w.step).toBe(step)
    expect(w.spanMs / w.bucketMs).toBeLessThanOrEqual(2_000)
  })
})

describe('appendLive', () => {
  const window = { bucketMs: MIN, spanMs: 10 * MIN }

  it('updates the open bucket and opens the next one', () => {
    const points: TrendPoint[] = [[0, 1], [MIN, 2]]
    expect(appendLive(points, MIN + 30_000, 5, window, 100)).toBe(true)
    expect(points).toEqual([[0, 1], [MIN, 5]])
    expect(appendLive(points, 2 * MIN + 1, 6, window, 100)).toBe(true)
    expect(points).toEqual([[0, 1], [MIN, 5], [2 * MIN, 6]])
  })

  it('ignores older values and repeats', () => {
    const points: TrendPoint[] = [[MIN, 2]]
    expect(appendLive(points, 10, 9, window, 100)).toBe(false)
    expect(appendLive(points, MIN + 5, 2, window, 100)).toBe(false)
    expect(points).toEqual([[MIN, 2]])
  })

  it('keeps the series to its window and cap however long it runs', () => {
    const points: TrendPoint[] = []
    for (let i = 0; i < 10_000; i++) appendLive(points, i * MIN, i, window, 8)
    expect(points.length).toBe(8)
    expect(points[points.length - 1]).toEqual([9_999 * MIN, 9_999])
    const wide: TrendPoint[] = []
    for (let i = 0; i < 1_000; i++) appendLive(wide, i * MIN, i, window, 1_000)
    expect(wide.length).toBe(11)
  })

  it('keeps buckets aligned to the last point (local days)', () => {
    const day = { bucketMs: 24 * 60 * MIN, spanMs: 30 * 24 * 60 * MIN }
    const eightHours = 8 * 60 * MIN
    const points: TrendPoint[] = [[-eightHours, 1]]
    appendLive(points, 20 * 60 * MIN, 2, day, 100)
    expect(points).toEqual([[-eightHours, 1], [16 * 60 * MIN, 2]])
  })
})
