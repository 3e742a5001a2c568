import { describe, expect, it } from 'vitest'
import type { PolygonalGeometry } from './boundary-schema'
import { pointInGeometry } from './point-in-polygon'
import { areaCentroid, visualCentre } from './region-centroid'

/** A 4×4 square with a 2×2 hole in the middle, and a 1×1 island to its right. */
const squareWithHole: PolygonalGeometry = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],
      [[1, 1], [1, 3], [3, 3], [3, 1], [1, 1]],
    ],
    [[[6, 0], [7, 0], [7, 1], [6, 1], [6, 0]]],
  ],
}

describe('pointInGeometry', () => {
  it.each([
    [[0.5, 0.5], true],
    [[2, 2], false], // in the hole
    [[6.5, 0.5], true], // on the island
    [[5, 0.5], false], // at sea between them
    [[-1, 2], false],
  ] as const)('%j inside: %s', (point, inside) => {
    expect(pointInGeometry(point, squareWithHole)).toBe(inside)
  })
})

describe('visualCentre', () => {
  it('falls back to an interior point when the centroid lands in a hole', () => {
    const ring: PolygonalGeometry = { type: 'Polygon', coordinates: squareWithHole.coordinates[0]! }
    expect(areaCentroid(ring)).toEqual([2, 2])
    const { point, fallback } = visualCentre(ring, () => [0.5, 0.5])
    expect(fallback).toBe(true)
    expect(point).toEqual([0.5, 0.5])
  })

  it('keeps the area centroid when it lies inside', () => {
    const square: PolygonalGeometry = { type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]] }
    expect(visualCentre(square, () => [9, 9])).toEqual({ point: [1, 1], fallback: false })
  })
})
