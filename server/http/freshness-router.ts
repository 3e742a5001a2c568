import { Router } from 'express'
import { freshnessQuerySchema, type FreshnessReply } from '../../common/api/freshness-api'
import { scopeOf } from '../auth/http-auth'
import type { FreshnessTracker } from '../live/freshness'
import { parseQuery } from './validate'

/**
 * GET /api/freshness: per indicator and source, the last point seen against
 * the expected cadence, within the account's region.
 */
export function freshnessRouter(tracker: FreshnessTracker, now: () => number): Router {
  const router = Router()
  router.get('/freshness', (req, res) => {
    const query = parseQuery(freshnessQuerySchema, req.query)
    const report: FreshnessReply = tracker.report(now(), scopeOf(res))
    const onlyStale = query.stale === '1' || query.stale === 'true'
    res.setHeader('Cache-Control', 'no-store')
    const body: FreshnessReply = onlyStale ? { ...report, indicators: report.indicators.filter((i) => i.stale) } : report
    res.json(body)
  })
  return router
}
