import { z } from 'zod'
import { betterSchema, localizedTextSchema, regionLevelSchema } from '../catalog-schema'
import { RUNNING_PERIODS } from '../running-period'
import { codeParam, instantParam, levelParam, shown, truncate } from './params'

/**
 * The wall's reads: GET /api/series, /api/snapshot, /api/ranking and /api/changes — each
 * route's query as the server validates it and its reply as the client
 * parses it.
 */

/** The rollup steps a series is answered at, finest first (the server's rollup tables). */
export const SERIES_STEPS = ['1m', '1h', '1d'] as const
export type SeriesStep = (typeof SERIES_STEPS)[number]

/** Regions in each end of a ranking unless `limit` says otherwise: the five-best/five-worst panel. */
export const DEFAULT_RANKING_LIMIT = 5
/** Beyond this a "ranking" is a table: ask for the snapshot instead. */
export const MAX_RANKING_LIMIT = 50
/** Indicators one /api/changes request may ask for: a wall shows 16, the catalog holds a few dozen. */
export const MAX_CHANGE_INDICATORS = 100

// --- GET /api/series ---------------------------------------------------------

export const seriesQuerySchema = z.strictObject({
  indicator: codeParam('indicator'),
  region: codeParam('region'),
  station: codeParam('station').optional(),
  from: instantParam('from').optional(),
  to: instantParam('to').optional(),
  step: z.enum(SERIES_STEPS, { error: (i) => `step must be one of ${SERIES_STEPS.join(', ')}${i.input === undefined ? '' : ` (got ${shown(i.input)})`}` }).optional(),
  format: z.enum(['json', 'csv'], { error: 'format must be json or csv' }).optional(),
  /** The language of the names in a CSV export (default zh). */
  lang: z.enum(['zh', 'en'], { error: 'lang must be zh or en' }).optional(),
  /**
   * A CSV export's comparison, as the view shows it: the comparison window
   * (the previous period, or a year earlier) and its step. Each row then gets
   * the comparison bucket holding its time, and the change.
   */
  compareFrom: instantParam('compareFrom').optional(),
  compareTo: instantParam('compareTo').optional(),
  compareStep: z.enum(SERIES_STEPS, { error: `compareStep must be one of ${SERIES_STEPS.join(', ')}` }).optional(),
})

/** One bucket of a series: the mean of its readings, their range and how many there were. */
export const seriesPointSchema = z.object({
  ts: z.number(),
  value: z.number(),
  min: z.number(),
  max: z.number(),
  count: z.number(),
})
export type SeriesPoint = z.infer<typeof seriesPointSchema>

/** The JSON reply (`format=csv` answers the same points as text/csv). */
export const seriesReplySchema = z.object({
  indicator: z.string(),
  region: z.string(),
  /** Set when the series is one station's own readings rather than the region's. */
  station: z.string().optional(),
  step: z.enum(SERIES_STEPS),
  from: z.number(),
  to: z.number(),
  /**
   * The start of the bucket still open at the server's clock, when it lies in
   * the window: points from it on cover part of their step (today so far) and
   * must not be drawn as complete. Null when every bucket has closed.
   */
  partialFrom: z.number().nullable(),
  points: z.array(seriesPointSchema),
})
export type SeriesReply = z.infer<typeof seriesReplySchema>

// --- GET /api/snapshot -------------------------------------------------------

/** `indicator` may repeat (`?indicator=a&indicator=b`) or list codes with commas (`?indicator=a,b`). */
const indicatorListParam = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== ''))])

export const snapshotQuerySchema = z.strictObject({
  level: levelParam,
  parent: codeParam('parent').optional(),
  indicator: indicatorListParam.optional(),
})

export const snapshotValueSchema = z.object({
  indicator: z.string(),
  region: z.string(),
  value: z.number(),
  ts: z.number(),
})
export type SnapshotValue = z.infer<typeof snapshotValueSchema>

export const snapshotReplySchema = z.object({
  /** The newest value's time; null when there is none. */
  asOf: z.number().nullable(),
  values: z.array(snapshotValueSchema),
})
export type SnapshotReply = z.infer<typeof snapshotReplySchema>

// --- what a change compares --------------------------------------------------

