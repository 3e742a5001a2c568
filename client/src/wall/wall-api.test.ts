import { describe, expect, it } from 'vitest'
import { changesQuerySchema, changesReplySchema, MAX_CHANGE_INDICATORS } from '../../../common/api/query-api'
import { changesUrl } from './wall-api'
import { sampleWall } from '../../../test/fixtures/walls'

/** The query of a URL as express hands it to the router (one value per parameter here). */
function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url, 'http://wall').searchParams)
}

describe('changesUrl', () => {
  it("asks for every KPI card of the wall in one request the route's query schema accepts", () => {
    const kpis = sampleWall().columns.flatMap((d) => d.kpis)
    const url = changesUrl('440100', kpis)
    expect(url.startsWith('/api/changes?')).toBe(true)
    expect(kpis.length).toBeLessThanOrEqual(MAX_CHANGE_INDICATORS)
    expect(changesQuerySchema.parse(queryOf(url))).toEqual({ region: '440100', indicator: kpis })
  })
})

describe('changesReplySchema', () => {
  it('reads changes that could not be computed as null', () => {
    const basis = { kind: 'sameElapsed', current: { from: 0, to: 10 }, base: { from: -86_400_000, to: -86_399_990 }, step: '1m' }
    const reply = { region: '440100', changes: [{ indicator: 'env.aqi', running: 'day', mom: -2.5, yoy: null, momBasis: basis, yoyBasis: null }] }
    expect(changesReplySchema.parse(reply)).toEqual(reply)
  })

  it.each([
    ['a change left out', { region: '440100', changes: [{ indicator: 'env.aqi', running: null, mom: 1, momBasis: null, yoyBasis: null }] }],
    ['a change as text', { region: '440100', changes: [{ indicator: 'env.aqi', running: null, mom: '1', yoy: null, momBasis: null, yoyBasis: null }] }],
    ['an unknown comparison', { region: '440100', changes: [{ indicator: 'env.aqi', running: null, mom: 1, yoy: null, momBasis: { kind: 'hours', current: { from: 0, to: 1 }, base: { from: 0, to: 1 }, step: '1m' }, yoyBasis: null }] }],
    ['no region', { changes: [] }],
  ])('refuses a reply with %s', (_name, reply) => {
    expect(changesReplySchema.safeParse(reply).success).toBe(false)
  })
})
