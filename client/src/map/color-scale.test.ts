import { describe, expect, it } from 'vitest'
import { hexToRgba, rampLookup } from './color-scale'

describe('hexToRgba', () => {
  it.each([
    ['#00E400', [0, 228, 0, 255]],
    ['#7e0023', [126, 0, 35, 255]],
  ] as const)('reads %s', (hex, rgba) => {
    expect(hexToRgba(hex)).toEqual(rgba)
  })
})

describe('rampLookup', () => {
  it('runs from the first stop to the last', () => {
    const ramp = rampLookup(['#000000', '#ff0000', '#ffffff'], 200, 5)
    expect(ramp[0]).toEqual([0, 0, 0, 200])
    expect(ramp[2]).toEqual([255, 0, 0, 200])
    expect(ramp[4]).toEqual([255, 255, 255, 200])
  })
})