const windowSchema = z.object({ from: z.number(), to: z.number() })

/**
 * What a change compares (common/comparison-periods.ts), so a screen can say
 * it: `days`, the mean of whole local days (the last 30 against the 30 before,
 * or the same days a year earlier); `sameElapsed`, a running value now against
 * its value at the same elapsed share of the earlier period, read at `step`
 * (12:00 today against 12:00 yesterday at 1m; a year back, where only daily
 * values are kept, at 1d or not at all).
 */
export const changeBasisSchema = z.object({
  kind: z.enum(['days', 'sameElapsed']),
  current: windowSchema,
  base: windowSchema,
  step: z.enum(SERIES_STEPS),
})
export type ChangeBasis = z.infer<typeof changeBasisSchema>

// --- GET /api/ranking --------------------------------------------------------

const limitParam = z.string().transform((text, ctx) => {
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN
  if (n >= 1 && n <= MAX_RANKING_LIMIT) return n
  ctx.addIssue({ code: 'custom', message: `limit must be a whole number from 1 to ${MAX_RANKING_LIMIT}, got "${truncate(text)}"` })
  return z.NEVER
})

export const rankingQuerySchema = z.strictObject({
  indicator: codeParam('indicator'),
  level: levelParam,
  parent: codeParam('parent').optional(),
  limit: limitParam.default(DEFAULT_RANKING_LIMIT),
})

export const rankedRegionSchema = z.object({
  region: z.string(),
  name: localizedTextSchema,
  value: z.number(),
  ts: z.number(),
  /** Change in percent against the previous period (the reply's `momBasis` says which); null when it cannot be computed. */
  mom: z.number().nullable(),
  /** Change in percent against a year earlier (`yoyBasis`). */
  yoy: z.number().nullable(),
  /** 1 for the best; regions with equal values share a rank (1, 2, 2, 4). */
  rank: z.number(),
})
export type RankedRegion = z.infer<typeof rankedRegionSchema>

export const rankingReplySchema = z.object({
  indicator: z.string(),
  level: regionLevelSchema,
  parent: z.string().nullable(),
  better: betterSchema,
  /** The best `limit` regions, best first. */
  top: z.array(rankedRegionSchema),
  /** The worst `limit` regions, in ranking order (the worst last). Overlaps `top` when there are fewer than 2 × limit regions. */
  bottom: z.array(rankedRegionSchema),
  /** How many regions were ranked. */
  all: z.number(),
  /** Set for a running value: `value` is the period so far, and its changes compare like for like. */
  running: z.enum(RUNNING_PERIODS).nullable(),
  /** What the rows' `mom` and `yoy` compare (null: no such comparison, or none could be made). */
  momBasis: changeBasisSchema.nullable(),
  yoyBasis: changeBasisSchema.nullable(),
})
export type RankingReply = z.infer<typeof rankingReplySchema>

// --- GET /api/changes --------------------------------------------------------

/** One region's month-on-month and year-on-year change of several indicators: the wall's KPI cards, in one request. */
export const changesQuerySchema = z.strictObject({
  region: codeParam('region'),
  indicator: indicatorListParam.refine((codes) => codes.length >= 1 && codes.length <= MAX_CHANGE_INDICATORS, {
    message: `indicator must name from 1 to ${MAX_CHANGE_INDICATORS} indicator codes`,
  }),
})

export const indicatorChangeSchema = z.object({
  indicator: z.string(),
  /** Set for a running value (today so far, month or year to date): its changes compare like for like. */
  running: z.enum(RUNNING_PERIODS).nullable(),
  /** Change in percent against the previous period (环比); null when it cannot be computed. */
  mom: z.number().nullable(),
  /** Change in percent against a year earlier (同比). */
  yoy: z.number().nullable(),
  /** What `mom` compares; null when there is no such comparison (a year-to-date figure has no 环比). */
  momBasis: changeBasisSchema.nullable(),
  yoyBasis: changeBasisSchema.nullable(),
})
export type IndicatorChange = z.infer<typeof indicatorChangeSchema>

export const changesReplySchema = z.object({
  region: z.string(),
  /** In the order asked for. */
  changes: z.array(indicatorChangeSchema),
})
export type ChangesReply = z.infer<typeof changesReplySchema>
