import { z } from 'zod'
import { polygonalGeometrySchema, polygonsOf, type PolygonalGeometry, type Position, type Ring } from './boundary-schema'
import type { LeafBoundary } from './county-boundaries'
import type { UntypedFunction } from './source-packages'

/**
 * Simplification tolerances, as mapshaper's Visvalingam `interval` in metres,
 * per level of border. Each border is simplified once, on the topology all
 * levels share, at the tolerance of the coarsest view that draws it; every
 * file that holds it then holds the same vertices, so neighbours, a city and
 * its counties, the province and its cities meet exactly at every zoom.
 *
 * The wall's map is about 1,350 × 1,110 pixels inside its padding: the
 * province view draws about 580 m per pixel, a city's view 56 m (东莞, 中山)
 * to 175 m (清远, 湛江) per pixel, a county's a few tens of metres.
 *
 * - `county`, between two counties of one city: first drawn at city zoom. 50 m
 *   removes the source's staircase (it is quantised to 1/1024 degree, about
 *   100 m) and nothing it really shows; under a pixel at every city's zoom.
 * - `city`, between two cities, and `province`, the province's own outline
 *   (coast, neighbouring provinces): first drawn at province zoom, where 150 m
 *   is a quarter of a pixel. They are also the outlines at a city's own view,
 *   where 150 m keeps nine in ten vertices of the full outline within about
 *   110 m: about 2 pixels for the three smallest cities (56–67 m a pixel),
 *   about one or less for the rest. Against 50 m, the cities file has 56 %
 *   fewer vertices and the province 52 %.
 */
export const BORDER_INTERVAL_METRES = { province: 150, city: 150, county: 50 } as const

/**
 * The outlines stations and centroids are placed on: every border at 50 m,
 * the most exact outline the build has. Data is placed on the region as it
 * is, not as it is drawn; the build checks that each point also lies inside
 * the drawn outline.
 */
export const PLACEMENT_INTERVAL_METRES = 50

/** 1e-4 degree is about 11 m: below the source's own precision. */
export const COORDINATE_PRECISION = 0.0001

/** The three layers, as plain geometries keyed by six-digit code. */
export interface SimplifiedBoundaries {
  leaves: Map<string, PolygonalGeometry>
  cities: Map<string, PolygonalGeometry>
  province: PolygonalGeometry
}

const outputFilesSchema = z.record(z.string(), z.union([z.string(), z.instanceof(Uint8Array)]))
const looseGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(z.array(z.number())))) }),
])
const outputCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({ properties: z.record(z.string(), z.unknown()), geometry: looseGeometrySchema.nullable() })),
})

function tidyRing(ring: readonly (readonly number[])[]): Ring | undefined {
  const r: Position[] = []
  for (const p of ring) {
    const [x, y] = p
    if (x === undefined || y === undefined) throw new Error('position with fewer than two numbers')
    const last = r[r.length - 1]
    if (!last || last[0] !== x || last[1] !== y) r.push([x, y])
  }
  const first = r[0]
  const last = r[r.length - 1]
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) r.push([first[0], first[1]])
  return r.length >= 4 ? r : undefined
}

/**
 * Rounding can make neighbouring vertices coincide and tiny islets collapse:
 * drops repeated positions, closes rings, and drops rings with fewer than four
 * positions — a collapsed outer ring takes its holes with it.
 */
export function tidyPolygons(polygons: readonly (readonly (readonly (readonly number[])[])[])[]): Ring[][] {
  const out: Ring[][] = []
  for (const rings of polygons) {
    const [outer, ...holes] = rings.map(tidyRing)
    if (!outer) continue
    out.push([outer, ...holes.filter((h): h is Ring => h !== undefined)])
  }
  return out
}

function toGeometry(polygons: Ring[][], what: string): PolygonalGeometry {
  if (polygons.length === 0) throw new Error(`${what}: every polygon collapsed while simplifying`)
  const candidate = polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons }
  const parsed = polygonalGeometrySchema.safeParse(candidate)
  if (!parsed.success) throw new Error(`${what}: invalid geometry after simplifying: ${parsed.error.issues[0]?.message ?? ''}`)
  return parsed.data
}

