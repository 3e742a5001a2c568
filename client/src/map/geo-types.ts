import type { RegionLevel } from '../../../common/catalog-schema'

/** The GeoJSON shapes of region boundaries as GET /api/geo/:level serves them. */

export type Position = [number, number]
export type Polygon = { type: 'Polygon'; coordinates: Position[][] }
export type MultiPolygon = { type: 'MultiPolygon'; coordinates: Position[][][] }

export interface RegionFeature {
  type: 'Feature'
  properties: { code: string; name_zh: string; name_en: string; level: RegionLevel; parent: string | null }
  geometry: Polygon | MultiPolygon
}

export interface RegionCollection {
  type: 'FeatureCollection'
  features: RegionFeature[]
}

/** Land around the catalog's region, from GET /api/geo/context: drawn faintly, never coloured. */
export interface ContextFeature {
  type: 'Feature'
  properties: { code: string; name_zh: string; name_en: string }
  geometry: Polygon | MultiPolygon
}

export interface ContextCollection {
  type: 'FeatureCollection'
  features: ContextFeature[]
}

/** [[west, south], [east, north]] */
export type Bounds = [Position, Position]
