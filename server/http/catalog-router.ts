import { Router } from 'express'
import type { CatalogIndex } from '../../common/catalog-index'

/**
 * GET /api/catalog: indicators, regions and stations. The body never changes
 * while the server runs, so it is serialised once; express adds an ETag and
 * clients revalidate cheaply.
 */
export function catalogRouter(index: CatalogIndex): Router {
  const { indicators, regions, stations } = index.catalog
  const body = JSON.stringify({ indicators, regions, stations })
  const router = Router()
  router.get('/catalog', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300, must-revalidate')
    res.type('application/json').send(body)
  })
  return router
}
