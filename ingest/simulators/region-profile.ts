import type { RegionTree } from '../../common/region-tree'

/**
 * How the simulators tell regions apart without naming any: by the planning zone
 * in the catalog (`zone`, inherited from the nearest ancestor that has one) and by
 * the region's place in the tree.
 */

/** Per-zone parameters; zones a table does not list get `default`. */
export type ZoneTable<T> = { readonly default: T } & { readonly [zone: string]: T | undefined }

/** The zone of a region, or of its nearest ancestor that has one; '' when none has. */
export function resolveZone(tree: RegionTree, code: string): string {
  for (const r of tree.lineage(code)) if (r.zone !== undefined) return r.zone
  return ''
}

export function byZone<T>(table: ZoneTable<T>, zone: string): T {
  return table[zone] ?? table.default
}

/**
 * The city a region belongs to: the ancestor just below the root, the region
 * itself when it is one, or the root when the tree has one level. Pollution
 * episodes and shared weather act at this scale.
 */
export function cityOf(tree: RegionTree, code: string): string {
  const lineage = tree.lineage(code)
  return lineage.length >= 2 ? lineage[lineage.length - 2]!.code : lineage[0]!.code
}

/**
 * How much bigger a leaf region is than a typical county: a city without counties
 * (a prefecture-level city run directly by towns) is several counties' worth of
 * people and activity.
 */
export function leafScale(tree: RegionTree, code: string): number {
  return tree.depth(code) <= 1 ? 3 : 1
}

/** Great-circle-free distance in km between two [lon, lat] points; fine at province scale. */
export function distanceKm(a: readonly [number, number], b: readonly [number, number]): number {
  const kmPerDegLat = 111.2
  const meanLat = ((a[1] + b[1]) / 2) * (Math.PI / 180)
  const dx = (a[0] - b[0]) * kmPerDegLat * Math.cos(meanLat)
  const dy = (a[1] - b[1]) * kmPerDegLat
  return Math.sqrt(dx * dx + dy * dy)
}
