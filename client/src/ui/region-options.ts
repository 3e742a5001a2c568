import type { Region } from '../../../common/catalog-schema'
import type { RegionTree } from '../../../common/region-tree'

export interface RegionOption {
  region: Region
  depth: number
}

/** The region tree as a list for a picker: province, then each city followed by its counties. */
export function regionOptions(tree: RegionTree): RegionOption[] {
  const out: RegionOption[] = []
  const walk = (r: Region, depth: number) => {
    out.push({ region: r, depth })
    for (const c of tree.children(r.code)) walk(c, depth + 1)
  }
  walk(tree.root, 0)
  return out
}

/** Indentation that a <select> keeps (ordinary spaces collapse). */
export function indent(depth: number): string {
  return '\u00a0\u00a0\u00a0'.repeat(depth)
}
