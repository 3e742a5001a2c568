import type { RequestHandler } from 'express'
import type { z } from 'zod'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator, Station } from '../../common/catalog-schema'
import { truncate } from '../../common/api/params'
import { ApiError } from './api-error'

/**
 * Validation shared by the routers: a strict parse of the query schemas of
 * the routes' contracts (common/api) that refuses unknown parameters, and the
 * catalog lookups that answer 400/404 with what exists.
 */

export { codeParam, instantParam, levelParam, parseInstant, shown, truncate } from '../../common/api/params'

/**
 * Parses a query string (or path parameters) against a strict object schema.
 * Every problem is reported at once, each naming its parameter; an unknown
 * parameter is an error, because a typo (`?stpe=1h`) would otherwise be
 * silently ignored and answered with defaults.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query, { reportInput: true })
  if (parsed.success) return parsed.data
  const allowed = Object.keys(schema.shape)
  const messages = parsed.error.issues
    .toSorted((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'))
    .map((issue) => describeIssue(issue, allowed))
  throw new ApiError(400, 'bad_query', messages.join('; '))
}

function describeIssue(issue: z.core.$ZodIssue, allowed: readonly string[]): string {
  if (issue.code === 'unrecognized_keys') {
    const s = issue.keys.length > 1 ? 's' : ''
    const known = allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'this route takes none'
    return `unknown query parameter${s} ${issue.keys.map((k) => `"${truncate(k)}"`).join(', ')} (${known})`
  }
  const name = issue.path.map(String).join('.') || 'query'
  // With reportInput every issue carries its input: none means the parameter is missing.
  if (issue.input === undefined) return `${name} is required`
  // A parameter given twice arrives as an array where one value is expected (a check after parsing may see an array too).
  if (Array.isArray(issue.input) && issue.code !== 'custom') return `${name} may be given only once`
  return issue.message
}

export function requireIndicator(catalog: CatalogIndex, code: string): Indicator {
  const indicator = catalog.indicator(code)
  if (!indicator) throw new ApiError(400, 'unknown_indicator', `unknown indicator ${code} (GET /api/catalog lists the codes)`)
  return indicator
}

export function requireIndicators(catalog: CatalogIndex, codes: readonly string[]): string[] {
  if (codes.length === 0) throw new ApiError(400, 'bad_query', 'indicator, when given, must name at least one indicator code')
  const unknown = codes.filter((c) => !catalog.indicator(c))
  if (unknown.length > 0)
    throw new ApiError(400, 'unknown_indicator', `unknown indicator${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => truncate(c)).join(', ')} (GET /api/catalog lists the codes)`)
  return [...codes]
}

/** An unknown region is a 404 everywhere (series, snapshot, ranking, geo): the thing asked about does not exist. */
export function requireRegion(catalog: CatalogIndex, code: string, param: string): string {
  if (!catalog.region(code)) throw new ApiError(404, 'unknown_region', `unknown region ${code} (${param}); GET /api/regions lists the codes`)
  return code
}

/** An unknown station is a 404, as an unknown region is. */
export function requireStation(catalog: CatalogIndex, code: string): Station {
  const station = catalog.station(code)
  if (!station) throw new ApiError(404, 'unknown_station', `unknown station ${code} (station); GET /api/catalog lists the stations`)
  return station
}

/** A JSON body route refuses any other Content-Type (415), naming what came. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json'))
    next(new ApiError(415, 'unsupported_media_type', `Content-Type must be application/json (got ${req.headers['content-type'] ?? 'none'})`))
  else next()
}

/** The body as a JSON object (a copy), or a 400. */
export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'bad_body', 'the body must be a JSON object')
  return { ...body }
}
