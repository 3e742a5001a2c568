import { z } from 'zod'
import { polygonalGeometrySchema, type PolygonalGeometry, type Position, type Ring } from './boundary-schema'
import type { LeafBoundary } from './county-boundaries'
import type { UntypedFunction } from './source-packages'

/**
 * Simplification tolerance, as mapshaper's Visvalingam `interval` in metres.
 * The echarts outlines are quantised to 1/1024 degree (about 100 m), so 50 m
 * removes their staircase steps and little else. A Guangdong city fills a 4K
 * wall at about 40 m per pixel: the error stays around one pixel at city zoom,
 * and the whole geo folder comes to a few MB.
 */
export const SIMPLIFY_INTERVAL_METRES = 50

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

/**
 * Cleans, simplifies and dissolves the leaf outlines with mapshaper, all in one
 * topology: shared borders are simplified once, so neighbouring counties, the
 * cities (dissolved from their counties) and the province outline (dissolved
 * from everything) keep meeting exactly.
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
    `-simplify interval=${SIMPLIFY_INTERVAL_METRES} keep-shapes`,
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
