import express, { Router } from 'express'
import { ACCEPTED_CONTENT_TYPES, BodyError, formatForContentType } from '../../ingest/body-parser'
import { BackpressureError, StorageUnavailableError, type IngestPipeline } from '../../ingest/ingest-pipeline'
import { ApiError } from './api-error'

/**
 * Largest ingest body. About 250k points of NDJSON: big enough for a batch
 * upload of an hour of a busy feed, small enough to parse without stalling the
 * event loop for long.
 */
export const MAX_INGEST_BODY_BYTES = 32 * 1024 * 1024

export function ingestRouter(pipeline: IngestPipeline): Router {
  const router = Router()
  router.post(
    '/ingest',
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
        res.json(await pipeline.ingestBody(text, format, 'http'))
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
