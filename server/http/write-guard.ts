import type { Request, RequestHandler } from 'express'
import { ApiError } from './api-error'

/**
 * What every write to the API must show before a handler runs: that it comes
 * from this site's own pages (or from a program), and that its body is JSON.
 *
 * A session cookie is SameSite=Strict, but "site" is the host without its
 * port: a page on another port of the same host is same-site, and its form
 * posts carry the cookie. So a write is refused when the browser says it came
 * from elsewhere (`Sec-Fetch-Site` other than same-origin or none, or an
 * `Origin` that is not this host), and a write signed by the cookie alone must
 * say where it came from at all (browsers send Origin with every non-GET
 * request). Programs send `Authorization: Bearer …`, which no other page can
 * make a browser add without a CORS preflight this server never grants.
 *
 * A body must be `application/json` (415 otherwise): a cross-site form can
 * only send urlencoded, multipart or text/plain, and a JSON route must never
 * read such a body as `{}`. Ingest takes NDJSON and CSV and checks its own
 * content types (ingest-router.ts).
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const SAME_ORIGIN_FETCH = new Set(['same-origin', 'none'])

/** Whether an Origin header names this request's host (the Host the browser addressed). */
export function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}

export function writeGuard(options: { ownContentType: (req: Request) => boolean }): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next()
    const fetchSite = req.headers['sec-fetch-site']
    const origin = req.headers.origin
    if (typeof fetchSite === 'string' && !SAME_ORIGIN_FETCH.has(fetchSite))
      throw new ApiError(403, 'cross_site', `writes are taken only from this site's own pages (Sec-Fetch-Site: ${fetchSite})`)
    if (typeof origin === 'string' && !sameHost(origin, req.headers.host))
      throw new ApiError(403, 'cross_site', `writes are taken only from this site's own pages (Origin ${origin.slice(0, 100)} is not ${req.headers.host ?? 'this host'})`)
    const byCookieAlone = req.headers.authorization === undefined && typeof req.headers.cookie === 'string'
    if (byCookieAlone && origin === undefined && fetchSite === undefined)
      throw new ApiError(403, 'cross_site', 'a write signed by the session cookie must carry an Origin header (browsers send it); programs send Authorization: Bearer')
    if (!options.ownContentType(req) && hasBody(req) && !req.is('application/json'))
      throw new ApiError(415, 'unsupported_media_type', `Content-Type must be application/json (got ${req.headers['content-type'] ?? 'none'})`)
    next()
  }
}

/** A request that sends a body, or says what type it is (a form always does, even empty). */
function hasBody(req: Request): boolean {
  return req.headers['content-type'] !== undefined || req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
}
