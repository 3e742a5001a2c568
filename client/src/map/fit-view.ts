import type { Bounds, Position, RegionFeature } from './geo-types'

/**
 * Where the camera frames a region and where the legend stands: the region as
 * large as the panel allows, the legend clear of its land. The legend keeps a
 * bottom corner; the candidates are, for each bottom corner, a strip beside
 * it, a strip above it, or none at all when the region's shape leaves that
 * corner of its box empty (Guangdong's south-east is sea). The one that draws
 * the region largest wins.
 */

export type LegendCorner = 'bottom-left' | 'bottom-right'

export interface Padding {
  top: number
  bottom: number
  left: number
  right: number
}

export interface FitChoice {
  corner: LegendCorner
  padding: Padding
  /** Pixels per projected unit the region is drawn at (what the choice maximises). */
  scale: number
}

/**
 * Which cells of a grid over the region's projected box hold land: row 0 is
 * the north, column 0 the west, `size` × `size` cells.
 */
export interface Occupancy {
  size: number
  occupied(col: number, row: number): boolean
}

export interface FitInput {
  /** The map's size in layout pixels. */
  panel: { width: number; height: number }
  legend: { width: number; height: number }
  /** The region's box in projected units (Web Mercator: any linear unit, only the aspect matters). */
  extent: { width: number; height: number }
  occupancy: Occupancy | null
  /** Room left around the region and the legend, in pixels. */
  margin: number
}

/** Room around a region, as a share of the map's smaller side: enough for the outline's stroke and a label at the edge. */
export const FIT_MARGIN_SHARE = 0.025

const CORNERS: readonly LegendCorner[] = ['bottom-left', 'bottom-right']

/** The largest view of the region that keeps the legend off its land. */
export function chooseFit({ panel, legend, extent, occupancy, margin }: FitInput): FitChoice {
  const base: Padding = { top: margin, bottom: margin, left: margin, right: margin }
  const scaleOf = (p: Padding) => Math.max(0, Math.min((panel.width - p.left - p.right) / extent.width, (panel.height - p.top - p.bottom) / extent.height))
  if (legend.width <= 0 || legend.height <= 0) return { corner: 'bottom-left', padding: base, scale: scaleOf(base) }
  const lw = Math.min(legend.width + margin, panel.width * 0.5)
  const lh = Math.min(legend.height + margin, panel.height * 0.5)
  let best: FitChoice | null = null
  const consider = (corner: LegendCorner, padding: Padding, valid = true) => {
    const scale = scaleOf(padding)
    if (valid && (!best || scale > best.scale + 1e-9)) best = { corner, padding, scale }
  }
  for (const corner of CORNERS) {
    const side = corner === 'bottom-left' ? 'left' : 'right'
    // Over the region's box, where its shape leaves the legend's corner empty.
    if (occupancy) consider(corner, base, legendClearOfLand(corner, base, scaleOf(base), { panel, legend, extent, occupancy, margin }))
    consider(corner, { ...base, [side]: margin + lw })
    consider(corner, { ...base, bottom: margin + lh })
  }
  return best!
}

/** Whether the legend, in `corner`, lies over no land cell of the region drawn with `padding` at `scale`. */
function legendClearOfLand(corner: LegendCorner, padding: Padding, scale: number, { panel, legend, extent, occupancy, margin }: FitInput & { occupancy: Occupancy }): boolean {
  // The box is centred in the padded area (as maplibre fits bounds).
  const w = extent.width * scale
  const h = extent.height * scale
  const x0 = padding.left + (panel.width - padding.left - padding.right - w) / 2
  const y0 = padding.top + (panel.height - padding.top - padding.bottom - h) / 2
  const lx0 = corner === 'bottom-left' ? 0 : panel.width - legend.width - margin
  const lx1 = lx0 + legend.width + margin
  const ly0 = panel.height - legend.height - margin
  const n = occupancy.size
  const cw = w / n
  const ch = h / n
  for (let row = 0; row < n; row++) {
    const cy0 = y0 + row * ch
    if (cy0 + ch <= ly0) continue
    for (let col = 0; col < n; col++) {
      const cx0 = x0 + col * cw
      if (cx0 + cw <= lx0 || cx0 >= lx1) continue
      if (occupancy.occupied(col, row)) return false
    }
  }
  return true
}

/** Web Mercator's y of a latitude, in radians (x is the longitude in radians). */
export function mercatorY(lat: number): number {
  const phi = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180
  return Math.log(Math.tan(Math.PI / 4 + phi / 2))
}

/** The box's size in projected units. */
export function projectedExtent([[w, s], [e, n]]: Bounds): { width: number; height: number } {
  return { width: ((e - w) * Math.PI) / 180, height: mercatorY(n) - mercatorY(s) }
}

/** Cells per side of the occupancy grid: a cell is about 4 % of the box, finer than any legend. */
const OCCUPANCY_CELLS = 24

/**
 * Marks the cells of the box that hold land: those any outline vertex falls
 * in (coasts, islands, thin peninsulas) and those whose centre is inside a
 * feature (the interior).
 */
export function occupancyOf(features: readonly RegionFeature[], bounds: Bounds, contains: (f: RegionFeature, p: Position) => boolean, size = OCCUPANCY_CELLS): Occupancy {
  const [[w, s], [e, n]] = bounds
  const top = mercatorY(n)
  const height = top - mercatorY(s) || 1
  const width = e - w || 1
  const grid = new Uint8Array(size * size)
  const cell = (lon: number, lat: number): [number, number] => [
    Math.min(size - 1, Math.max(0, Math.floor(((lon - w) / width) * size))),
    Math.min(size - 1, Math.max(0, Math.floor(((top - mercatorY(lat)) / height) * size))),
  ]
  for (const f of features) {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
    for (const rings of polygons)
      for (const ring of rings)
        for (const [lon, lat] of ring) {
          const [c, r] = cell(lon, lat)
          grid[r * size + c] = 1
        }
  }
  for (let row = 0; row < size; row++) {
    // The cell's centre, back in longitude and latitude.
    const y = top - ((row + 0.5) / size) * height
    const lat = (Math.atan(Math.sinh(y)) * 180) / Math.PI
    for (let col = 0; col < size; col++) {
      if (grid[row * size + col]) continue
      const lon = w + ((col + 0.5) / size) * width
      if (features.some((f) => contains(f, [lon, lat]))) grid[row * size + col] = 1
    }
  }
  return { size, occupied: (col, row) => grid[row * size + col] === 1 }
}
