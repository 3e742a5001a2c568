import { z } from 'zod'

/** Every HTTP reply that is not a success: `{ ok: false, error: { code, message } }` (server/http/api-error.ts). */
export const errorReplySchema = z.object({
  ok: z.literal(false),
  error: z.object({
    /** For programs: `bad_query`, `unknown_region`, `not_found`… */
    code: z.string(),
    /** For people: names the parameter or field at fault. */
    message: z.string(),
    /** Where a route says more, e.g. every problem of a rule as a list. */
    details: z.unknown().optional(),
  }),
})
export type ErrorReply = z.infer<typeof errorReplySchema>
