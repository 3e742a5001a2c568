import { describe, expect, it } from 'vitest'
import { createRng, gaussian, hashGaussian, hashString, hashUnit } from './random'

describe('seeded randomness', () => {
  it('repeats a sequence for the same seed and differs for another', () => {
    const a = createRng(42)
    const b = createRng(42)
    const c = createRng(43)
    const sa = Array.from({ length: 5 }, a)
    expect(Array.from({ length: 5 }, b)).toEqual(sa)
    expect(Array.from({ length: 5 }, c)).not.toEqual(sa)
  })

  it('draws uniform numbers in [0, 1) with the right mean', () => {
    const rng = createRng(7)
    const xs = Array.from({ length: 20000 }, rng)
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...xs)).toBeLessThan(1)
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1)
  })

  it('draws normals with mean 0 and deviation 1', () => {
    const rng = createRng(9)
    const xs = Array.from({ length: 20000 }, () => gaussian(rng))
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length)
    expect(Math.abs(mean)).toBeLessThan(0.05)
    expect(sd).toBeGreaterThan(0.95)
    expect(sd).toBeLessThan(1.05)
  })

  it('hashes inputs to stable, well-spread numbers', () => {
    expect(hashUnit(1, 2, 3)).toBe(hashUnit(1, 2, 3))
    expect(hashUnit(1, 2, 3)).not.toBe(hashUnit(1, 2, 4))
    expect(hashString('env.aqi')).toBe(hashString('env.aqi'))
    const xs = Array.from({ length: 20000 }, (_, i) => hashGaussian(5, i))
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    expect(Math.abs(mean)).toBeLessThan(0.05)
    // Large inputs such as epoch milliseconds must still spread.
    const big = new Set(Array.from({ length: 1000 }, (_, i) => hashUnit(1_763_000_000_000 + i * 60_000)))
    expect(big.size).toBe(1000)
  })
})
