import { describe, expect, it } from 'vitest'
import { alignComparison, comparisonCoverage } from './series-align'

const H = 3_600_000
const D = 24 * H
const pt = (ts: number, value: number) => ({ ts, value, min: value, max: value, count: 1 })

describe('lining a comparison up with the main series', () => {
  it('matches bucket for bucket at the same step', () => {
    const main = [pt(10 * D, 1), pt(10 * D + H, 2)]
    const aligned = alignComparison(main, { points: [pt(3 * D, 7), pt(3 * D + H, 8)], offset: 7 * D, step: '1h' })
    expect([...aligned].map(([ts, c]) => [ts, c.value])).toEqual([
      [10 * D, 7],
      [10 * D + H, 8],
    ])
  })

  it('gives every hour of a day the daily value a year back holds', () => {
    const main = [pt(400 * D, 1), pt(400 * D + 5 * H, 2), pt(401 * D + 23 * H, 3)]
    const aligned = alignComparison(main, { points: [pt(35 * D, 50), pt(36 * D, 60)], offset: 365 * D, step: '1d' })
    expect([...aligned].map(([ts, c]) => [ts, c.value])).toEqual([
      [400 * D, 50],
      [400 * D + 5 * H, 50],
      [401 * D + 23 * H, 60],
    ])
  })

  it('leaves out main buckets with nothing to compare with', () => {
    const aligned = alignComparison([pt(0, 1), pt(2 * H, 1)], { points: [pt(-7 * D + 2 * H, 5)], offset: 7 * D, step: '1h' })
    expect([...aligned.keys()]).toEqual([2 * H])
  })
})

describe('what a comparison covers', () => {
  it('is the whole window when its buckets fill it', () => {
    expect(comparisonCoverage([pt(0, 1), pt(D, 1)], { from: 0, to: 2 * D }, '1d')).toEqual({ from: 0, share: 1 })
  })

  it('is a part when history starts inside the window', () => {
    const points = Array.from({ length: 35 }, (_, i) => pt((330 + i) * D, 1))
    const c = comparisonCoverage(points, { from: 0, to: 365 * D }, '1d')
    expect(c.from).toBe(330 * D)
    expect(c.share).toBeCloseTo(35 / 365, 9)
  })

  it('is nothing without points', () => {
    expect(comparisonCoverage([], { from: 0, to: D }, '1h')).toEqual({ from: null, share: 0 })
  })
})
