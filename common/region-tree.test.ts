import { describe, expect, it } from 'vitest'
import type { Region } from './catalog-schema'
import { RegionTree } from './region-tree'

function region(code: string, parent: string | null, level: Region['level']): Region {
  return { code, parent, level, name: { zh: code, en: code }, centroid: [113, 23] }
}

const regions = [
  region('P', null, 'province'),
  region('C1', 'P', 'city'),
  region('C2', 'P', 'city'),
  region('K11', 'C1', 'county'),
  region('K12', 'C1', 'county'),
]

describe('RegionTree', () => {
  const tree = new RegionTree(regions)

  it('finds the root, children and leaves', () => {
    expect(tree.root.code).toBe('P')
    expect(tree.children('C1').map((r) => r.code)).toEqual(['K11', 'K12'])
    // A city without counties (like Dongguan) is a leaf itself.
    expect(tree.leaves('P').map((r) => r.code).sort()).toEqual(['C2', 'K11', 'K12'])
  })

  it('walks lineage and subtree membership', () => {
    expect(tree.lineage('K12').map((r) => r.code)).toEqual(['K12', 'C1', 'P'])
    expect(tree.isWithin('K12', 'C1')).toBe(true)
    expect(tree.isWithin('K12', 'C2')).toBe(false)
    expect(tree.subtree('C1').map((r) => r.code)).toEqual(['C1', 'K11', 'K12'])
    expect(tree.atLevel('county', 'C1')).toHaveLength(2)
    expect(tree.depth('K11')).toBe(2)
  })

  it.each([
    ['a duplicate code', [...regions, region('C1', 'P', 'city')], /listed twice/],
    ['a missing parent', [...regions, region('K99', 'NOPE', 'county')], /parent NOPE/],
    ['two roots', [...regions, region('Q', null, 'province')], /exactly one root/],
    ['a cycle', [region('P', null, 'province'), region('A', 'B', 'city'), region('B', 'A', 'city')], /not reachable/],
  ])('rejects %s', (_name, list, message) => {
    expect(() => new RegionTree(list)).toThrow(message)
  })
})
