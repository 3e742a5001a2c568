import type { Region } from '../../common/catalog-schema'
import { boundaryFeatureSchema, type BoundaryFeature, type PolygonalGeometry } from './boundary-schema'
import type { Division, DivisionCatalog } from './division-catalog'
import { zoneOfCity } from './economic-zones'
import { englishName, type SyllableReader } from './english-names'
import { pointInGeometry } from './point-in-polygon'
import { visualCentre, type InteriorPointFinder } from './region-centroid'
import type { SimplifiedBoundaries } from './simplify-boundaries'

/** Regions and their boundary features, in the same order: province, cities, counties, each by code. */
export interface AssembledRegions {
  regions: Region[]
  features: Map<string, BoundaryFeature>
  /** English names without suffix, for station names. */
  shortNamesEn: Map<string, string>
  /** Codes whose area centroid fell outside and got an interior point instead. */
  centroidFallbacks: string[]
  warnings: string[]
}

/**
 * Turns divisions that have a simplified boundary into regions of our schema:
 * English names, parent links, zone (a city's own, inherited by its counties;
 * none for the province) and a centroid inside the given (placement) polygon;
 * `drawnFeatures` then checks it against the polygon written out.
 */
export function assembleRegions(
  catalog: DivisionCatalog,
  boundaries: SimplifiedBoundaries,
  read: SyllableReader,
  findInterior: InteriorPointFinder,
): AssembledRegions {
  const warnings: string[] = []
  const withGeometry: Array<[Division, PolygonalGeometry]> = [[catalog.province, boundaries.province]]
  for (const city of catalog.cities) {
    const g = boundaries.cities.get(city.code)
    if (g) withGeometry.push([city, g])
    else warnings.push(`${city.code} ${city.nameZh} has no boundary (none of its counties matched); left out`)
  }
  const keptCities = new Set(withGeometry.map(([d]) => d.code))
  for (const county of catalog.counties) {
    const g = boundaries.leaves.get(county.code)
    if (g && keptCities.has(county.parent!)) withGeometry.push([county, g])
  }

  const regions: Region[] = []
  const features = new Map<string, BoundaryFeature>()
  const shortNamesEn = new Map<string, string>()
  const centroidFallbacks: string[] = []
  for (const [d, geometry] of withGeometry) {
    const name = englishName(d.nameZh, d.level, read)
    const { point, fallback } = visualCentre(geometry, findInterior)
    if (fallback) centroidFallbacks.push(d.code)
    const zoneCity = d.level === 'city' ? d.code : d.level === 'county' ? d.parent! : undefined
    regions.push({
      code: d.code,
      name: { zh: d.nameZh, en: name.full },
      level: d.level,
      parent: d.parent,
      centroid: point,
      ...(zoneCity === undefined ? {} : { zone: zoneOfCity(zoneCity) }),
    })
    shortNamesEn.set(d.code, name.short)
    features.set(
      d.code,
      boundaryFeatureSchema.parse({
        type: 'Feature',
        properties: { code: d.code, name_zh: d.nameZh, name_en: name.full, level: d.level, parent: d.parent },
        geometry,
      }),
    )
  }
  return { regions, features, shortNamesEn, centroidFallbacks, warnings }
}

/**
 * The features as written to geo/: each region's properties with its drawn
 * outline (simplified per level of border) in place of its placement outline.
 * A region's centroid, found on the placement outline, must lie inside the
 * drawn one too: the map anchors labels and alert rings there.
 */
export function drawnFeatures(assembled: AssembledRegions, drawn: SimplifiedBoundaries): Map<string, BoundaryFeature> {
  const out = new Map<string, BoundaryFeature>()
  const outside: string[] = []
  for (const region of assembled.regions) {
    const geometry =
      region.level === 'province' ? drawn.province : region.level === 'city' ? drawn.cities.get(region.code) : drawn.leaves.get(region.code)
    if (!geometry) throw new Error(`${region.code} has a placement outline but no drawn one`)
    if (!pointInGeometry(region.centroid, geometry)) outside.push(region.code)
    out.set(region.code, { ...assembled.features.get(region.code)!, geometry })
  }
  if (outside.length > 0) throw new Error(`centroids outside their drawn outline: ${outside.join(', ')}`)
  return out
}
