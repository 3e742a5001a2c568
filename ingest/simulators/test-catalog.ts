import { existsSync, readFileSync } from 'node:fs'
import { CatalogIndex } from '../../common/catalog-index'
import {
  domainsFileSchema,
  indicatorsFileSchema,
  regionsFileSchema,
  stationsFileSchema,
  type Catalog,
  type DomainInfo,
  type Indicator,
  type Region,
  type Station,
} from '../../common/catalog-schema'

/**
 * Test data for the simulators: the real indicator catalog with a small made-up
 * province (one zone per city, a city without counties, stations of both kinds),
 * and the real sample catalog when it has been built.
 */

const SAMPLE_DATA = new URL('../../sample-data/', import.meta.url)

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, SAMPLE_DATA), 'utf8'))
}

export function loadDomains(): DomainInfo[] {
  return domainsFileSchema.parse(readJson('domains.json')).domains
}

export function loadIndicators(): Indicator[] {
  return indicatorsFileSchema.parse(readJson('indicators.json')).indicators
}

interface TestCity {
  code: string
  zone: string
  centroid: [number, number]
  /** Counties; none makes the city itself a leaf. */
  counties: number
}

const TEST_CITIES: readonly TestCity[] = [
  { code: '990100', zone: 'prd', centroid: [113.3, 23.1], counties: 2 },
  { code: '990200', zone: 'prd', centroid: [113.7, 22.9], counties: 0 },
  { code: '990300', zone: 'north', centroid: [113.6, 24.8], counties: 2 },
  { code: '990400', zone: 'east', centroid: [116.6, 23.4], counties: 1 },
  { code: '990500', zone: 'west', centroid: [110.4, 21.2], counties: 1 },
]

export interface TestCatalogOptions {
  /** Traffic detectors per leaf region. @default 3 */
  detectorsPerLeaf?: number
  /** Air stations per leaf region. @default 1 */
  airStationsPerLeaf?: number
}

/** A small province: 5 cities in 4 zones, 7 leaf regions (one of them a city), stations in every leaf. */
export function createTestCatalog(options: TestCatalogOptions = {}): Catalog {
  const { detectorsPerLeaf = 3, airStationsPerLeaf = 1 } = options
  const text = (s: string) => ({ zh: s, en: s })
  const regions: Region[] = [{ code: '990000', name: text('Testland'), level: 'province', parent: null, centroid: [113, 23] }]
  const leaves: Region[] = []
  for (const c of TEST_CITIES) {
    const city: Region = { code: c.code, name: text(`City ${c.code}`), level: 'city', parent: '990000', centroid: c.centroid, zone: c.zone }
    regions.push(city)
    if (c.counties === 0) leaves.push(city)
    for (let k = 1; k <= c.counties; k++) {
      const county: Region = {
        code: `${c.code.slice(0, 4)}0${k}`,
        name: text(`County ${k} of ${c.code}`),
        level: 'county',
        parent: c.code,
        centroid: [c.centroid[0] + 0.2 * k, c.centroid[1] - 0.1 * k],
        zone: c.zone,
      }
      regions.push(county)
      leaves.push(county)
    }
  }
  const stations: Station[] = []
  for (const leaf of leaves) {
    const station = (code: string, kind: Station['kind']): Station => ({ code, kind, name: text(code), region: leaf.code, location: leaf.centroid })
    for (let i = 1; i <= airStationsPerLeaf; i++) stations.push(station(`AQ-${leaf.code}-${i}`, 'air'))
    for (let i = 1; i <= detectorsPerLeaf; i++) stations.push(station(`TD-${leaf.code}-${i}`, 'traffic'))
  }
  return { domains: loadDomains(), indicators: loadIndicators(), regions, stations }
}

export function createTestIndex(options: TestCatalogOptions = {}): CatalogIndex {
  return new CatalogIndex(createTestCatalog(options))
}

/** The real sample catalog (regions, stations, indicators), or undefined until it has been built. */
export function loadSampleCatalog(): Catalog | undefined {
  if (!existsSync(new URL('regions.json', SAMPLE_DATA)) || !existsSync(new URL('stations.json', SAMPLE_DATA))) return undefined
  return {
    domains: loadDomains(),
    indicators: loadIndicators(),
    regions: regionsFileSchema.parse(readJson('regions.json')).regions,
    stations: stationsFileSchema.parse(readJson('stations.json')).stations,
  }
}
