import { describe, expect, it } from 'vitest'
import { labelBox, overlaps, placeLabels, type LabelCandidate } from './region-labels'

const label = (code: string, x: number, y: number, priority: number, width = 60, height = 20): LabelCandidate => ({ code, text: code, x, y, width, height, priority })
const map = { width: 800, height: 600 }

describe('placeLabels', () => {
  it('keeps every label that collides with none', () => {
    const placed = placeLabels([label('a', 100, 100, 1), label('b', 300, 100, 1), label('c', 100, 300, 1)], map)
    expect(placed.map((l) => l.code).sort()).toEqual(['a', 'b', 'c'])
  })

  it('drops the smaller region’s label where two collide, whatever the input order', () => {
    const big = label('big', 200, 200, 100)
    const small = label('small', 230, 205, 5)
    expect(placeLabels([small, big], map).map((l) => l.code)).toEqual(['big'])
    expect(placeLabels([big, small], map).map((l) => l.code)).toEqual(['big'])
  })

  it('keeps a gap between labels', () => {
    // 60 wide, centres 62 apart: 2 px between the boxes, under the 4 px gap.
    expect(placeLabels([label('a', 100, 100, 2), label('b', 162, 100, 1)], map)).toHaveLength(1)
    expect(placeLabels([label('a', 100, 100, 2), label('b', 170, 100, 1)], map)).toHaveLength(2)
  })

  it('lets a third label in once the one it collided with is out', () => {
    // b collides with a (placed first) and with c; c collides only with b: a and c both stay.
    const placed = placeLabels([label('a', 100, 100, 3), label('b', 150, 100, 2), label('c', 200, 100, 1)], map)
    expect(placed.map((l) => l.code)).toEqual(['a', 'c'])
  })

  it('keeps labels inside the map and off obstacles (the legend)', () => {
    const legend = { left: 0, top: 400, right: 300, bottom: 600 }
    const placed = placeLabels([label('edge', 10, 100, 5), label('under-legend', 100, 500, 5), label('free', 500, 500, 1)], map, [legend])
    expect(placed.map((l) => l.code)).toEqual(['free'])
  })

  it('places nothing twice and never two overlapping boxes (a crowded delta)', () => {
    const crowded = Array.from({ length: 200 }, (_, i) => label(`r${i}`, 300 + ((i * 37) % 200), 200 + ((i * 53) % 150), (i * 7919) % 101))
    const placed = placeLabels(crowded, map)
    expect(new Set(placed.map((l) => l.code)).size).toBe(placed.length)
    for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) expect(overlaps(labelBox(placed[i]!, 0), labelBox(placed[j]!, 0))).toBe(false)
    expect(placed.length).toBeGreaterThan(5)
  })
})
