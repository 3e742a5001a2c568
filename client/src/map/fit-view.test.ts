import { describe, expect, it } from 'vitest'
import type { RegionFeature } from './geo-types'
import { chooseFit, mercatorY, occupancyOf, projectedExtent, type Occupancy } from './fit-view'
import { contains } from './region-geo'

/** A grid where only the listed cells hold land (or every cell, without a list). */
const grid = (size: number, land?: (col: number, row: number) => boolean): Occupancy => ({ size, occupied: land ?? (() => true) })

const square = (w: number, s: number, e: number, n: number): RegionFeature => ({
  type: 'Feature',
  properties: { code: 'x', name_zh: 'x', name_en: 'x', level: 'city', parent: null },
  geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
})

describe('chooseFit', () => {
  const panel = { width: 1600, height: 1000 }
  const legend = { width: 400, height: 300 }

  it('fills a panel without a legend up to the margin', () => {
    const fit = chooseFit({ panel, legend: { width: 0, height: 0 }, extent: { width: 1.6, height: 1 }, occupancy: grid(8), margin: 20 })
    expect(fit.padding).toEqual({ top: 20, bottom: 20, left: 20, right: 20 })
    // 1.6 × 1 in a 1560 × 960 area: 960 pixels a unit, the region 1536 × 960.
    expect(fit.scale).toBeCloseTo(960)
  })

  it('puts a region whose box is all land beside or above the legend, whichever draws it larger', () => {
    // A wide region in a wide panel: the legend's strip comes off the height (the spare dimension is width).
    const wide = chooseFit({ panel, legend, extent: { width: 3, height: 1 }, occupancy: grid(8), margin: 20 })
    expect(wide.padding.left + wide.padding.right).toBe(40)
    expect(wide.padding.bottom).toBe(20 + 320)
    expect(wide.scale).toBeCloseTo(520)
    // A tall region: the legend goes beside it.
    const tall = chooseFit({ panel, legend, extent: { width: 1, height: 1 }, occupancy: grid(8), margin: 20 })
    expect(Math.max(tall.padding.left, tall.padding.right)).toBe(20 + 420)
    expect(tall.padding.bottom).toBe(20)
    expect(tall.scale).toBeCloseTo(960)
  })

  it('lays the legend over a corner of the box that is sea, drawing the region as large as without it', () => {
    // Land everywhere except the south-east quarter (the shape of Guangdong's box).
    const sea = grid(8, (col, row) => !(col >= 4 && row >= 4))
    const fit = chooseFit({ panel, legend, extent: { width: 1.6, height: 1 }, occupancy: sea, margin: 20 })
    expect(fit.corner).toBe('bottom-right')
    expect(fit.padding).toEqual({ top: 20, bottom: 20, left: 20, right: 20 })
    const westSea = chooseFit({ panel, legend, extent: { width: 1.6, height: 1 }, occupancy: grid(8, (col, row) => !(col < 4 && row >= 4)), margin: 20 })
    expect(westSea.corner).toBe('bottom-left')
  })

  it('never lays the legend over land', () => {
    const land = chooseFit({ panel, legend, extent: { width: 1.6, height: 1 }, occupancy: grid(8, (col, row) => col === 7 && row === 7), margin: 20 })
    expect(land.corner).toBe('bottom-left') // the south-west is sea, the south-east corner cell is land
    const allLand = chooseFit({ panel, legend, extent: { width: 1.6, height: 1 }, occupancy: grid(8), margin: 20 })
    expect(allLand.padding).not.toEqual({ top: 20, bottom: 20, left: 20, right: 20 })
  })
})

describe('occupancyOf', () => {
  it('marks the cells a shape covers, and leaves the rest of its box empty', () => {
    // An L: the whole north half, and the west half of the south.
    const north = square(0, 10, 10, 20)
    const southWest = square(0, 0, 5, 10)
    const bounds: [[number, number], [number, number]] = [
      [0, 0],
      [10, 20],
    ]
    const occ = occupancyOf([north, southWest], bounds, contains, 8)
    expect(occ.occupied(0, 0)).toBe(true)
    expect(occ.occupied(7, 0)).toBe(true)
    expect(occ.occupied(1, 7)).toBe(true)
    expect(occ.occupied(7, 7)).toBe(false)
    expect(occ.occupied(6, 6)).toBe(false)
  })
})

describe('projectedExtent', () => {
  it('measures height in Mercator, so a box far north is taller than its degrees', () => {
    const equator = projectedExtent([
      [0, 0],
      [10, 10],
    ])
    const north = projectedExtent([
      [0, 50],
      [10, 60],
    ])
    expect(north.width).toBeCloseTo(equator.width)
    expect(north.height).toBeGreaterThan(equator.height * 1.5)
    expect(mercatorY(0)).toBeCloseTo(0)
  })
})
