import type { Region, Station, StationKind } from '../../common/catalog-schema'
import { createRng, gaussian, hashString } from '../../common/random'
import { polygonsOf, type PolygonalGeometry } from './boundary-schema'
import { pointInGeometry } from './point-in-polygon'

/** Changing it moves every station: bump only on purpose. */
export const STATION_SEED = 'onescreen-sample-stations-v1'

/** 1e-5 degree is about 1 m. */
export const LOCATION_DECIMALS = 5

/**
 * Share of a region's stations drawn around its centre rather than anywhere in
 * it: monitors and detectors cluster in the county seat, where people and roads
 * are, but some stand out in the countryside.
 */
export const CORE_SHARE = 0.6

/** Spread of the central cluster, as a fraction of the region's larger bounding-box side. */
export const CORE_SPREAD = 0.12

/** Rejection sampling gives up after this many draws; even a thin coastal district needs far fewer. */
const MAX_DRAWS = 200_000

/** A leaf region where stations may stand. */
export interface StationSite {
  region: Region
  /** English name without its suffix: "Tianhe" in "Tianhe Air Station 1". */
  shortNameEn: string
  geometry: PolygonalGeometry
}

const KIND_SPECS: Record<StationKind, { prefix: string; digits: number; zh: string; en: string }> = {
  air: { prefix: 'AQ', digits: 2, zh: '空气监测站', en: 'Air Station' },
  traffic: { prefix: 'TD', digits: 3, zh: '交通检测器', en: 'Detector' },
}

function boundingBox(geometry: PolygonalGeometry): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const rings of polygonsOf(geometry)) {
    for (const [x, y] of rings[0]!) {
      minX = Math.min(minX, x)
      minY = Math.min(minY, y)
      maxX = Math.max(maxX, x)
      maxY = Math.max(maxY, y)
    }
  }
  return [minX, minY, maxX, maxY]
}

function round(v: number): number {
  const f = 10 ** LOCATION_DECIMALS
  return Math.round(v * f) / f
}

/** A seeded random point inside the geometry, by rejection sampling. */
export function samplePointInside(geometry: PolygonalGeometry, centre: readonly [number, number], rng: () => number): [number, number] {
  const [minX, minY, maxX, maxY] = boundingBox(geometry)
  const sigma = CORE_SPREAD * Math.max(maxX - minX, maxY - minY)
  for (let i = 0; i < MAX_DRAWS; i++) {
    const core = rng() < CORE_SHARE
    const x = core ? centre[0] + sigma * gaussian(rng) : minX + (maxX - minX) * rng()
    const y = core ? centre[1] + sigma * gaussian(rng) : minY + (maxY - minY) * rng()
    const p: [number, number] = [round(x), round(y)]
    if (pointInGeometry(p, geometry)) return p
  }
  throw new Error(`no point found inside the geometry after ${MAX_DRAWS} draws`)
}

/**
 * Stations of one kind, `seats.get(code)` of them in each site, with codes and
 * bilingual names numbered per region. Each region has its own random stream,
 * so changing one region's count leaves the other regions' stations where they are.
 */
export function placeStations(kind: StationKind, sites: readonly StationSite[], seats: ReadonlyMap<string, number>): Station[] {
  const spec = KIND_SPECS[kind]
  const stations: Station[] = []
  for (const site of sites) {
    const count = seats.get(site.region.code) ?? 0
    if (count >= 10 ** spec.digits) throw new Error(`${site.region.code}: ${count} ${kind} stations do not fit ${spec.digits}-digit numbers`)
    const rng = createRng(hashString(`${STATION_SEED}:${kind}:${site.region.code}`))
    for (let n = 1; n <= count; n++) {
      const number = kind === 'air' ? String(n) : String(n).padStart(spec.digits, '0')
      stations.push({
        code: `${spec.prefix}-${site.region.code}-${String(n).padStart(spec.digits, '0')}`,
        kind,
        name: { zh: `${site.region.name.zh} ${spec.zh} ${number}`, en: `${site.shortNameEn} ${spec.en} ${number}` },
        region: site.region.code,
        location: samplePointInside(site.geometry, site.region.centroid, rng),
      })
    }
  }
  return stations
}
