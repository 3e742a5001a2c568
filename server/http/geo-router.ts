import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Router, type Response } from 'express'
import { z } from 'zod'
import type { CatalogIndex } from '../../common/catalog-index'
import { REGION_LEVELS, type RegionLevel } from '../../common/catalog-schema'
import { contextFeaturePropertiesSchema, contextQuerySchema, geoParamsSchema, geoQuerySchema, regionFeaturePropertiesSchema, regionsQuerySchema, type RegionsReply } from '../../common/api/geo-api'
import { requireInScope, scopeOf } from '../auth/http-auth'
import type { Logger } from '../logger'
import { ApiError } from './api-error'
import { parseQuery, requireRegion } from './validate'
import { describeZodError } from '../../common/zod-problems'

/**
 * The static geography of the catalog: GET /api/regions (the region tree) and
 * GET /api/geo/:level (boundaries as GeoJSON). Each is of the account's own
 * subtree, as the catalog is: a city account's tree and map hold its city and
 * nothing around it, its city the root (no parent). Neither changes while the
 * server runs, so each answer is serialised once per scope, carries a
 * precomputed ETag (hashing a megabyte of GeoJSON per request would cost more
 * than sending it) and may be cached by browsers (privately: it depends on who asks).
 */

/** Where the boundaries live inside the catalog directory, per level. */
export const GEO_DIR = 'geo'
export const GEO_FILES = {
  province: 'province.geojson',
  city: 'cities.geojson',
  /** One file per city, `<cityCode>.geojson`, holding that city's counties. */
  county: 'counties',
} as const satisfies Record<RegionLevel, string>
/** The land around the root region: neighbouring provinces, drawn faintly (sample-data/build/context-boundaries.ts). */
export const GEO_CONTEXT_FILE = 'context.geojson'

/**
 * Boundaries change only with a new catalog (a release): an hour saves the wall
 * refetching them on every reload. Private: the answer depends on the account.
 */
export const GEO_CACHE_CONTROL = 'private, max-age=3600'
/** GeoJSON's registered media type (RFC 7946); compression treats it as JSON. */
const GEOJSON_TYPE = 'application/geo+json'
/** As the catalog: short, then revalidated by ETag; private, as it depends on the account. */
export const REGIONS_CACHE_CONTROL = 'private, max-age=300, must-revalidate'

/**
 * The shape each boundary file is held to. Coordinates are not walked (a
 * county file holds tens of thousands of numbers); the map draws them, and the
 * files are produced by sample-data/build from a checked source.
 */
const featureSchema = z.object({
  type: z.literal('Feature'),
  properties: regionFeaturePropertiesSchema,
  geometry: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) }),
})
type Feature = z.infer<typeof featureSchema>
const featureCollectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(featureSchema) })
const contextCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: contextFeaturePropertiesSchema,
      geometry: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) }),
    }),
  ),
})

/** A level's features, or `missing` saying what is absent from the catalog directory. */
type LevelBoundaries = { features: Feature[] } | { missing: string }

interface CachedBody {
  body: string
  etag: string
  type: string
}


export function geoRouter(catalog: CatalogIndex, catalogDir: string, log: Logger): Router {
  const regionBodies = new Map<string, CachedBody>()
  const regionsOf = (scope: string) => {
    let body = regionBodies.get(scope)
    if (!body) {
      body = cached(JSON.stringify(regionsBody(catalog, scope)), 'application/json')
      regionBodies.set(scope, body)
    }
    return body
  }
  // Read on first use, then answered from memory. A failed read is forgotten so
  // the next request tries again (and logs again) instead of failing forever.
  let loading: Promise<Map<RegionLevel, LevelBoundaries>> | undefined
  const boundaries = () => {
    loading ??= loadBoundaries(path.join(catalogDir, GEO_DIR), catalog, log).catch((err: unknown) => {
      loading = undefined
      throw err
    })
    return loading
  }
  // One body per (level, parent, scope) asked for: at most three per region and
  // scope, and only the few whole-level ones are large.
  const answers = new Map<string, CachedBody>()

  const router = Router()
  router.get('/regions', (req, res) => {
    parseQuery(regionsQuerySchema, req.query)
    send(res, regionsOf(scopeOf(res)), REGIONS_CACHE_CONTROL)
  })

  // Before /geo/:level, which would take "context" for a level and refuse it.
  let context: Promise<CachedBody | null> | undefined
  const contextBody = () => {
    context ??= readContext(path.join(catalogDir, GEO_DIR, GEO_CONTEXT_FILE)).catch((err: unknown) => {
      context = undefined
      throw err
    })
    return context
  }
  const noContext = cached(JSON.stringify({ type: 'FeatureCollection', features: [] }), GEOJSON_TYPE)
  router.get('/geo/context', async (req, res) => {
    parseQuery(contextQuerySchema, req.query)
    // The land around the catalog's root: an account below it sees nothing around its own region.
    if (scopeOf(res) !== catalog.tree.root.code) return send(res, noContext, GEO_CACHE_CONTROL)
    const body = await contextBody()
    if (!body) throw new ApiError(404, 'no_boundaries', `this catalog has no context boundaries: ${GEO_DIR}/${GEO_CONTEXT_FILE} is not in the catalog directory`)
    send(res, body, GEO_CACHE_CONTROL)
  })

  router.get('/geo/:level', async (req, res) => {
    const { level } = parseQuery(geoParamsSchema, req.params)
    const { parent } = parseQuery(geoQuerySchema, req.query)
    if (parent !== undefined) {
      requireRegion(catalog, parent, 'parent')
      requireInScope(catalog, res, parent, 'parent')
    }
    const scope = scopeOf(res)
    const key = `${level}|${parent ?? ''}|${scope}`
    let answer = answers.get(key)
    if (!answer) {
      const ofLevel = (await boundaries()).get(level)!
      if ('missing' in ofLevel) throw new ApiError(404, 'no_boundaries', `this catalog has no ${level} boundaries: ${ofLevel.missing}`)
      // Within the parent (itself in scope), else within the scope; the scope's own region has no parent.
      const within = parent ?? scope
      const features = ofLevel.features
        .filter((f) => catalog.tree.isWithin(f.properties.code, within))
        .map((f) => (f.properties.code === scope && f.properties.parent !== null ? { ...f, properties: { ...f.properties, parent: null } } : f))
      answer = cached(JSON.stringify({ type: 'FeatureCollection', features }), GEOJSON_TYPE)
      answers.set(key, answer)
    }
    send(res, answer, GEO_CACHE_CONTROL)
  })
  return router
}

