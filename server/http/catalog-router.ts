import { Router } from 'express'
import type { CatalogReply } from '../../common/api/catalog-api'
import type { CatalogIndex } from '../../common/catalog-index'
import { scopeOf } from '../auth/http-auth'

/**
 * GET /api/catalog: domains, indicators, regions and stations, as the signed-in
 * account sees them: its region is the root of the tree it is given (with
 * its subtree and the stations in it), so every screen starts there and
 * offers nothing outside it. Each scope's body is serialised once; express
 * adds an ETag and clients revalidate cheaply.
 */
export function catalogRouter(index: CatalogIndex): Router {
  const bodies = new Map<string, string>()
  const bodyFor = (scope: string) => {
    let body = bodies.get(scope)
    if (body === undefined) {
      const { indicators, regions, stations } = index.catalog
      const inside = regions.filter((r) => index.tree.isWithin(r.code, scope)).map((r) => (r.code === scope ? { ...r, parent: null } : r))
      const reply: CatalogReply = { domains: [...index.domainList], indicators, regions: inside, stations: stations.filter((s) => index.tree.isWithin(s.region, scope)) }
      body = JSON.stringify(reply)
      bodies.set(scope, body)
    }
    return body
  }
  const router = Router()
  router.get('/catalog', (_req, res) => {
    res.setHeader('Cache-Control', 'private, max-age=300, must-revalidate')
    // Another account signing in on the same browser must not be handed this one's cached catalog.
    res.vary('Cookie').vary('Authorization')
    res.type('application/json').send(bodyFor(scopeOf(res)))
  })
  return router
}
