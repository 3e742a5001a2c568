import type { Request, RequestHandler, Response } from 'express'
import { rateLimit } from 'express-rate-limit'

/**
 * At most `limit` requests a minute per key (by default the caller's address);
 * beyond that a 429 in the error envelope with Retry-After.
 */
export function perMinute(limit: number, code: string, message: string, key?: (req: Request, res: Response) => string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(key ? { keyGenerator: key } : {}),
    handler: (_req, res, _next, opts) => {
      res.setHeader('Retry-After', String(Math.ceil(opts.windowMs / 1000)))
      res.status(429).json({ ok: false, error: { code, message } })
    },
  })
}
