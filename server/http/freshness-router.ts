import { Router } from 'express'
import { z } from 'zod'
import { scopeOf } from '../auth/http-auth'
import type { FreshnessTracker } from '../live/freshness'
import { ApiError } from './api-error'

const querySchema = z.strictObject({
  /** `stale=1`: only the indicators that are stale. */
  stale: z.enum(['0', '1', 'true', 'false']).optional(),
})

/**
 * GET /api/freshness: per indicator and source, the last point seen against
 * the expected cadence, within the account's region.
 */
export function freshnessRouter(tracker: FreshnessTracker, now: () => number): Router {
  const router = Router()
  router.get('/freshness', (req, res) => {
    const parsed = querySchema.safeParse(req.query)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const where = issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : `${issue.path.join('.')}: ${issue.message}`
      throw new ApiError(400, 'bad_query', `${where} (allowed: stale=0|1)`)
    }
    const report = tracker.report(now(), scopeOf(res))
    const onlyStale = parsed.data.stale === '1' || parsed.data.stale === 'true'
    res.setHeader('Cache-Control', 'no-store')
    res.json(onlyStale ? { ...report, indicators: report.indicators.filter((i) => i.stale) } : report)
  })
  return router
}
