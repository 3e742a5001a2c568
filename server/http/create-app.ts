import compression from 'compression'
import express, { type Express } from 'express'
import fs from 'node:fs'
import path from 'node:path'
import type { CatalogIndex } from '../../common/catalog-index'
import type { IngestPipeline } from '../../ingest/ingest-pipeline'
import type { Logger } from '../logger'
import type { IndicatorQueries } from '../storage/indicator-queries'
import type { StorageClient } from '../storage/storage-client'
import { errorHandler, notFound } from './api-error'
import { catalogRouter } from './catalog-router'
import { healthRouter } from './health-router'
import { ingestRouter } from './ingest-router'

export interface AppDeps {
  catalog: CatalogIndex
  pipeline: IngestPipeline
  storage: StorageClient
  /** The wall's reads over rollups and region series. */
  queries: IndicatorQueries
  /** The catalog directory (region boundaries are read from its geo/ folder). */
  catalogDir: string
  log: Logger
  /** The built client (vite build output); served when it exists. */
  clientDir: string
}

export function createApp(deps: AppDeps): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', false)
  app.use(compression())

  const api = express.Router()
  api.use(healthRouter(deps.storage, deps.pipeline, deps.log))
  api.use(catalogRouter(deps.catalog))
  api.use(ingestRouter(deps.pipeline))
  api.use(notFound)
  app.use('/api', api)

  if (fs.existsSync(path.join(deps.clientDir, 'index.html'))) {
    app.use(express.static(deps.clientDir, { index: false, maxAge: '1h' }))
    // The client routes (/, /explore, /duty) are rendered by the one page.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache')
      res.sendFile(path.join(deps.clientDir, 'index.html'))
    })
  } else {
    deps.log.warn({ clientDir: deps.clientDir }, 'no built client found; run `npm run build` to serve the wall')
  }
  app.use(notFound)
  app.use(errorHandler(deps.log))
  return app
}
