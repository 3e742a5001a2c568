import { z } from 'zod'

/**
 * GET /api/health. Anyone learns whether the server is up (200 `ok`, 503
 * `degraded`); the details go only to the admins of the whole tree. No query.
 */

export const healthSchema = z.object({ status: z.enum(['ok', 'degraded']) })

export const healthDetailsSchema = healthSchema.extend({
  storage: z.object({
    mode: z.enum(['embedded', 'remote']),
    ok: z.boolean(),
    error: z.string().optional(),
    lastWriteError: z.object({ at: z.number(), message: z.string() }).optional(),
  }),
  ingest: z.object({ accepted: z.number(), rejected: z.number(), duplicates: z.number(), queueDepth: z.number(), backpressured: z.number() }),
})
export type HealthDetails = z.infer<typeof healthDetailsSchema>

/** Either shape, by who asks: the details when the asker may read them. */
export const healthReplySchema = z.union([healthDetailsSchema, healthSchema])
export type HealthReply = z.infer<typeof healthReplySchema>
