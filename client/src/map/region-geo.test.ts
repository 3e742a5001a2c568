import { afterEach, describe, expect, it, vi } from 'vitest'
import { RegionTree } from '../../../common/region-tree'
import { testCatalog } from '../../../test/fixtures/catalog'
import { contains, RegionGeo, type RegionCollection, type RegionFeature } from './region-geo'

const tree = testCatalog().tree

function square(code: string, level: RegionFeature['properties']['level'], parent: string | null, [x, y]: [number, number], h: number): RegionFeature {
  return {
    type: 'Feature',
    properties: { code, name_zh: code, name_en: code, level, parent },
    geometry: { type: 'Polygon', coordinates: [[[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h], [x - h, y - h]]] },
  }
}

const collection = (...features: RegionFeature[]): RegionCollection => ({ type: 'FeatureCollection', features })
const province = collection(square('990000', 'province', null, [113.5, 23.5], 2))
const cities = collection(square('990100', 'city', '990000', [113.3, 23.1], 0.5), square('990200', 'city', '990000', [114.0, 24.5], 0.5))
const counties = collection(square('990101', 'county', '990100', [113.4, 23.1], 0.1), square('990102', 'county', '990100', [113.2, 23.1], 0.1))

afterEach(() => vi.unstubAllGlobals())

describe('RegionGeo', () => {
  it('draws the tree’s root as land: the province, or a city account’s own city', () => {
    expect(new RegionGeo(province, cities, tree).land.features.map((f) => f.properties.code)).toEqual(['990000'])
    // A city account's tree is rooted at its city, and the server sends it no province nor other city.
    const cityTree = new RegionTree(tree.subtree('990100').map((r) => (r.code === '990100' ? { ...r, parent: null } : r)))
    const own = collection({ ...cities.features[0]!, properties: { ...cities.features[0]!.properties, parent: null } })
    expect(new RegionGeo(collection(), own, cityTree).land.features.map((f) => f.properties.code)).toEqual(['990100'])
    // Boundary files without the root: nothing to draw as land, not an error.
    expect(new RegionGeo(collection(), cities, tree).land.features).toEqual([])
  })

  it('shows a region’s children, framed by its own bounds, and hands out the same objects every time', async () => {
    const geo = new RegionGeo(province, cities, tree)
    const view = await geo.prepare('990000')
    expect(view.children).toEqual(['990100', '990200'])
    expect(view.shown.features.map((f) => f.properties.code)).toEqual(['990100', '990200'])
    expect(view.indexOf.get('990200')).toBe(1)
    expect(view.bounds).toEqual([
      [111.5, 21.5],
      [115.5, 25.5],
    ])
    expect(await geo.prepare('990000')).toBe(view)
  })

  it('draws the outlines as served, not reshaped one by one (the build simplifies them per level, neighbours alike)', async () => {
    // A wiggly border that per-outline simplification would straighten in one city and not in its neighbour.
    const wiggly: RegionFeature = {
      ...square('990100', 'city', '990000', [113.3, 23.1], 0.5),
      geometry: {
        type: 'Polygon',
        coordinates: [[[112.8, 22.6], [113.3, 22.6001], [113.8, 22.6], [113.8, 23.6], [112.8, 23.6], [112.8, 22.6]]],
      },
    }
    const geo = new RegionGeo(province, collection(wiggly, cities.features[1]!), tree)
    const root = await geo.prepare('990000')
    expect(root.shown.features[0]).toBe(wiggly)
    expect(root.shown.features[1]).toBe(cities.features[1])
    expect(root.outline.features[0]).toBe(province.features[0])
    expect((await geo.prepare('990200')).outline.features[0]).toBe(cities.features[1])
  })

  it('loads a city’s counties once, when the map first goes there', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify(counties), { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    const geo = new RegionGeo(province, cities, tree)
    const [city, county] = await Promise.all([geo.prepare('990100'), geo.prepare('990101')])
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0]).toEqual(['/api/geo/county?parent=990100', expect.anything()])
    expect(city.shown.features.map((f) => f.properties.code)).toEqual(['990101', '990102'])
    expect(city.counties).toEqual(counties)
    // A leaf shows itself, among its city's counties.
    expect(county.children).toEqual([])
    expect(county.shown.features.map((f) => f.properties.code)).toEqual(['990101'])
  })

  it('shows a city without counties by itself, without asking for counties', async () => {
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const view = await new RegionGeo(province, cities, tree).prepare('990200')
    expect(view.shown.features.map((f) => f.properties.code)).toEqual(['990200'])
    expect(fetch).not.toHaveBeenCalled()
  })

  it('anchors a region at its centroid when that lies inside it, else at a point inside', () => {
    // A C-shaped city whose centroid (113.3, 23.1) falls in the notch.
    const c: RegionFeature = {
      ...square('990100', 'city', '990000', [113.3, 23.1], 0.5),
      geometry: {
        type: 'Polygon',
        coordinates: [[[112.8, 22.6], [113.8, 22.6], [113.8, 22.8], [113.0, 22.8], [113.0, 23.4], [113.8, 23.4], [113.8, 23.6], [112.8, 23.6], [112.8, 22.6]]],
      },
    }
    const geo = new RegionGeo(province, collection(c, cities.features[1]!), tree)
    expect(geo.anchor('990200')).toEqual([114.0, 24.5])
    const a = geo.anchor('990100')!
    expect(contains(c, [113.3, 23.1])).toBe(false)
    expect(contains(c, a)).toBe(true)
  })

  it('treats holes as outside', () => {
    const donut: RegionFeature = {
      ...square('x', 'city', null, [0, 0], 2),
      geometry: {
        type: 'Polygon',
        coordinates: [
          [[-2, -2], [2, -2], [2, 2], [-2, 2], [-2, -2]],
          [[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]],
        ],
      },
    }
    expect(contains(donut, [0, 0])).toBe(false)
    expect(contains(donut, [1.5, 0])).toBe(true)
  })
})
