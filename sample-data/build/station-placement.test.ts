import { describe, expect, it } from 'vitest'
import type { Region } from '../../common/catalog-schema'
import type { PolygonalGeometry } from './boundary-schema'
import { pointInGeometry } from './point-in-polygon'
import { placeStations, type StationSite } from './station-placement'

/** An L-shaped district: its bounding box is half empty, so rejection has work to do. */
const lShape: PolygonalGeometry = { type: 'Polygon', coordinates: [[[113, 23], [113.2, 23], [113.2, 23.05], [113.05, 23.05], [113.05, 23.2], [113, 23.2], [113, 23]]] }
const region: Region = { code: '440106', name: { zh: '天河区', en: 'Tianhe District' }, level: 'county', parent: '440100', centroid: [113.02, 23.02] }
const sites: StationSite[] = [{ region, shortNameEn: 'Tianhe', geometry: lShape }]

describe('placeStations', () => {
  it('places the same stations on every run, all inside the region', () => {
    const seats = new Map([['440106', 40]])
    const first = placeStations('traffic', sites, seats)
    expect(placeStations('traffic', sites, seats)).toEqual(first)
    expect(first).toHaveLength(40)
    expect(first.every((s) => pointInGeometry(s.location, lShape))).toBe(true)
  })

  it('numbers and names stations per kind', () => {
    const [air] = placeStations('air', sites, new Map([['440106', 1]]))
    expect(air).toMatchObject({ code: 'AQ-440106-01', name: { zh: '天河区 空气监测站 1', en: 'Tianhe Air Station 1' }, region: '440106' })
    const detectors = placeStations('traffic', sites, new Map([['440106', 3]]))
    expect(detectors[2]).toMatchObject({ code: 'TD-440106-003', name: { zh: '天河区 交通检测器 003', en: 'Tianhe Detector 003' } })
  })
})