function regionsBody(catalog: CatalogIndex, scope: string): RegionsReply {
  const tree = catalog.tree
  return {
    root: scope,
    regions: tree.subtree(scope).map((r) => ({
      code: r.code,
      name: r.name,
      level: r.level,
      parent: r.code === scope ? null : r.parent,
      centroid: r.centroid,
      children: tree.children(r.code).map((c) => c.code),
    })),
  }
}

/**
 * Reads every boundary file once. A level whose file (or folder) is absent is
 * `missing`, so the API can say so; a file that is present but unreadable or
 * malformed is a broken deployment and fails the request (logged, 500).
 * Features are filed under their region's level in the catalog; those the
 * catalog does not know, or places elsewhere, are left out with a warning,
 * since the map could never show data for them.
 */
async function loadBoundaries(dir: string, catalog: CatalogIndex, log: Logger): Promise<Map<RegionLevel, LevelBoundaries>> {
  const out = new Map<RegionLevel, LevelBoundaries>()
  const skipped: string[] = []
  const seen = new Set<string>()
  const file = (level: RegionLevel, features: Feature[]) => {
    const kept: Feature[] = []
    for (const f of features) {
      const region = catalog.region(f.properties.code)
      if (!region || region.level !== level || region.parent !== f.properties.parent || seen.has(region.code)) {
        skipped.push(f.properties.code)
        continue
      }
      seen.add(region.code)
      kept.push(f)
    }
    out.set(level, { features: kept.sort((a, b) => a.properties.code.localeCompare(b.properties.code)) })
  }

  if (!(await exists(dir))) {
    for (const level of REGION_LEVELS) out.set(level, { missing: `the catalog directory has no ${GEO_DIR}/ folder` })
    return out
  }
  for (const level of ['province', 'city'] as const) {
    const features = await readCollection(path.join(dir, GEO_FILES[level]))
    if (features === null) out.set(level, { missing: `${GEO_DIR}/${GEO_FILES[level]} is not in the catalog directory` })
    else file(level, features)
  }
  const countyDir = path.join(dir, GEO_FILES.county)
  const names = await fs.readdir(countyDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null
    throw err
  })
  if (names === null) out.set('county', { missing: `${GEO_DIR}/${GEO_FILES.county}/ is not in the catalog directory` })
  else {
    const files = names.filter((n) => n.endsWith('.geojson')).sort()
    const collections = await Promise.all(files.map((n) => readCollection(path.join(countyDir, n))))
    file('county', collections.flatMap((c) => c ?? []))
  }
  if (skipped.length > 0)
    log.warn({ dir, skipped: skipped.slice(0, 20), count: skipped.length }, 'boundary features that do not match a catalog region were left out')
  return out
}

async function exists(dir: string): Promise<boolean> {
  return fs.stat(dir).then(
    (s) => s.isDirectory(),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false
      throw err
    },
  )
}

/** A boundary file read and checked against its schema; null when the file does not exist. */
async function readBoundaryFile<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S> | null> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new Error(`boundary file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new Error(`boundary file ${file}: ${describeZodError(parsed.error, { root: '(root)', max: 1 })}`)
  return parsed.data
}

/** The features of one file; null when the file does not exist. */
async function readCollection(file: string): Promise<Feature[] | null> {
  return (await readBoundaryFile(file, featureCollectionSchema))?.features ?? null
}

/** The context file as served; null when the catalog has none. */
async function readContext(file: string): Promise<CachedBody | null> {
  const data = await readBoundaryFile(file, contextCollectionSchema)
  return data === null ? null : cached(JSON.stringify(data), GEOJSON_TYPE)
}

/** A weak ETag: the body is the same whether or not compression re-encodes it on the way out. */
function cached(body: string, type: string): CachedBody {
  const hash = createHash('sha1').update(body).digest('base64url').slice(0, 27)
  return { body, type, etag: `W/"${Buffer.byteLength(body).toString(16)}-${hash}"` }
}

/** Express answers 304 by itself when the request's If-None-Match matches the ETag set here. */
function send(res: Response, answer: CachedBody, cacheControl: string): void {
  res.setHeader('Cache-Control', cacheControl)
  // Another account signing in on the same browser must not be handed this one's cached answer.
  res.vary('Cookie').vary('Authorization')
  res.setHeader('ETag', answer.etag)
  res.type(answer.type).send(answer.body)
}
