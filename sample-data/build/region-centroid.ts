import { polygonsOf, type PolygonalGeometry, type PolygonCoordinates, type Ring } from './boundary-schema'
import { pointInGeometry } from './point-in-polygon'

export type LonLat = [number, number]

/** Finds a point well inside one polygon (a pole of inaccessibility, e.g. polylabel). */
export type InteriorPointFinder = (polygon: PolygonCoordinates) => LonLat

/** Decimals kept in a centroid: 1e-4 degree is about 11 m, finer than any label needs. */
export const CENTROID_DECIMALS = 4

function ringMoments(ring: Ring): { area: number; cx: number; cy: number } {
  let a = 0
  let cx = 0
  let cy = 0
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i]!
    const [x1, y1] = ring[i + 1]!
    const cross = x0 * y1 - x1 * y0
    a += cross
    cx += (x0 + x1) * cross
    cy += (y0 + y1) * cross
  }
  // Orientation differs between sources; the sign is fixed by the caller
  // according to whether the ring is an outer ring or a hole.
  return a === 0 ? { area: 0, cx: ring[0]![0], cy: ring[0]![1] } : { area: Math.abs(a / 2), cx: cx / (3 * a), cy: cy / (3 * a) }
}

/** Area of a polygon in square degrees: outer ring minus holes. */
export function polygonArea(rings: PolygonCoordinates): number {
  return rings.reduce((sum, ring, i) => sum + (i === 0 ? 1 : -1) * ringMoments(ring).area, 0)
}

/** The area-weighted centroid (centre of mass) of all polygons of a geometry. */
export function areaCentroid(geometry: PolygonalGeometry): LonLat {
  let area = 0
  let x = 0
  let y = 0
  for (const rings of polygonsOf(geometry)) {
    rings.forEach((ring, i) => {
      const m = ringMoments(ring)
      const signed = i === 0 ? m.area : -m.area
      area += signed
      x += m.cx * signed
      y += m.cy * signed
    })
  }
  if (area <= 0) throw new Error('geometry has no area')
  return [x / area, y / area]
}

function round(p: LonLat): LonLat {
  const f = 10 ** CENTROID_DECIMALS
  return [Math.round(p[0] * f) / f, Math.round(p[1] * f) / f]
}

/**
 * A label point guaranteed to lie inside the geometry: its area centroid when
 * that falls inside (the usual case), else the interior point of its largest
 * polygon — a crescent-shaped coast or an archipelago has its centroid at sea.
 */
export function visualCentre(geometry: PolygonalGeometry, findInterior: InteriorPointFinder): { point: LonLat; fallback: boolean } {
  const centroid = round(areaCentroid(geometry))
  if (pointInGeometry(centroid, geometry)) return { point: centroid, fallback: false }
  const largest = polygonsOf(geometry).reduce((best, p) => (polygonArea(p) > polygonArea(best) ? p : best))
  const interior = round(findInterior(largest))
  if (!pointInGeometry(interior, geometry)) throw new Error(`no interior point found near ${interior.join(',')}`)
  return { point: interior, fallback: true }
}
