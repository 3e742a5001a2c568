import { Router } from 'express'
import { z } from 'zod'
import { scopeOf } from '../auth/http-auth'
import type { FreshnessTracker } from '../live/freshness'
import { parseQuery } from './validate'

const querySchema = z.strictObject({
  /** `stale=1`: only the indicators that are stale. */
  stale: z.enum(['0', '1', 'true', 'false'], { error: 'stale must be 0, 1, true or false' }).optional(),
})

/**
 * GET /api/freshness: per indicator and source, the last point seen against
 * the expected cadence, within the account's region.
 */
export function freshnessRouter(tracker: FreshnessTracker, now: () => number): Router {
  const router = Router()
  router.get('/freshness', (req, res) => {
    const query = parseQuery(querySchema, req.query)
    const report = tracker.report(now(), scopeOf(res))
    const onlyStale = query.stale === '1' || query.stale === 'true'
    res.setHeader('Cache-Control', 'no-store')
    res.json(onlyStale ? { ...report, indicators: report.indicators.filter((i) => i.stale) } : report)
  })
  return router
}
