import express, { Router } from 'express'
import { ACCEPTED_CONTENT_TYPES, BodyError, formatForContentType } from '../../ingest/body-parser'
import { BackpressureError, StorageUnavailableError } from '../../common/errors'
import type { IngestPipeline, PointPermit } from '../../ingest/ingest-pipeline'
import type { IngestReply } from '../../common/api/ingest-api'
import { ApiError } from './api-error'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Point } from '../../common/point'
import { Rejection } from '../../ingest/point-validator'
import type { Principal } from '../auth/auth-service'
import { principalOf, requirePermission } from '../auth/http-auth'

/**
 * Largest ingest body. About 250k points of NDJSON: big enough for a batch
 * upload of an hour of a busy feed, small enough to parse without stalling the
 * event loop for long.
 */
export const MAX_INGEST_BODY_BYTES = 32 * 1024 * 1024

export function ingestRouter(pipeline: IngestPipeline, catalog: CatalogIndex): Router {
  const router = Router()
  router.post(
    '/ingest',
    requirePermission('ingest'),
    (req, _res, next) => {
      if (formatForContentType(req.headers['content-type']) === null) {
        next(
          new ApiError(
            415,
            'unsupported_media_type',
            `Content-Type must be one of ${ACCEPTED_CONTENT_TYPES.join(', ')} (got ${req.headers['content-type'] ?? 'none'})`,
          ),
        )
        return
      }
      next()
    },
    express.text({ type: () => true, limit: MAX_INGEST_BODY_BYTES, inflate: true }),
    async (req, res) => {
      const format = formatForContentType(req.headers['content-type'])!
      const text: unknown = req.body
      if (typeof text !== 'string') throw new ApiError(400, 'bad_body', 'the body is empty')
      try {
        const principal = principalOf(res)
        // Ids are the sender's own: an ingest key's (`key:<id>`) or a signed-in account's (its name).
        const body: IngestReply = await pipeline.ingestBody(text, format, 'http', { producer: principal.name, permit: permitFor(principal, catalog) })
        res.json(body)
      } catch (err) {
        if (err instanceof BodyError) throw new ApiError(400, 'bad_body', err.message)
        if (err instanceof BackpressureError)
          throw new ApiError(503, 'backpressure', err.message, { retryAfterSeconds: err.retryAfterSeconds })
        if (err instanceof StorageUnavailableError)
          throw new ApiError(503, 'storage_unavailable', err.message, { retryAfterSeconds: err.retryAfterSeconds })
        throw err
      }
    },
  )
  return router
}

/**
 * What the sender may write: an ingest key its indicators and the subtrees of
 * its regions; an account (an admin) its own region's subtree. A point
 * outside is rejected like any invalid one: kept in the dead letter with why.
 */
export function permitFor(p: Principal, catalog: CatalogIndex): PointPermit | undefined {
  if (p.kind === 'account') {
    if (p.region === catalog.tree.root.code) return undefined
    return (point: Point) => (catalog.tree.isWithin(point.region, p.region) ? null : new Rejection('region', `region ${point.region} is outside this account's region ${p.region}`))
  }
  const { indicators, regions } = p
  if (indicators === null && regions === null) return undefined
  return (point: Point) => {
    if (indicators !== null && !indicators.has(point.indicator)) return new Rejection('indicator', `this ingest key may not write ${point.indicator}`)
    if (regions !== null && !regions.some((r) => catalog.tree.isWithin(point.region, r))) return new Rejection('region', `this ingest key may not write region ${point.region}`)
    return null
  }
}
