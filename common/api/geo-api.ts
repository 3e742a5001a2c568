import { z } from 'zod'
import { codeSchema, localizedTextSchema, regionLevelSchema } from '../catalog-schema'
import { codeParam, levelParam, noParams } from './params'

/**
 * The static geography: GET /api/regions (the region tree),
 * GET /api/geo/:level (boundaries as GeoJSON), each of the account's subtree,
 * and GET /api/geo/context (the land around the catalog's root region).
 */

// --- GET /api/regions --------------------------------------------------------

export const regionsQuerySchema = noParams

export const regionNodeSchema = z.object({
  code: z.string(),
  name: localizedTextSchema,
  level: regionLevelSchema,
  parent: z.string().nullable(),
  /** [longitude, latitude] of the region's visual centre. */
  centroid: z.tuple([z.number(), z.number()]),
  children: z.array(z.string()),
})
export type RegionNode = z.infer<typeof regionNodeSchema>

export const regionsReplySchema = z.object({
  /** The code of the root region: the province, or the account's own region. */
  root: z.string(),
  /** Every region of the account's subtree, parents before children. */
  regions: z.array(regionNodeSchema),
})
export type RegionsReply = z.infer<typeof regionsReplySchema>

// --- GET /api/geo/:level -----------------------------------------------------

/** The path's parameters. */
export const geoParamsSchema = z.strictObject({ level: levelParam })
export const geoQuerySchema = z.strictObject({ parent: codeParam('parent').optional() })

/** The properties every boundary feature carries: which region it outlines. */
export const regionFeaturePropertiesSchema = z.object({
  code: codeSchema,
  name_zh: z.string(),
  name_en: z.string(),
  level: regionLevelSchema,
  parent: codeSchema.nullable(),
})

/** [longitude, latitude]: the boundaries are two-dimensional. */
const positionSchema = z.tuple([z.number(), z.number()])
const ringSchema = z.array(positionSchema)

export const regionGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ringSchema) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ringSchema)) }),
])

/**
 * The reply, as application/geo+json. The server holds its boundary files to
 * the same properties but does not walk their coordinates (a county file holds
 * tens of thousands of numbers); a client that parses this does, once per
 * download.
 */
export const geoReplySchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({ type: z.literal('Feature'), properties: regionFeaturePropertiesSchema, geometry: regionGeometrySchema })),
})
export type GeoReply = z.infer<typeof geoReplySchema>

// --- GET /api/geo/context ----------------------------------------------------

export const contextQuerySchema = noParams

/** A piece of land around the catalog's region (a neighbouring province, Hong Kong): drawn, never coloured or clicked. */
export const contextFeaturePropertiesSchema = z.object({
  code: z.string(),
  name_zh: z.string(),
  name_en: z.string(),
})

/**
 * The land around the root region (`geo/context.geojson` of the catalog), so
 * the map can tell land from sea around it. Empty for an account below the
 * root (a city's map shows its city and nothing around it, as its boundaries
 * do); 404 when the catalog ships no context.
 */
export const contextReplySchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({ type: z.literal('Feature'), properties: contextFeaturePropertiesSchema, geometry: regionGeometrySchema })),
})
export type ContextReply = z.infer<typeof contextReplySchema>
