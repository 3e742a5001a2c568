import { describe, expect, it } from 'vitest'
import { choroplethScale, hexToRgba, niceDomain, NO_DATA_RGBA } from './color-scale'

const isGreen = ([r, g]: readonly number[]) => g! > r!
const isRed = ([r, g]: readonly number[]) => r! > g!

describe('niceDomain', () => {
  it.each([
    [91.3, 97.8, [0, 100], [90, 98]],
    [12, 487, [0, 500], [0, 500]],
    [0.8, 3.4, [0, 10], [0, 4]],
    [1200, 1200, [0, 1_000_000], [1050, 1350]],
  ] as const)('rounds [%d, %d] within %j outwards to %j', (min, max, range, expected) => {
    expect(niceDomain(min, max, range)).toEqual(expected)
  })

  it('never leaves the physical range', () => {
    const [lo, hi] = niceDomain(0.3, 99.7, [0, 100])
    expect(lo).toBeGreaterThanOrEqual(0)
    expect(hi).toBeLessThanOrEqual(100)
  })
})

describe('choroplethScale', () => {
  it('colours high values green when higher is better and red when lower is better', () => {
    const values = [10, 20, 30]
    const higher = choroplethScale(values, 'higher', [0, 100])
    const lower = choroplethScale(values, 'lower', [0, 100])
    expect(isGreen(higher.color(30))).toBe(true)
    expect(isRed(higher.color(10))).toBe(true)
    expect(isRed(lower.color(30))).toBe(true)
    expect(isGreen(lower.color(10))).toBe(true)
  })

  it('gives a neutral (blue) ramp to indicators that are neither good nor bad', () => {
    const scale = choroplethScale([1, 5, 9], 'neither', [0, 10])
    for (const v of [1, 5, 9]) {
      const [r, , b] = scale.color(v)
      expect(b).toBeGreaterThan(r)
    }
  })

  it('skips missing values and colours them as no data', () => {
    const scale = choroplethScale([Number.NaN, 40, 60], 'higher', [0, 100])
    expect(scale.domain).toEqual([40, 60])
    expect(scale.color(Number.NaN)).toBe(NO_DATA_RGBA)
  })

  it('falls back to the indicator range without any value', () => {
    expect(choroplethScale([Number.NaN], 'lower', [0, 500]).domain).toEqual([0, 500])
  })

  it('diverges around a target: regions all within target read as good', () => {
    const scale = choroplethScale([30, 45, 60], 'lower', [0, 500], 100)
    expect(scale.domain[1]).toBeGreaterThanOrEqual(100)
    expect(scale).toMatchObject({ mid: 100, midIsTarget: true })
    for (const v of [30, 45, 60]) expect(isGreen(scale.color(v))).toBe(true)
    expect(scale.color(100)).toEqual(choroplethScale([0, 200], 'lower', [0, 500]).color(100))
  })

  it('puts values on the bad side of the target in red', () => {
    const scale = choroplethScale([80, 92, 99], 'higher', [0, 100], 95)
    expect(isRed(scale.color(80))).toBe(true)
    expect(isGreen(scale.color(99))).toBe(true)
  })

  it('ignores a target for an indicator that is neither good nor bad', () => {
    expect(choroplethScale([1, 9], 'neither', [0, 10], 5).midIsTarget).toBe(false)
  })

  it('clamps values outside the domain to its ends', () => {
    const scale = choroplethScale([10, 20], 'higher', [0, 100])
    expect(scale.color(-5)).toEqual(scale.color(10))
    expect(scale.color(1e6)).toEqual(scale.color(20))
  })

  it('lists its stops from the domain minimum to the maximum', () => {
    const scale = choroplethScale([1, 2], 'lower', [0, 10])
    expect(hexToRgba(scale.stops[0]!).slice(0, 3)).toEqual(scale.color(1).slice(0, 3))
  })
})

describe('choroplethScale around a target at the edge of the values', () => {
  it('centres the domain on the target as far as the physical range allows', () => {
    expect(choroplethScale([30, 60], 'lower', [0, 500], 100).domain).toEqual([0, 200])
    const clipped = choroplethScale([90, 99], 'higher', [0, 100], 95)
    expect(clipped.domain[1]).toBe(100)
    expect(clipped.domain[0]).toBeLessThanOrEqual(90)
  })
})
