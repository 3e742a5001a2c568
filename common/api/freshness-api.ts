import { z } from 'zod'

/**
 * GET /api/freshness: per indicator and source, the last point seen against
 * the expected cadence, within the account's region.
 */

export const freshnessQuerySchema = z.strictObject({
  /** `stale=1`: only the indicators that are stale. */
  stale: z.enum(['0', '1', 'true', 'false'], { error: 'stale must be 0, 1, true or false' }).optional(),
})

export const sourceFreshnessSchema = z.object({
  source: z.string(),
  lastTs: z.number(),
  lastReceived: z.number(),
  ageSeconds: z.number(),
  /** Points seen from this source since the server started (0 for what storage remembered). */
  points: z.number(),
  stale: z.boolean(),
})

export const indicatorFreshnessSchema = z.object({
  indicator: z.string(),
  cadenceSeconds: z.number(),
  staleAfterSeconds: z.number(),
  lastTs: z.number().nullable(),
  stale: z.boolean(),
  sources: z.array(sourceFreshnessSchema),
})

export const freshnessReplySchema = z.object({
  asOf: z.number(),
  staleAfterCadences: z.number(),
  /** How many indicators are stale (of all, also when `stale=1` lists only those). */
  stale: z.number(),
  indicators: z.array(indicatorFreshnessSchema),
})
export type FreshnessReply = z.infer<typeof freshnessReplySchema>
