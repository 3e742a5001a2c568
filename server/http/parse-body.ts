import type { z } from 'zod'
import { ApiError } from './api-error'
import { describeZodError } from '../../common/zod-problems'

/** A JSON body checked against its schema; a 400 naming the fields at fault otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {})
  if (parsed.success) return parsed.data
  throw new ApiError(400, 'bad_body', describeZodError(parsed.error, { root: 'body', max: 5 }))
}
