import type { Domain, LocalizedText, Target } from './catalog-schema'
import type { DomainScore, IndicatorScore, RegionScorecard, ScoredDirection } from './scorecard-schema'

/**
 * The scorecard's arithmetic, pure: each indicator's latest value normalised
 * to 0–100 against its target and direction, then weighted means per domain
 * and per region. No I/O, so it is tested with plain numbers and could run in
 * the client as well.
 *
 * Normalisation is a ratio to the target, capped at 100:
 * - level target t, higher is better: 100 · min(1, v / t)      (v ≤ 0 scores 0)
 * - level target t, lower is better:  100 · min(1, t / v)      (v ≤ t, also v ≤ 0, scores 100)
 * - year-on-year target p %: the same with (1 + yoy/100) against (1 + p/100),
 *   so "−10 % at-risk households" reached exactly scores 100, and a rise of
 *   20 % instead scores 100 · 0.9 / 1.2 = 75.
 * A ratio rather than a min–max scale because it needs no other region to
 * compare with (a county's score does not move when another county changes)
 * and it reads plainly: 80 means "80 % of the way to target" for a
 * higher-is-better indicator. Overshooting is not rewarded beyond 100, so one
 * excellent indicator cannot hide a failing one in the same domain.
 *
 * An indicator without a value (or, for a year-on-year target, without a
 * year-ago value to compare with) is left out and the weights of the others
 * are renormalised; `coverage` says how much of the weight was present, so a
 * partial score is never mistaken for a full one.
 */

/** The best score: at or beyond target. */
export const FULL_SCORE = 100

/** One indicator of a domain, resolved against the catalog: everything scoring needs. */
export interface ScorecardIndicator {
  indicator: string
  /** Relative weight within the domain (> 0). */
  weight: number
  target: Target
  better: ScoredDirection
}

export interface ScorecardDomain {
  domain: Domain
  title: LocalizedText
  /** Relative weight of the domain in a region's overall score (> 0). */
  weight: number
  indicators: ScorecardIndicator[]
}

/** A validated scorecard (see server/scorecard/load-scorecard.ts): every indicator exists, has a direction and a target. */
export interface Scorecard {
  domains: ScorecardDomain[]
}

/** What is known of one indicator in one region. */
export interface Reading {
  value: number
  ts: number
  /** Year-on-year change in percent; null when there is no year-ago value. */
  yoy?: number | null
}

/**
 * The indicator's score, 0–100, or null when it cannot be scored (no value, or
 * no year-on-year change for a `yoyChange` target). Throws on a target the
 * ratio cannot use (level ≤ 0, change ≤ −100 %): the weights loader refuses
 * those, so reaching here with one is a bug.
 */
export function normalise(target: Target, better: ScoredDirection, reading: Pick<Reading, 'value' | 'yoy'> | undefined): number | null {
  if (reading === undefined) return null
  if (target.kind === 'level') return ratioScore(reading.value, target.value, better)
  if (reading.yoy === undefined || reading.yoy === null) return null
  // A fall of more than 100 % is impossible for counts; clamp a noisy one to "nothing left".
  return ratioScore(Math.max(0, 1 + reading.yoy / 100), 1 + target.percent / 100, better)
}

function ratioScore(actual: number, goal: number, better: ScoredDirection): number {
  if (!(goal > 0) || !Number.isFinite(goal)) throw new RangeError(`a scorecard target must be a positive ratio basis, got ${goal}`)
  if (!Number.isFinite(actual)) throw new RangeError(`cannot score the non-finite value ${actual}`)
  if (better === 'higher') return actual >= goal ? FULL_SCORE : actual <= 0 ? 0 : (FULL_SCORE * actual) / goal
  return actual <= goal ? FULL_SCORE : (FULL_SCORE * goal) / actual
}

/** Looks up a region's readings by indicator code. */
export type ReadingsOf = (indicator: string) => Reading | undefined

/** One domain's score: the weighted mean of the indicators that could be scored. */
export function scoreDomain(domain: ScorecardDomain, readings: ReadingsOf): DomainScore {
  const scored = domain.indicators.map((spec) => {
    const reading = readings(spec.indicator)
    return { spec, reading, normalised: normalise(spec.target, spec.better, reading) }
  })
  const totalWeight = sum(domain.indicators.map((i) => i.weight))
  const presentWeight = sum(scored.filter((s) => s.normalised !== null).map((s) => s.spec.weight))
  const indicators: IndicatorScore[] = scored.map(({ spec, reading, normalised }) => {
    const out: IndicatorScore = {
      indicator: spec.indicator,
      value: reading?.value ?? null,
      ts: reading?.ts ?? null,
      target: spec.target,
      better: spec.better,
      normalised,
      weight: spec.weight,
      contribution: normalised === null ? null : (spec.weight * normalised) / presentWeight,
    }
    if (spec.target.kind === 'yoyChange') out.yoy = reading?.yoy ?? null
    return out
  })
  const score = presentWeight > 0 ? sum(indicators.map((i) => i.contribution ?? 0)) : null
  return {
    domain: domain.domain,
    title: domain.title,
    weight: domain.weight,
    score: score === null ? null : clampScore(score),
    coverage: presentWeight / totalWeight,
    indicators,
  }
}

/** A region's scorecard: every domain, and the overall score as the weighted mean of the domain scores present. */
export function scoreRegion(
  scorecard: Scorecard,
  region: { code: string; name: LocalizedText },
  readings: ReadingsOf,
): RegionScorecard {
  const domains = scorecard.domains.map((d) => scoreDomain(d, readings))
  const totalWeight = sum(domains.map((d) => d.weight))
  const present = domains.filter((d) => d.score !== null)
  const presentWeight = sum(present.map((d) => d.weight))
  return {
    region: region.code,
    name: region.name,
    overall: presentWeight > 0 ? clampScore(sum(present.map((d) => d.weight * d.score!)) / presentWeight) : null,
    coverage: sum(domains.map((d) => d.weight * d.coverage)) / totalWeight,
    domains,
  }
}

/**
 * Best overall first. A region with no score at all goes last; ties (equal
 * scores are common when every indicator is at target) go to the better
 * coverage, then the code, so the order is stable from one refresh to the next.
 */
export function compareRegionScorecards(a: RegionScorecard, b: RegionScorecard): number {
  if (a.overall === null || b.overall === null) return (a.overall === null ? 1 : 0) - (b.overall === null ? 1 : 0) || a.region.localeCompare(b.region)
  return b.overall - a.overall || b.coverage - a.coverage || a.region.localeCompare(b.region)
}

function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0)
}

/** Floating-point sums of contributions can land a hair above 100; the reply promises 0–100. */
function clampScore(score: number): number {
  return Math.min(FULL_SCORE, Math.max(0, score))
}