function readLayer(files: Record<string, string | Uint8Array>, name: string, key: string): Map<string, PolygonalGeometry> {
  const raw = files[name]
  if (raw === undefined) throw new Error(`mapshaper wrote no ${name}`)
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8')
  const parsed = outputCollectionSchema.safeParse(JSON.parse(text))
  if (!parsed.success) throw new Error(`mapshaper's ${name} is not a FeatureCollection: ${parsed.error.issues[0]?.message ?? ''}`)
  const out = new Map<string, PolygonalGeometry>()
  for (const f of parsed.data.features) {
    const code = f.properties[key]
    if (typeof code !== 'string') throw new Error(`${name}: a feature without "${key}"`)
    if (!f.geometry) throw new Error(`${name}: ${code} lost its geometry`)
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
    out.set(code, toGeometry(tidyPolygons(polygons), `${name} ${code}`))
  }
  return out
}

/** Both sets of outlines, from one source topology. */
export interface BoundaryLevels {
  /** Every border at PLACEMENT_INTERVAL_METRES: where stations and centroids are placed. */
  placement: SimplifiedBoundaries
  /** Each border at its level's BORDER_INTERVAL_METRES: what is written to geo/ and drawn. */
  drawn: SimplifiedBoundaries
}

/**
 * mapshaper's `-lines city` classes each arc of the topology once: `outer`
 * (used by one leaf only: the province's outline), `city` (between leaves of
 * two cities), `inner` (between two counties of one city). Variable
 * simplification then gives each arc its class's interval.
 */
export const DRAWN_SIMPLIFY = [
  '-lines city target=leaves + name=borders',
  `-simplify variable interval='TYPE == "outer" ? ${BORDER_INTERVAL_METRES.province} : TYPE == "city" ? ${BORDER_INTERVAL_METRES.city} : ${BORDER_INTERVAL_METRES.county}' target=borders keep-shapes`,
  '-target leaves',
] as const

/**
 * Cleans, simplifies and dissolves the leaf outlines with mapshaper, all in one
 * topology: shared borders are simplified once, so neighbouring counties, the
 * cities (dissolved from their counties) and the province outline (dissolved
 * from everything) keep meeting exactly. Run once per set of outlines:
 * `simplify` is the mapshaper commands between cleaning and dissolving
 * (none: the full detail).
 *
 * `-clean` comes first because the source has overlaps: an enclave is drawn on
 * top of the county around it rather than cut out of it (化州/廉江 trade several).
 * mapshaper gives the overlap to the smaller shape, i.e. to the enclave, and
 * fills the few slivers of gap between cities.
 */
export async function simplifyBoundaries(
  applyCommands: UntypedFunction,
  leaves: readonly LeafBoundary[],
  provinceCode: string,
  simplify: readonly string[],
): Promise<SimplifiedBoundaries> {
  const input = {
    type: 'FeatureCollection',
    features: leaves.map((l) => ({
      type: 'Feature',
      properties: { code: l.division.code, city: l.cityCode, province: provinceCode },
      geometry: l.geometry,
    })),
  }
  const out = `precision=${COORDINATE_PRECISION} format=geojson`
  const commands = [
    '-i leaves.json name=leaves',
    '-clean',
    ...simplify,
    `-o leaves-out.json ${out}`,
    '-dissolve city target=leaves + name=cities',
    `-o cities-out.json ${out}`,
    '-dissolve province target=leaves + name=province',
    `-o province-out.json ${out}`,
  ].join(' ')
  const files = outputFilesSchema.parse(await applyCommands(commands, { 'leaves.json': input }))
  const province = readLayer(files, 'province-out.json', 'province').get(provinceCode)
  if (!province) throw new Error('mapshaper produced no province outline')
  return {
    leaves: readLayer(files, 'leaves-out.json', 'code'),
    cities: readLayer(files, 'cities-out.json', 'city'),
    province,
  }
}

/** The outlines stations are placed on and the outlines drawn, from one source. */
export async function boundaryLevels(applyCommands: UntypedFunction, leaves: readonly LeafBoundary[], provinceCode: string): Promise<BoundaryLevels> {
  return {
    placement: await simplifyBoundaries(applyCommands, leaves, provinceCode, [`-simplify interval=${PLACEMENT_INTERVAL_METRES} keep-shapes`]),
    drawn: await simplifyBoundaries(applyCommands, leaves, provinceCode, DRAWN_SIMPLIFY),
  }
}

/** Positions of a geometry, counting each ring's closing one. */
export function vertexCount(geometry: PolygonalGeometry): number {
  return polygonsOf(geometry).reduce((n, rings) => rings.reduce((m, ring) => m + ring.length, n), 0)
}
