import type { z } from 'zod'
import { ApiError } from './api-error'

/** A JSON body checked against its schema; a 400 naming the fields at fault otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {})
  if (parsed.success) return parsed.data
  const message = parsed.error.issues
    .slice(0, 5)
    .map((i) => (i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` : `${i.path.join('.') || 'body'}: ${i.message}`))
    .join('; ')
  throw new ApiError(400, 'bad_body', message)
}
