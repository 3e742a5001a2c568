import { hashString, hashUnit } from '../../common/random'

/**
 * Noise for the simulators, built on the shared hash functions so every value is
 * a pure function of (seed, key, time slot). Models call these for every point,
 * so they take one pre-mixed 32-bit key and the slot instead of a list of parts.
 */

/** A 32-bit key for one purpose of one series, mixed with the run's seed. */
export function noiseKey(seed: number, ...labels: string[]): number {
  return Math.floor(hashUnit(seed, hashString(labels.join('\u0000'))) * 4294967296)
}

/** A uniform number in [0, 1) for (key, slot). */
export function unitAt(key: number, slot: number): number {
  return hashUnit(key, slot)
}

// Standard deviation of the sum of four independent bytes, each uniform on 0..255.
const FOUR_BYTES_SD = Math.sqrt((4 * (256 * 256 - 1)) / 12)

/**
 * A near-normal number (mean 0, sd 1) for (key, slot): the sum of the four bytes
 * of one hash. Three times cheaper than a Box–Muller pair, and its tails stop at
 * ±3.5 sd, which suits measurement noise that should not produce absurd values.
 */
export function normalAt(key: number, slot: number): number {
  const h = (hashUnit(key, slot) * 4294967296) >>> 0
  return ((h & 255) + ((h >>> 8) & 255) + ((h >>> 16) & 255) + (h >>> 24) - 510) / FOUR_BYTES_SD
}

/**
 * Smooth random variation (sd 1) with independent values at knots `knotMs` apart,
 * blended in between: weather, demand swings, drifts. Remembers the last knot pair
 * because models ask for nearby times in sequence; that memo never changes a value.
 */
export class SmoothNoise {
  private knot = Number.NaN
  private g0 = 0
  private g1 = 0

  constructor(
    private readonly key: number,
    readonly knotMs: number,
  ) {}

  at(t: number): number {
    const x = t / this.knotMs
    const i = Math.floor(x)
    // On a knot: its own value, without touching the memo (coarse sampling lands here).
    if (x === i) return i === this.knot ? this.g0 : i === this.knot + 1 ? this.g1 : normalAt(this.key, i)
    if (i !== this.knot) {
      this.g0 = i === this.knot + 1 ? this.g1 : normalAt(this.key, i)
      this.g1 = normalAt(this.key, i + 1)
      this.knot = i
    }
    const f = x - i
    const s = f * f * (3 - 2 * f)
    // Dividing by the blend's own sd keeps the variance 1 between knots too.
    return ((1 - s) * this.g0 + s * this.g1) / Math.sqrt((1 - s) * (1 - s) + s * s)
  }
}

/** A Poisson count of mean `lambda` from a uniform `u` (small means) or a normal `z` (large ones). */
export function poissonDraw(lambda: number, u: number, z: number): number {
  if (!(lambda > 0)) return 0
  if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z))
  let k = 0
  let p = Math.exp(-lambda)
  let cdf = p
  while (u > cdf && k < 200) {
    k++
    p *= lambda / k
    cdf += p
  }
  return k
}

/** A binomial count of `n` trials with probability `p`, from a uniform `u` and a normal `z`. */
export function binomialDraw(n: number, p: number, u: number, z: number): number {
  if (n <= 0 || p <= 0) return 0
  if (p >= 1) return n
  const variance = n * p * (1 - p)
  if (variance > 16) return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(variance) * z)))
  // Invert the CDF from the likelier end so (1 − p)^n does not underflow.
  if (p > 0.5) return n - binomialDraw(n, 1 - p, 1 - u, -z)
  let k = 0
  let pmf = Math.pow(1 - p, n)
  let cdf = pmf
  const ratio = p / (1 - p)
  while (u > cdf && k < n) {
    pmf *= ((n - k) / (k + 1)) * ratio
    k++
    cdf += pmf
  }
  return k
}

/** Clamps to [lo, hi]. */
export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v
}
