import { describe, expect, it } from 'vitest'
import type { Rule, RuleInput } from '../../common/rule-schema'
import { testRule } from '../../test/fixtures/rules'
import { testCatalog } from '../../test/fixtures/catalog'
import { StormControl } from './storm-control'

const tree = testCatalog().tree
const T0 = 1_790_000_000_000
const MIN = 60_000

const rule = (over: Partial<RuleInput> = {}): Rule => testRule({ id: 'rule-a', scope: { level: 'county' }, ...over })

function control() {
  let n = 0
  return new StormControl(tree, () => `g${++n}`)
}

describe('StormControl, grouping', () => {
  it('keeps alerts single below the group size, then forms one group for their city, folding the open ones, and later ones join it', () => {
    const s = control()
    const r = rule({ group: { min: 3 } })
    expect(s.place(r, '990101', T0, 'a1')).toEqual({ kind: 'single' })
    expect(s.place(r, '990102', T0 + MIN, 'a2')).toEqual({ kind: 'single' })
    expect(s.place(r, '990101', T0 + 2 * MIN, 'a3')).toEqual({ kind: 'form', groupId: 'g1', region: '990100', fold: ['a1', 'a2'] })
    expect(s.place(r, '990102', T0 + 3 * MIN, 'a4')).toEqual({ kind: 'member', groupId: 'g1' })
  })

  it.each<[string, Partial<RuleInput>, Array<[region: string, atMin: number]>, string[]]>([
    ['alerts further apart than the window do not group', { group: { min: 2, windowSeconds: 300 } }, [['990101', 0], ['990102', 6]], ['single', 'single']],
    ['within the window they do', { group: { min: 2, windowSeconds: 300 } }, [['990101', 0], ['990102', 4]], ['single', 'form']],
    ['different cities are different groups', { group: { min: 2 } }, [['990101', 0], ['990200', 1]], ['single', 'single']],
    ['grouped by province, two cities are one group', { group: { by: 'province', min: 2 } }, [['990101', 0], ['990200', 1]], ['single', 'form']],
    ['group: false never groups', { group: false }, [['990101', 0], ['990102', 0], ['990101', 0]], ['single', 'single', 'single']],
    ['a region above the grouping level groups as itself', { group: { by: 'county', min: 2 } }, [['990100', 0], ['990100', 1]], ['single', 'form']],
  ])('%s', (_, over, fires, kinds) => {
    const s = control()
    const r = rule(over)
    expect(fires.map(([region, m], i) => s.place(r, region, T0 + m * MIN, `a${i}`).kind)).toEqual(kinds)
  })

  it('resolves a group with its last member, and the next alert starts afresh', () => {
    const s = control()
    const r = rule({ group: { min: 2 } })
    s.place(r, '990101', T0, 'a1')
    s.place(r, '990102', T0, 'a2')
    expect(s.cleared('a1')).toBeUndefined()
    expect(s.cleared('a2')).toBe('g1')
    expect(s.place(r, '990101', T0 + MIN, 'a3')).toEqual({ kind: 'single' })
  })

  it('a single that clears no longer counts towards a group', () => {
    const s = control()
    const r = rule({ group: { min: 2 } })
    s.place(r, '990101', T0, 'a1')
    s.cleared('a1')
    expect(s.place(r, '990102', T0 + MIN, 'a2')).toEqual({ kind: 'single' })
  })

  it('a group resolved by hand hands back its open members', () => {
    const s = control()
    const r = rule({ group: { min: 2 } })
    s.place(r, '990101', T0, 'a1')
    s.place(r, '990102', T0, 'a2')
    s.place(r, '990101', T0, 'a3')
    s.cleared('a3')
    expect(s.groupResolved('g1').sort()).toEqual(['a1', 'a2'])
    expect(s.cleared('a1')).toBeUndefined()
  })
})

describe('StormControl, flood limit', () => {
  it('raises up to the hourly limit on their own, then gathers the rest in one flood group that counts them', () => {
    const s = control()
    const r = rule({ group: false, floodLimit: 2 })
    const kinds = ['990101', '990102', '990200', '990101', '990102'].map((region, i) => s.place(r, region, T0 + i * MIN, `a${i}`))
    expect(kinds.slice(0, 2)).toEqual([{ kind: 'single' }, { kind: 'single' }])
    expect(kinds.slice(2)).toEqual([
      { kind: 'flood', groupId: 'g1', region: '990000', create: true, count: 1 },
      { kind: 'flood', groupId: 'g1', region: '990000', create: false, count: 2 },
      { kind: 'flood', groupId: 'g1', region: '990000', create: false, count: 3 },
    ])
    // An hour after the first two, the rule may raise on its own again.
    expect(s.place(r, '990101', T0 + 62 * MIN, 'b1')).toEqual({ kind: 'single' })
  })

  it('the flood group resolves with the last alert it gathered; a rule scoped to a region floods there', () => {
    const s = control()
    const r = rule({ group: false, floodLimit: 1, scope: { region: '990100' } })
    s.place(r, '990101', T0, 'a1')
    expect(s.place(r, '990102', T0, 'a2')).toMatchObject({ kind: 'flood', region: '990100' })
    expect(s.cleared('a2')).toBe('g1')
  })

  it('forming a group is not held back by the flood limit (it replaces rows with one)', () => {
    const s = control()
    const r = rule({ group: { min: 2 }, floodLimit: 1 })
    expect(s.place(r, '990101', T0, 'a1').kind).toBe('single')
    expect(s.place(r, '990102', T0, 'a2').kind).toBe('form')
  })
})

describe('StormControl, restart', () => {
  it('rebuilds groups, members, singles and the hour of raises from the open alerts', () => {
    const r = rule({ group: { min: 2 }, floodLimit: 3 })
    const rules = new Map([[r.id, r]])
    const s = control()
    const open = [
      { id: 'g9', ruleId: 'rule-a', region: '990100', raisedAt: T0, groupId: null, group: 'storm' as const },
      { id: 'm1', ruleId: 'rule-a', region: '990101', raisedAt: T0, groupId: 'g9', group: null },
      { id: 's1', ruleId: 'rule-a', region: '990200', raisedAt: T0, groupId: null, group: null },
    ]
    s.rebuild(open, open, rules)
    expect(s.place(r, '990102', T0 + MIN, 'n1')).toEqual({ kind: 'member', groupId: 'g9' })
    expect(s.place(r, '990200', T0 + MIN, 'n2')).toEqual({ kind: 'form', groupId: 'g1', region: '990200', fold: ['s1'] })
    expect(s.cleared('m1')).toBeUndefined()
    expect(s.cleared('n1')).toBe('g9')
    expect(s.emptyGroups()).toEqual([])
  })
})
