import { z } from 'zod'
import { codeSchema, regionLevelSchema } from '../../common/catalog-schema'

/**
 * The GeoJSON written to `sample-data/geo/`, as zod schemas: the build checks
 * what mapshaper hands back against them, and the tests check the committed files.
 */

export const positionSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
export type Position = z.infer<typeof positionSchema>

/** A linear ring: at least four positions, the last repeating the first (RFC 7946 §3.1.6). */
export const ringSchema = z
  .array(positionSchema)
  .min(4)
  .refine((r) => r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1], { message: 'ring is not closed' })
export type Ring = z.infer<typeof ringSchema>

/** Outer ring first, then holes. */
export const polygonCoordinatesSchema = z.array(ringSchema).min(1)
export type PolygonCoordinates = z.infer<typeof polygonCoordinatesSchema>

export const polygonalGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: polygonCoordinatesSchema }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygonCoordinatesSchema).min(1) }),
])
export type PolygonalGeometry = z.infer<typeof polygonalGeometrySchema>

export const boundaryPropertiesSchema = z.object({
  code: codeSchema,
  name_zh: z.string().min(1),
  name_en: z.string().min(1),
  level: regionLevelSchema,
  parent: codeSchema.nullable(),
})
export type BoundaryProperties = z.infer<typeof boundaryPropertiesSchema>

export const boundaryFeatureSchema = z.object({
  type: z.literal('Feature'),
  properties: boundaryPropertiesSchema,
  geometry: polygonalGeometrySchema,
})
export type BoundaryFeature = z.infer<typeof boundaryFeatureSchema>

export const boundaryCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(boundaryFeatureSchema),
})
export type BoundaryCollection = z.infer<typeof boundaryCollectionSchema>

/** The polygons of a geometry, whichever of the two types it is. */
export function polygonsOf(geometry: PolygonalGeometry): PolygonCoordinates[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
}
