import { describe, expect, it } from 'vitest'
import { binomialDraw, normalAt, poissonDraw, SmoothNoise, unitAt } from './seeded-noise'

function stats(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length)
  return { mean, sd }
}

describe('seeded noise', () => {
  it('normalAt is a pure, near-standard normal', () => {
    const values = Array.from({ length: 20000 }, (_, i) => normalAt(7, i))
    const { mean, sd } = stats(values)
    expect(Math.abs(mean)).toBeLessThan(0.03)
    expect(sd).toBeGreaterThan(0.97)
    expect(sd).toBeLessThan(1.03)
    expect(normalAt(7, 123)).toBe(normalAt(7, 123))
    expect(normalAt(7, 123)).not.toBe(normalAt(8, 123))
  })

  it('SmoothNoise passes through its knots and changes gradually in between', () => {
    const noise = new SmoothNoise(11, 1000)
    expect(noise.at(5000)).toBe(normalAt(11, 5))
    let biggestStep = 0
    for (let t = 5000; t < 9000; t += 10) biggestStep = Math.max(biggestStep, Math.abs(noise.at(t + 10) - noise.at(t)))
    expect(biggestStep).toBeLessThan(0.2)
    // The memo must not change values: a fresh instance agrees at any time.
    expect(new SmoothNoise(11, 1000).at(7321)).toBe(noise.at(7321))
  })

  it.each([0.5, 3, 25, 400])('poissonDraw has mean %d', (lambda) => {
    const draws = Array.from({ length: 4000 }, (_, i) => poissonDraw(lambda, unitAt(3, i), normalAt(4, i)))
    const { mean } = stats(draws)
    expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / 4000) + 0.01)
    expect(draws.every((d) => Number.isInteger(d) && d >= 0)).toBe(true)
  })

  it.each([
    [10, 0.2],
    [10, 0.9],
    [5000, 0.01],
    [5000, 0.5],
  ])('binomialDraw(%d, %d) has mean n·p and stays in 0..n', (n, p) => {
    const draws = Array.from({ length: 4000 }, (_, i) => binomialDraw(n, p, unitAt(5, i), normalAt(6, i)))
    const { mean } = stats(draws)
    expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt((n * p * (1 - p)) / 4000) + 0.01)
    expect(draws.every((d) => Number.isInteger(d) && d >= 0 && d <= n)).toBe(true)
  })
})
