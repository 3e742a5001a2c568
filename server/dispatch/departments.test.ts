import { describe, expect, it } from 'vitest'
import { testCatalog } from '../../test/fixtures/catalog'
import { testDepartments } from '../../test/fixtures/departments'
import { createLogger } from '../logger'
import type { DocumentRecord, DocumentRecords } from '../walls/document-store'
import { departmentProblems, Departments } from './departments'

class MemoryRecords implements DocumentRecords {
  readonly rows: DocumentRecord[] = []
  async latest(kind: string) {
    const newest = new Map<string, DocumentRecord>()
    for (const r of this.rows) if (r.kind === kind && (newest.get(r.id)?.version ?? 0) < r.version) newest.set(r.id, r)
    return [...newest.values()]
  }
  async append(r: DocumentRecord) {
    this.rows.push(r)
  }
  async history() {
    return []
  }
}

const index = testCatalog()

async function loaded(): Promise<Departments> {
  const d = new Departments(index, new MemoryRecords(), createLogger('silent'))
  const { departments, routing } = testDepartments()
  for (const dep of departments.filter((x) => x.supervisor === null)) await d.departments.put(dep, undefined, 't')
  for (const dep of departments.filter((x) => x.supervisor !== null)) await d.departments.put(dep, undefined, 't')
  await d.routing.put(routing, undefined, 't')
  return d
}

describe('routing', () => {
  it('names the department of the alert’s domain nearest its region; a rule’s or an indicator’s own route wins', async () => {
    const d = await loaded()
    expect(d.routeFor({ ruleId: 'r', indicator: 'env.aqi', region: '990101' })).toBe('990100-eco')
    expect(d.routeFor({ ruleId: 'r', indicator: 'traffic.speed', region: '990200' })).toBe('990200-transport')
    expect(d.routeFor({ ruleId: 'r', indicator: 'env.aqi', region: '990000' })).toBe('990000-eco')
    const routing = d.currentRouting()
    await d.routing.put({ ...routing, routes: [...routing.routes, { region: '990000', indicator: 'env.aqi', department: '990000-market' }, { region: '990100', rule: 'special', department: '990100-rural' }] }, 1, 't')
    // A province-wide indicator route does not beat the city's own domain route: the nearer region first.
    expect(d.routeFor({ ruleId: 'r', indicator: 'env.aqi', region: '990101' })).toBe('990100-eco')
    expect(d.routeFor({ ruleId: 'r', indicator: 'env.aqi', region: '990000' })).toBe('990000-market')
    expect(d.routeFor({ ruleId: 'special', indicator: 'env.aqi', region: '990102' })).toBe('990100-rural')
    expect(d.deadlineMinutes('critical')).toBe(120)
  })

  it('refuses deleting a department that routes name or that supervises others', async () => {
    const d = await loaded()
    expect(d.deleteRefusal('990000-eco')).toBe('department 990000-eco is in use: it supervises 990100-eco, 990200-eco; 1 route names it')
    expect(d.deleteRefusal('990100-eco')).toBe('department 990100-eco is in use: 1 route names it')
  })
})

describe('departmentProblems', () => {
  it('names a region outside the editor’s, a missing supervisor and a circle of supervision', async () => {
    const d = await loaded()
    const dep = { code: 'x', name: { zh: '某局', en: 'X' }, region: '990200', supervisor: 'nope', channels: [] }
    expect(departmentProblems(dep, index, '990100', (c) => d.get(c)).map((p) => `${p.path.join('.')}: ${p.message}`)).toEqual([
      'region: 990200 lies outside your region 990100',
      'supervisor: there is no department nope',
    ])
    const root = d.get('990000-eco')!
    expect(departmentProblems({ ...root, supervisor: '990100-eco' }, index, null, (c) => d.get(c))[0]!.message).toMatch(/circle through 990000-eco/)
  })
})
