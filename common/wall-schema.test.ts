import { describe, expect, it } from 'vitest'
import { testCatalog } from '../test/fixtures/catalog'
import { sampleWall } from '../test/fixtures/walls'
import { tourStepsOf, wallProblems, wallSchema, wallUses, type Wall } from './wall-schema'

const catalog = testCatalog()
const wall = sampleWall()
const edit = (patch: (w: Wall) => void): Wall => {
  const copy = structuredClone(wall)
  patch(copy)
  return copy
}

describe('wallSchema', () => {
  it('reads the sample walls and fills defaults', () => {
    expect(wall.columns).toHaveLength(4)
    const minimal = wallSchema.parse({ id: 'w', title: { zh: '墙', en: 'W' }, root: null, columns: [{ domain: 'environment', kpis: ['env.aqi'], trend: { indicator: 'env.aqi' }, ranking: 'env.aqi' }], map: { indicator: 'env.aqi' } })
    expect(minimal.columns[0]!.trend.window).toBe('auto')
    expect(minimal.map.layers).toEqual(['air', 'traffic', 'alerts', 'labels'])
    expect(minimal.tour).toEqual({ dwellSeconds: 30, autostart: false, steps: [] })
  })

  it.each([
    ['a duplicate card', (w: Wall) => (w.columns[1]!.kpis = ['pov.at_risk_households', 'pov.at_risk_households']), ['columns', 1, 'kpis', 1], /listed twice/],
    ['two columns of one domain', (w: Wall) => (w.columns[2]!.domain = 'business'), ['columns', 2, 'domain'], /already has a column/],
    ['too many cards', (w: Wall) => (w.columns[0]!.kpis = Array.from({ length: 7 }, (_, i) => `biz.k${i}`)), ['columns', 0, 'kpis'], /at most 6 cards/],
    ['a dwell too short', (w: Wall) => (w.tour.dwellSeconds = 1), ['tour', 'dwellSeconds'], /5/],
    ['an unknown layer', (w: Wall) => ((w.map.layers as string[]) = ['air', 'rain']), ['map', 'layers', 1], /air|traffic/],
  ])('refuses %s, naming the field', (_, patch, path, message) => {
    const parsed = wallSchema.safeParse(edit(patch))
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path))
    expect(issue, JSON.stringify(parsed.error!.issues)).toBeDefined()
    expect(issue!.message).toMatch(message)
  })
})

describe('wallProblems', () => {
  it('finds nothing wrong with the sample wall, for any scope', () => {
    expect(wallProblems(wall, catalog, null)).toEqual([])
    expect(wallProblems(wall, catalog, '990100')).toEqual([])
  })

  it('names each field that refers to what the catalog lacks, or to another domain or region', () => {
    const bad = edit((w) => {
      w.root = '990200'
      w.columns[0]!.kpis[2] = 'biz.nope'
      w.columns[1]!.kpis[0] = 'env.aqi'
      w.columns[3]!.domain = 'health'
      w.map.indicator = 'x.y'
      w.tour.steps = [{ domain: 'water', drill: false }]
    })
    expect(wallProblems(bad, catalog, '990100').map(({ path, message }) => ({ path, message }))).toEqual([
      { path: ['root'], message: '990200 lies outside your region 990100' },
      { path: ['columns', 0, 'kpis', 2], message: 'biz.nope is not in the indicator catalog' },
      { path: ['columns', 1, 'kpis', 0], message: "env.aqi belongs to domain environment, not to the column's poverty" },
      { path: ['columns', 3, 'domain'], message: 'health is not in the domain catalog' },
      { path: ['map', 'indicator'], message: 'x.y is not in the indicator catalog' },
      { path: ['tour', 'steps', 0, 'domain'], message: 'the wall has no column for domain water' },
    ])
    // Each also says what it is and about what, for a form to say it in its own language.
    expect(wallProblems(bad, catalog, '990100').map((p) => [p.code, p.params])).toEqual([
      ['outside_scope', { code: '990200', scope: '990100' }],
      ['unknown_indicator', { code: 'biz.nope' }],
      ['other_domain', { code: 'env.aqi', domain: 'environment', column: 'poverty' }],
      ['unknown_domain', { code: 'health' }],
      ['unknown_indicator', { code: 'x.y' }],
      ['no_column', { domain: 'water' }],
    ])
  })
})

describe('wallUses and tourStepsOf', () => {
  it('list what a wall uses, with the first field that uses it', () => {
    const uses = wallUses(wall)
    expect(uses.domains.get('traffic')).toBe('columns[3].domain')
    expect(uses.indicators.get('env.aqi')).toBe('columns[2].kpis[0]')
    // Every trend and ranking of the sample wall is one of its 16 cards.
    expect(uses.indicators.size).toBe(16)
    expect(wallUses({ ...wall, map: { ...wall.map, indicator: 'env.o3' } }).indicators.get('env.o3')).toBe('map.indicator')
  })

  it('tours every column at the root then drilled, unless the wall names its steps', () => {
    expect(tourStepsOf(wall)).toHaveLength(8)
    expect(tourStepsOf({ ...wall, tour: { ...wall.tour, steps: [{ domain: 'traffic', drill: true }] } })).toEqual([{ domain: 'traffic', drill: true }])
  })
})
