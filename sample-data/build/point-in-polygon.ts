import { polygonsOf, type PolygonalGeometry, type Ring } from './boundary-schema'

type Point = readonly [number, number]

/** Even-odd ray casting: a point on the exact edge may count either way. */
function crossings(point: Point, ring: Ring): number {
  const [x, y] = point
  let count = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) count++
  }
  return count
}

/**
 * True when the point lies inside one of the geometry's polygons and outside
 * that polygon's holes. Planar test on longitude/latitude, which is exact
 * enough for polygons the size of a province.
 */
export function pointInGeometry(point: Point, geometry: PolygonalGeometry): boolean {
  return polygonsOf(geometry).some((rings) => rings.reduce((n, ring) => n + crossings(point, ring), 0) % 2 === 1)
}
