import { z } from 'zod'
import { codeSchema, localizedTextSchema, targetSchema } from './catalog-schema'

/**
 * The scorecard's two boundaries as zod schemas: the weights file an operator
 * edits (`scorecard.json` in the catalog directory) and the reply of
 * `GET /api/scorecard`, which the client parses before it draws a number.
 *
 * Weights are data for the same reason indicators are: a province changes its
 * evaluation scheme (what counts, and how much) every year or two, as the
 * provincial business-environment evaluations do, and that must not need a
 * release. Targets and directions are not repeated here; they come from the
 * indicator catalog, so a target changed there changes the score at once.
 */

/** A weight must be a finite positive number: a zero or negative weight has no meaning in a weighted mean. */
const weightSchema = z.number().refine(Number.isFinite, 'must be a finite number').refine((w) => w > 0, 'must be greater than 0')

export const scorecardIndicatorWeightSchema = z.strictObject({
  indicator: codeSchema,
  /** Relative weight within the domain; only ratios matter (the sample uses points out of 100). */
  weight: weightSchema,
})

export const scorecardDomainWeightsSchema = z.strictObject({
  domain: codeSchema,
  /** What the wall calls the domain's score, e.g. 营商环境指数 / Business environment index. */
  title: localizedTextSchema,
  /** The domain's weight in a region's overall score. @default 1 (all domains count the same) */
  weight: weightSchema.optional(),
  indicators: z.array(scorecardIndicatorWeightSchema).min(1, 'must list at least one indicator'),
})

export const scorecardFileSchema = z.strictObject({
  /** Where the weights come from, for the people who maintain them (JSON has no comments). */
  description: localizedTextSchema.optional(),
  domains: z.array(scorecardDomainWeightsSchema).min(1, 'must list at least one domain'),
})
export type ScorecardFile = z.infer<typeof scorecardFileSchema>

/** Directions an indicator must have to be scored (`neither` cannot be). */
export const scoredDirectionSchema = z.enum(['higher', 'lower'])
export type ScoredDirection = z.infer<typeof scoredDirectionSchema>

export const indicatorScoreSchema = z.object({
  indicator: codeSchema,
  /** The latest value (region aggregate); null when the region has none. */
  value: z.number().nullable(),
  /** Event time of that value, epoch ms, so a stale input can be shown as stale. */
  ts: z.number().nullable(),
  target: targetSchema,
  better: scoredDirectionSchema,
  /** Year-on-year change in percent; present only for `yoyChange` targets, null when it cannot be computed. */
  yoy: z.number().nullable().optional(),
  /** 0–100, 100 at or beyond the target in the good direction; null when left out (no value). */
  normalised: z.number().min(0).max(100).nullable(),
  /** The weight from the weights file, as written. */
  weight: z.number().positive(),
  /** Points this indicator adds to the domain score (the contributions sum to the score); null when left out. */
  contribution: z.number().nullable(),
})
export type IndicatorScore = z.infer<typeof indicatorScoreSchema>

export const domainScoreSchema = z.object({
  domain: codeSchema,
  title: localizedTextSchema,
  weight: z.number().positive(),
  /** Weighted mean of the normalised scores present, 0–100; null when none is. */
  score: z.number().min(0).max(100).nullable(),
  /** Share of the domain's weight that had a score, 0–1: below 1 the score is partial. */
  coverage: z.number().min(0).max(1),
  indicators: z.array(indicatorScoreSchema),
})
export type DomainScore = z.infer<typeof domainScoreSchema>

export const regionScorecardSchema = z.object({
  region: codeSchema,
  name: localizedTextSchema,
  /** Weighted mean of the domain scores present, 0–100; null when no domain has one. */
  overall: z.number().min(0).max(100).nullable(),
  /** Share of all weight (domain weight × indicator weight) that had a score, 0–1. */
  coverage: z.number().min(0).max(1),
  domains: z.array(domainScoreSchema),
})
export type RegionScorecard = z.infer<typeof regionScorecardSchema>

export const scorecardReplySchema = z.object({
  /** Newest event time behind any value used, epoch ms; null when there is no data. */
  asOf: z.number().nullable(),
  /** Best overall first; regions without any score last. */
  regions: z.array(regionScorecardSchema),
})
export type ScorecardReply = z.infer<typeof scorecardReplySchema>
