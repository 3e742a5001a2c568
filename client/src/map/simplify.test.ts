import { describe, expect, it } from 'vitest'
import type { Position, RegionFeature } from './geo-types'
import { simplifyFeature, simplifyLine } from './simplify'

describe('simplifyLine', () => {
  it('drops points closer to the line than the tolerance and keeps the corners', () => {
    const wiggly: Position[] = [[0, 0], [1, 0.01], [2, -0.01], [3, 0], [3, 3]]
    expect(simplifyLine(wiggly, 0.1)).toEqual([[0, 0], [3, 0], [3, 3]])
    expect(simplifyLine(wiggly, 0.001)).toEqual(wiggly)
  })
})

describe('simplifyFeature', () => {
  const square = (x: number, y: number, h: number): Position[] => [[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h], [x - h, y - h]]
  const feature = (geometry: RegionFeature['geometry']): RegionFeature => ({ type: 'Feature', properties: { code: '1', name_zh: '', name_en: '', level: 'city', parent: null }, geometry })

  it('drops islets smaller than the tolerance, keeping holes that stay visible', () => {
    const f = feature({ type: 'MultiPolygon', coordinates: [[square(0, 0, 2), square(0, 0, 1)], [square(5, 5, 0.001)]] })
    const s = simplifyFeature(f, 0.01)
    expect(s.geometry).toEqual({ type: 'Polygon', coordinates: [square(0, 0, 2), square(0, 0, 1)] })
    expect(s.properties).toBe(f.properties)
  })

  it('keeps a feature that would vanish whole as it is', () => {
    const f = feature({ type: 'Polygon', coordinates: [square(0, 0, 0.001)] })
    expect(simplifyFeature(f, 1)).toBe(f)
  })
})
