import { describe, expect, it } from 'vitest'
import { allocateSeats } from './seat-allocation'

const weights = new Map([
  ['big', 10],
  ['mid', 3],
  ['small', 1],
])

describe('allocateSeats', () => {
  it('gives everyone one seat before anyone gets a second, then shares by weight', () => {
    // 17 seats at 10:3:1 are 12.1, 3.6 and 1.2 exactly.
    expect(allocateSeats(weights, 17)).toEqual(new Map([['big', 12], ['mid', 4], ['small', 1]]))
  })

  it('leaves the lightest without a seat when there are fewer seats than claimants', () => {
    expect(allocateSeats(weights, 2)).toEqual(new Map([['big', 1], ['mid', 1], ['small', 0]]))
  })

  it('rejects a weight that is not positive', () => {
    expect(() => allocateSeats(new Map([['x', 0]]), 1)).toThrow(/positive/)
  })
})
