import type { Region, RegionLevel } from './catalog-schema'

/**
 * The region hierarchy as an index: parent/children links, ancestors, subtree
 * membership. Built once from the region list; immutable afterwards.
 */
export class RegionTree {
  readonly root: Region
  private readonly byCode = new Map<string, Region>()
  private readonly childrenOf = new Map<string, Region[]>()
  private readonly depthOf = new Map<string, number>()

  constructor(regions: readonly Region[]) {
    for (const r of regions) {
      if (this.byCode.has(r.code)) throw new Error(`region ${r.code} is listed twice`)
      this.byCode.set(r.code, r)
      this.childrenOf.set(r.code, [])
    }
    const roots: Region[] = []
    for (const r of regions) {
      if (r.parent === null) {
        roots.push(r)
        continue
      }
      const siblings = this.childrenOf.get(r.parent)
      if (!siblings) throw new Error(`region ${r.code} has parent ${r.parent}, which is not in the list`)
      siblings.push(r)
    }
    if (roots.length !== 1) throw new Error(`the region list must have exactly one root, found ${roots.length}`)
    this.root = roots[0]!
    // Depth by walking down from the root also proves the tree has no cycles:
    // a region on a cycle is never reached.
    const stack: Array<[Region, number]> = [[this.root, 0]]
    while (stack.length > 0) {
      const [r, d] = stack.pop()!
      this.depthOf.set(r.code, d)
      for (const c of this.childrenOf.get(r.code)!) stack.push([c, d + 1])
    }
    if (this.depthOf.size !== regions.length) {
      const lost = regions.filter((r) => !this.depthOf.has(r.code)).map((r) => r.code)
      throw new Error(`regions not reachable from the root (a parent cycle?): ${lost.slice(0, 5).join(', ')}`)
    }
  }

  get size(): number {
    return this.byCode.size
  }

  has(code: string): boolean {
    return this.byCode.has(code)
  }

  get(code: string): Region | undefined {
    return this.byCode.get(code)
  }

  /** Throws when the code is unknown: for callers that validated it already. */
  require(code: string): Region {
    const r = this.byCode.get(code)
    if (!r) throw new Error(`unknown region ${code}`)
    return r
  }

  children(code: string): readonly Region[] {
    return this.childrenOf.get(code) ?? []
  }

  isLeaf(code: string): boolean {
    return this.children(code).length === 0
  }

  /** The region and its ancestors, from the region itself up to the root. */
  lineage(code: string): Region[] {
    const out: Region[] = []
    let r = this.byCode.get(code)
    while (r) {
      out.push(r)
      r = r.parent === null ? undefined : this.byCode.get(r.parent)
    }
    return out
  }

  /** True when `code` is `ancestor` itself or lies below it. */
  isWithin(code: string, ancestor: string): boolean {
    return this.lineage(code).some((r) => r.code === ancestor)
  }

  /** The region and every region below it, parents before children. */
  subtree(code: string): Region[] {
    const start = this.byCode.get(code)
    if (!start) return []
    const out: Region[] = []
    const queue: Region[] = [start]
    for (let i = 0; i < queue.length; i++) {
      const r = queue[i]!
      out.push(r)
      queue.push(...this.children(r.code))
    }
    return out
  }

  /** Leaves of the subtree: the regions where measurements are made. */
  leaves(code: string): Region[] {
    return this.subtree(code).filter((r) => this.isLeaf(r.code))
  }

  atLevel(level: RegionLevel, within?: string): Region[] {
    const pool = within === undefined ? [...this.byCode.values()] : this.subtree(within)
    return pool.filter((r) => r.level === level)
  }

  depth(code: string): number {
    return this.depthOf.get(code) ?? -1
  }

}
