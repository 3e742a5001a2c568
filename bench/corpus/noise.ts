import { gaussian } from '../../common/random'

/**
 * Seeded draws the corpus shapes are built from. Every function takes the
 * series' own generator, so a series is a pure function of its seed.
 */

export type Rng = () => number

export function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng()
}

/** A whole number in [lo, hi]. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1))
}

export function pick<T>(rng: Rng, choices: readonly T[]): T {
  return choices[Math.floor(rng() * choices.length)]!
}

export function normal(rng: Rng, mean = 0, sd = 1): number {
  return mean + sd * gaussian(rng)
}

/** Laplace noise with this standard deviation: heavier tails than a normal one. */
export function laplace(rng: Rng, sd: number): number {
  const u = rng() - 0.5
  return -(sd / Math.SQRT2) * Math.sign(u) * Math.log(Math.max(1e-12, 1 - 2 * Math.abs(u)))
}

/** A Poisson count: exact below a mean of 30, a rounded normal above (counts of social posts, requests). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)))
  const limit = Math.exp(-mean)
  let k = 0
  let p = rng()
  while (p > limit) {
    k++
    p *= rng()
  }
  return k
}

/** A Pareto draw ≥ 1 with tail index `alpha`: sizes of benign bursts, most small, a few large. */
export function pareto(rng: Rng, alpha: number): number {
  return Math.pow(Math.max(1e-12, 1 - rng()), -1 / alpha)
}

/**
 * A mean-reverting random walk (Ornstein–Uhlenbeck) sampled at each step:
 * slow weather, load or popularity that wanders around 0 with standard
 * deviation `sd` and a correlation time of `tauSteps` steps.
 */
export function wander(rng: Rng, steps: number, sd: number, tauSteps: number): Float64Array {
  const out = new Float64Array(steps)
  const a = Math.exp(-1 / Math.max(1, tauSteps))
  const kick = sd * Math.sqrt(1 - a * a)
  let x = sd * gaussian(rng)
  for (let i = 0; i < steps; i++) {
    out[i] = x
    x = a * x + kick * gaussian(rng)
  }
  return out
}
