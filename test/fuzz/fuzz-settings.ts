/**
 * Settings every fuzz suite shares. Runs are seeded, so a failure is
 * reproducible: fast-check prints the seed and path of the failing case, and
 * `FUZZ_SEED=<seed>` replays the whole suite with it. `FUZZ_RUNS=<factor>`
 * scales every property's number of cases (e.g. 10 for a long soak, 0.1 for a
 * quick look).
 */

/** Any fixed number will do; 2260 is the simulators' default seed. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 2260)

const RUNS_FACTOR = Number(process.env.FUZZ_RUNS ?? 1)

/** fast-check parameters for a property meant to run `numRuns` cases at the default scale. */
export function fuzzRuns(numRuns: number): { seed: number; numRuns: number } {
  return { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(numRuns * RUNS_FACTOR)) }
}
