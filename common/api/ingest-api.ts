import { z } from 'zod'

/**
 * POST /api/ingest: points as NDJSON, JSON or CSV (the body is text, checked
 * record by record by ingest/; no JSON body schema). The reply counts what was
 * kept and says why each refused record was refused.
 */
export const ingestReplySchema = z.object({
  accepted: z.number(),
  rejected: z.number(),
  /** Points whose id was stored before: not stored again, not an error. */
  duplicates: z.number(),
  errors: z.array(z.object({ line: z.number(), field: z.string(), reason: z.string() })),
  /** True when there were more errors than the reply lists (all are kept in rejects). */
  errorsTruncated: z.boolean().optional(),
})
export type IngestReply = z.infer<typeof ingestReplySchema>
