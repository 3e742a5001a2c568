import { describe, expect, it } from 'vitest'
import type { Catalog, DomainInfo, Indicator, Region, Station } from './catalog-schema'
import { CatalogIndex } from './catalog-index'

const regions: Region[] = [
  { code: 'P', parent: null, level: 'province', name: { zh: '省', en: 'P' }, centroid: [113, 23] },
  { code: 'C', parent: 'P', level: 'city', name: { zh: '市', en: 'C' }, centroid: [113, 23] },
  { code: 'K', parent: 'C', level: 'county', name: { zh: '县', en: 'K' }, centroid: [113, 23] },
]
const flow: Indicator = {
  code: 'flow', domain: 'traffic', name: { zh: '流量', en: 'Flow' }, unit: { zh: '辆', en: 'veh' }, precision: 0,
  aggregation: { rule: 'sum' }, temporal: 'mean', better: 'neither', cadenceSeconds: 5, target: null,
  range: [0, 1000], stationKind: 'traffic',
}
const speed: Indicator = { ...flow, code: 'speed', aggregation: { rule: 'weightedMean', weightBy: 'flow' } }
const domain: DomainInfo = { code: 'traffic', name: { zh: '交通', en: 'Traffic' }, color: '#336699', icon: 'car', order: 1 }
const station: Station = { code: 'S1', kind: 'traffic', region: 'K', name: { zh: '站', en: 'S' }, location: [113, 23] }

function catalog(patch: Partial<Catalog>): Catalog {
  return { domains: [domain], regions, indicators: [flow, speed], stations: [station], ...patch }
}

describe('CatalogIndex', () => {
  it('indexes a consistent catalog', () => {
    const index = new CatalogIndex(catalog({}))
    expect(index.indicator('speed')?.aggregation).toEqual({ rule: 'weightedMean', weightBy: 'flow' })
    expect(index.station('S1')?.region).toBe('K')
    expect(index.tree.root.code).toBe('P')
  })

  it.each([
    ['an unknown weight indicator', { indicators: [{ ...speed, aggregation: { rule: 'weightedMean' as const, weightBy: 'nope' } }] }, /weighted by unknown indicator nope/],
    ['a weight measured elsewhere', { indicators: [{ ...flow, stationKind: undefined }, speed] }, /measured at other stations/],
    ['a station in an unknown region', { stations: [{ ...station, region: 'X' }] }, /unknown region X/],
    ['a station in a non-leaf region', { stations: [{ ...station, region: 'C' }] }, /not a leaf region/],
    ['a duplicated indicator', { indicators: [flow, flow] }, /indicator flow twice/],
  ])('refuses %s', (_name, patch, message) => {
    expect(() => new CatalogIndex(catalog(patch))).toThrow(message)
  })
})
