import type { Region } from '../../common/catalog-schema'
import { boundaryFeatureSchema, type BoundaryFeature, type PolygonalGeometry } from './boundary-schema'
import type { Division, DivisionCatalog } from './division-catalog'
import { zoneOfCity } from './economic-zones'
import { englishName, type SyllableReader } from './english-names'
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
 * none for the province) and a centroid inside the simplified polygon — the
 * polygon that is written out, so the check holds for the committed files.
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
