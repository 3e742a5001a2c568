/**
 * Seeded randomness. Everything random in OneScreen (simulators, test data,
 * benchmarks) derives from these so a run can be reproduced from its seed.
 */

/** 32-bit FNV-1a hash of a string: a stable seed from a name. */
export function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Murmur3's 32-bit finaliser: mixes all input bits into all output bits. */
function mix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * A uniform number in [0, 1) that is a pure function of its integer inputs.
 * Lets a simulator compute the noise of (series, time slot) without keeping
 * state, so history back-fill and live values come from one model.
 */
export function hashUnit(...parts: number[]): number {
  let h = 0x9e3779b9
  for (const p of parts) h = mix32(h ^ mix32(Math.floor(p) >>> 0) ^ Math.floor(p / 4294967296))
  return h / 4294967296
}

/** A standard-normal number that is a pure function of its integer inputs. */
export function hashGaussian(...parts: number[]): number {
  const u = Math.max(hashUnit(...parts, 1), 1e-12)
  const v = hashUnit(...parts, 2)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** A small, fast seeded generator (mulberry32) of uniform numbers in [0, 1). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A standard-normal draw from a uniform generator (Box–Muller). */
export function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}
