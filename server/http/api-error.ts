import type { ErrorRequestHandler, RequestHandler, Response } from 'express'
import type { Logger } from '../logger'
import type { ErrorReply } from '../../common/api/error-reply'
import { StorageUnavailableError } from '../../common/errors'

/**
 * One error envelope for every HTTP reply that is not a success:
 * `{ ok: false, error: { code, message } }`. Handlers throw ApiError (or a
 * known error type mapped here); anything else is a bug and becomes a generic
 * 500 that is logged in full and echoed never.
 */


export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { retryAfterSeconds?: number; details?: unknown } = {},
  ) {
    super(message)
  }
}

export function sendError(res: Response, err: ApiError): void {
  if (err.options.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.options.retryAfterSeconds))
  const body: ErrorReply = { ok: false, error: { code: err.code, message: err.message } }
  if (err.options.details !== undefined) body.error.details = err.options.details
  res.status(err.status).json(body)
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`))
}

/** Errors raised by express's own body parsers carry a `type`; these are the client's fault. */
interface BodyParserError {
  type: string
  status?: number
  limit?: number
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string' && 'status' in err
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      log.error({ err, path: req.path }, 'error after the reply started')
      res.end()
      return
    }
    if (err instanceof ApiError) {
      sendError(res, err)
      return
    }
    // Storage failed under this request: nothing of it was kept; the caller retries (the cause is logged, not echoed).
    if (err instanceof StorageUnavailableError) {
      ;(req.log ?? log).error({ err, method: req.method, path: req.path }, 'storage failed under a request')
      sendError(res, new ApiError(503, 'storage_unavailable', err.message, { retryAfterSeconds: err.retryAfterSeconds }))
      return
    }
    if (isBodyParserError(err)) {
      if (err.type === 'entity.too.large') {
        sendError(res, new ApiError(413, 'body_too_large', `the body is larger than the ${formatBytes(err.limit)} limit; split it into smaller requests`))
        return
      }
      if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
        sendError(res, new ApiError(415, 'unsupported_encoding', 'the body must be UTF-8 text, optionally gzip- or deflate-encoded'))
        return
      }
      if ((err.status ?? 500) < 500) {
        sendError(res, new ApiError(err.status ?? 400, 'bad_body', 'the body could not be read'))
        return
      }
    }
    // Express's own refusals (a path with broken percent-encoding, a body that does not
    // decompress) carry a 4xx status but no body-parser type: the client's fault too.
    const status = httpStatusOf(err)
    if (status !== undefined && status >= 400 && status < 500) {
      const message = err instanceof URIError || /decode param/i.test(String((err as Error).message)) ? 'the path is not valid percent-encoding' : 'the request could not be read'
      sendError(res, new ApiError(status, 'bad_request', message))
      return
    }
    // The request's own logger carries its id, so the log line matches the X-Request-Id the client saw.
    ;(req.log ?? log).error({ err, method: req.method, path: req.path }, 'unhandled error')
    sendError(res, new ApiError(500, 'internal', 'internal error; it has been logged'))
  }
}

function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown }
  const s = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined
  return s !== undefined && Number.isInteger(s) ? s : undefined
}

function formatBytes(n: number | undefined): string {
  if (n === undefined) return 'size'
  return n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MB` : `${Math.round(n / 1024)} KB`
}
