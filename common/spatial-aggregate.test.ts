import { describe, expect, it } from 'vitest'
import { aggregateSpatially, type SeriesValue } from './spatial-aggregate'

const values: SeriesValue[] = [
  { value: 10, ts: 3, weight: 1 },
  { value: 20, ts: 1, weight: 3 },
  { value: 60, ts: 2, weight: 0 },
]

describe('aggregateSpatially', () => {
  it.each([
    ['sum', 90],
    ['mean', 30],
    ['max', 60],
    ['last', 10],
    // weights 1 and 3; the series with weight 0 does not count
    ['weightedMean', (10 * 1 + 20 * 3) / 4],
  ] as const)('%s', (rule, expected) => {
    expect(aggregateSpatially(rule, values)).toBeCloseTo(expected, 10)
  })

  it('falls back to the mean when no series has a weight', () => {
    expect(aggregateSpatially('weightedMean', [{ value: 1, ts: 0 }, { value: 3, ts: 0 }])).toBe(2)
  })

  it('has no value for no series', () => {
    expect(aggregateSpatially('sum', [])).toBeNull()
  })
})
