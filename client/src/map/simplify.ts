import type { Position, RegionFeature } from './geo-types'

/**
 * Boundaries simplified for drawing at one drill level (Douglas–Peucker). The
 * bundled outlines carry two or three vertices per screen pixel at province
 * scale; deck.gl draws every vertex of every fill and border on every frame,
 * so a quarter of them draws the same picture four times as fast (and, on a
 * CPU renderer, is what keeps a tick within a frame).
 */

/** Perpendicular distance², from p to the segment a–b. */
function segmentDistance2([px, py]: Position, [ax, ay]: Position, [bx, by]: Position): number {
  const dx = bx - ax
  const dy = by - ay
  const length2 = dx * dx + dy * dy
  let t = length2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / length2
  t = Math.max(0, Math.min(1, t))
  const ex = px - ax - t * dx
  const ey = py - ay - t * dy
  return ex * ex + ey * ey
}

/** Douglas–Peucker on one line, iteratively (rings run to thousands of points). */
export function simplifyLine(points: readonly Position[], tolerance: number): Position[] {
  if (points.length < 3) return [...points]
  const keep = new Uint8Array(points.length)
  keep[0] = 1
  keep[points.length - 1] = 1
  const tolerance2 = tolerance * tolerance
  const stack: Array<[number, number]> = [[0, points.length - 1]]
  while (stack.length > 0) {
    const [a, b] = stack.pop()!
    let worst = -1
    let at = -1
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(points[i]!, points[a]!, points[b]!)
      if (d > worst) {
        worst = d
        at = i
      }
    }
    if (worst > tolerance2) {
      keep[at] = 1
      stack.push([a, at], [at, b])
    }
  }
  return points.filter((_, i) => keep[i] === 1)
}

/** A closed ring simplified, or null when it shrinks below a triangle (an islet smaller than the tolerance). */
function simplifyRing(ring: readonly Position[], tolerance: number): Position[] | null {
  const out = simplifyLine(ring, tolerance)
  return out.length >= 4 ? out : null
}

/** Polygons whose outer ring vanishes are dropped with their holes; a feature keeps its largest polygon at least. */
export function simplifyFeature(f: RegionFeature, tolerance: number): RegionFeature {
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
  const kept: Position[][][] = []
  for (const polygon of polygons) {
    const outer = simplifyRing(polygon[0]!, tolerance)
    if (!outer) continue
    const holes = polygon
      .slice(1)
      .map((h) => simplifyRing(h, tolerance))
      .filter((h): h is Position[] => h !== null)
    kept.push([outer, ...holes])
  }
  if (kept.length === 0) return f
  return {
    ...f,
    geometry: kept.length === 1 ? { type: 'Polygon', coordinates: kept[0]! } : { type: 'MultiPolygon', coordinates: kept },
  }
}
