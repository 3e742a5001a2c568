import { Router, type Response } from 'express'
import { requireInScope, scopeOf } from '../auth/http-auth'
import type { CatalogIndex } from '../../common/catalog-index'
import { REGION_LEVELS, type RegionLevel } from '../../common/catalog-schema'
import type { Scorecard } from '../../common/scorecard'
import { scorecardQuerySchema, type ScorecardReply } from '../../common/api/scorecard-api'
import { computeScorecard, type ScorecardQueries, type ScorecardScope } from '../scorecard/compute-scorecard'
import { ApiError } from './api-error'
import { parseQuery, requireRegion } from './validate'

export interface ScorecardRouterDeps {
  catalog: CatalogIndex
  /** The server's IndicatorQueries (anything with its `snapshot` and `ranking`). */
  queries: ScorecardQueries
  /** From `loadScorecard(catalogDir, catalog)`; null when the catalog directory has no scorecard.json. */
  scorecard: Scorecard | null
  /** @default Date.now */
  now?: () => number
}

/** The level scored when the query names none: the wall's default map shows a province's cities. */
export const DEFAULT_SCORECARD_LEVEL: RegionLevel = 'city'

/**
 * GET /api/scorecard — the composite index per region and domain.
 * - `?level=city&parent=440000` (level default city, parent default the root):
 *   every region of that level below the parent, best overall first;
 * - `?region=440100`: that one region.
 * Reply: `{ asOf, regions: [{ region, name, overall, coverage, domains: [{ domain,
 * title, weight, score, coverage, indicators: [{ indicator, value, ts, target,
 * better, yoy?, normalised, weight, contribution }] }] }] }`
 * (contract: common/api/scorecard-api.ts).
 */
export function scorecardRouter(deps: ScorecardRouterDeps): Router {
  const router = Router()
  router.get('/scorecard', async (req, res) => {
    if (deps.scorecard === null)
      throw new ApiError(
        404,
        'scorecard_not_configured',
        'no scorecard is configured: put a scorecard.json with the domain weights in the catalog directory (CATALOG_DIR)',
      )
    const scope = scorecardScope(req.query, deps.catalog, res)
    const reply: ScorecardReply = await computeScorecard({ index: deps.catalog, scorecard: deps.scorecard, queries: deps.queries, now: deps.now }, scope)
    // Scores follow the live values: revalidate every time (the ETag makes an unchanged one cheap).
    res.setHeader('Cache-Control', 'no-cache')
    res.json(reply)
  })
  return router
}

/** What is scored, within the account's region: its own subtree by default. */
function scorecardScope(query: unknown, catalog: CatalogIndex, res: Response): ScorecardScope {
  const { level, parent, region } = parseQuery(scorecardQuerySchema, query)
  if (region !== undefined) {
    if (level !== undefined || parent !== undefined)
      throw new ApiError(400, 'bad_query', 'give either region, or level and parent, not both')
    const r = catalog.region(requireRegion(catalog, region, 'region'))!
    requireInScope(catalog, res, r.code, 'region')
    // A region's own subtree holds exactly one region of its level: itself.
    return { level: r.level, parent: r.code }
  }
  const wanted = level ?? DEFAULT_SCORECARD_LEVEL
  const p = catalog.region(parent === undefined ? scopeOf(res) : requireRegion(catalog, parent, 'parent'))!
  requireInScope(catalog, res, p.code, 'parent')
  if (REGION_LEVELS.indexOf(wanted) < REGION_LEVELS.indexOf(p.level))
    throw new ApiError(400, 'bad_query', `no ${wanted} lies within ${p.code}, which is a ${p.level}`)
  return { level: wanted, parent: p.code }
}
