import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditReplySchema, type AuditEntry, type AuditReply } from '../../common/api/audit-api'
import { alertListReplySchema, silenceListReplySchema, silenceReplySchema } from '../../common/api/alerts-api'
import type { Role } from '../../common/auth'
import { CSV_BOM } from '../../common/series-csv'
import { ndjson, postIngest, startTestServer, type TestServer } from './harness'

/**
 * The audit trail (GET /api/audit, /api/audit.csv) and the silence preview
 * (POST /api/silences/preview) against the real server on the embedded
 * engine: what people did during the test is there, filters narrow it, a
 * city's admin sees only its city, and only admins read it at all.
 */

let server: TestServer
const NOW = Date.now()
const START = NOW - 60_000

type Who = Role | { name: string; role: Role; region?: string }
const provinceAdmin: Who = { name: 'audit-root', role: 'admin' }
const jiaAdmin: Who = { name: 'jia-admin', role: 'admin', region: '990100' }
const jiaDuty: Who = { name: 'jia-duty', role: 'duty', region: '990100' }

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

async function call(path: string, init: RequestInit = {}, who: Who = provinceAdmin): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const res = await server.fetch(path, init, who)
  // Decoded keeping a byte-order mark (Response.text() drops it): the CSV's is part of what is tested.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer())
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // CSV
  }
  return { status: res.status, body, text, headers: res.headers }
}

async function audit(query: string, who: Who = provinceAdmin): Promise<AuditReply> {
  const r = await call(`/api/audit${query}`, {}, who)
  expect(r.status, r.text).toBe(200)
  return auditReplySchema.parse(r.body)
}

const rule = (id: string, region: string) => ({
  id,
  name: { zh: `审计测试 ${region}`, en: `Audit test ${region}` },
  indicator: 'env.aqi',
  scope: { stationKind: 'air', region },
  condition: { kind: 'threshold', op: 'above', value: 200 },
  group: false,
  severity: 'warning',
  message: { zh: '{station} {value}', en: '{station} {value}' },
})

async function until<T>(get: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = get()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

let jiaAlert = ''
let yiAlert = ''
const keys: Record<string, string> = {}

beforeAll(async () => {
  server = await startTestServer()
  // Rules of two cities, an alert in each, and an acknowledgement of each.
  for (const [id, region] of [
    ['audit-jia', '990101'],
    ['audit-yi', '990200'],
  ] as const) {
    const r = await call(`/api/rules/${id}`, json('PUT', rule(id, region)))
    expect(r.status, r.text).toBe(201)
  }
  const aqi = (station: string, value: number) => ({ ts: NOW - 30_000, indicator: 'env.aqi', region: station.slice(3, 9), station, value })
  expect((await postIngest(server.url, ndjson([aqi('AQ-990101-01', 300), aqi('AQ-990200-01', 320)]))).status).toBe(200)
  jiaAlert = (await until(() => server.alerting.list({ state: ['firing'] }).find((a) => a.ruleId === 'audit-jia'), 'the 甲市 alert')).id
  yiAlert = (await until(() => server.alerting.list({ state: ['firing'] }).find((a) => a.ruleId === 'audit-yi'), 'the 乙市 alert')).id
  expect((await call(`/api/alerts/${jiaAlert}/ack`, json('POST', { comment: '已派人核查' }))).status).toBe(200)
  expect((await call(`/api/alerts/${yiAlert}/ack`, json('POST', {}))).status).toBe(200)
  // Accounts made and changed over the API, one in each city.
  for (const [name, region] of [
    ['jia-analyst', '990101'],
    ['yi-analyst', '990200'],
  ]) {
    const r = await call('/api/users', json('POST', { name, role: 'analyst', region, password: 'a long enough password' }))
    expect(r.status, r.text).toBe(201)
  }
  expect((await call('/api/users/jia-analyst', json('PATCH', { role: 'leader' }))).status).toBe(200)
  // An ingest key for each city.
  for (const [name, region] of [
    ['jia-feed', '990101'],
    ['yi-feed', '990200'],
  ] as const) {
    const r = await call('/api/keys', json('POST', { name, indicators: ['env.aqi'], regions: [region] }))
    expect(r.status, r.text).toBe(201)
    keys[name] = (r.body as { view: { id: string } }).view.id
  }
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

const find = (entries: readonly AuditEntry[], kind: AuditEntry['kind'], action: string, subject: string) => entries.find((e) => e.kind === kind && e.action === action && e.subject === subject)

describe('GET /api/audit', () => {
  it('lists the sign-ins, account changes, rule changes and alert actions made during the test, newest first', async () => {
    const { entries, more } = await audit('')
    expect(more).toBe(false)
    expect(entries.map((e) => e.at)).toEqual(entries.map((e) => e.at).toSorted((a, b) => b - a))
    expect(entries.every((e) => e.at >= START)).toBe(true)
    expect(find(entries, 'signin', 'login', 'audit-root')).toMatchObject({ actor: 'audit-root', region: '990000' })
    expect(find(entries, 'account', 'account.created', 'jia-analyst')).toMatchObject({ actor: 'audit-root', region: '990101', detail: 'analyst 990101' })
    expect(find(entries, 'account', 'account.updated', 'jia-analyst')).toMatchObject({ actor: 'audit-root', detail: 'role' })
    expect(find(entries, 'key', 'key.created', keys['jia-feed']!)).toMatchObject({ actor: 'audit-root', detail: `${keys['jia-feed']} jia-feed` })
    expect(find(entries, 'rule', 'created', 'audit-jia')).toMatchObject({ actor: 'audit-root', region: '990101', detail: 'v1 · 审计测试 990101' })
    expect(find(entries, 'alert', 'acknowledged', jiaAlert)).toMatchObject({ actor: 'audit-root', region: '990101', detail: 'audit-jia · 已派人核查' })
    // The engine's own events are not people's actions.
    expect(entries.filter((e) => e.actor === 'system')).toEqual([])
  })

  it('narrows by what, who and when', async () => {
    const rules = await audit('?what=rule')
    expect(new Set(rules.entries.map((e) => e.kind))).toEqual(new Set(['rule']))
    expect(rules.entries.map((e) => e.subject).toSorted()).toEqual(['audit-jia', 'audit-yi'])

    const two = await audit('?what=alert,account')
    expect(new Set(two.entries.map((e) => e.kind))).toEqual(new Set(['alert', 'account']))

    // Who: what the account did, and what was done to it.
    const analyst = await audit('?who=jia-analyst')
    expect(analyst.entries.map((e) => e.action).toSorted()).toEqual(['account.created', 'account.updated'])
    expect((await audit('?who=nobody-at-all')).entries).toEqual([])

    // When: a range before the test holds none of it; one around the acknowledgements holds them.
    expect((await audit(`?from=${START - 3_600_000}&to=${START}`)).entries).toEqual([])
    const ack = find((await audit('?what=alert')).entries, 'alert', 'acknowledged', jiaAlert)!
    const around = await audit(`?what=alert&from=${ack.at}&to=${ack.at + 1}`)
    expect(around.entries.map((e) => e.subject)).toContain(jiaAlert)
    expect(around.from).toBe(ack.at)

    const one = await audit('?limit=1')
    expect(one.entries).toHaveLength(1)
    expect(one.more).toBe(true)
  })

  it('refuses a bad query with 400 naming the field', async () => {
    for (const [query, field] of [
      ['?what=everything', /^what must be among signin, account, key, rule, alert/],
      ['?from=yesterday', /^from must be epoch milliseconds or an ISO-8601 date-time/],
      ['?to=2026-01-01T00:00:00', /^to must be epoch milliseconds/],
      ['?from=2000&to=1000', /^from must be before to/],
      ['?limit=0', /^limit must be 1 or more/],
      ['?limit=99999', /^limit must be at most 5000/],
      ['?who=', /^who must name an account/],
      ['?whom=x', /^unknown query parameter "whom"/],
    ] as const) {
      const r = await call(`/api/audit${query}`)
      expect(r.status, query).toBe(400)
      expect(r.body, query).toMatchObject({ ok: false, error: { code: 'bad_query', message: expect.stringMatching(field) } })
    }
  })

  it('shows a city admin only its city: its accounts, rules and alerts', async () => {
    const { entries } = await audit('', jiaAdmin)
    expect(find(entries, 'account', 'account.created', 'jia-analyst')).toBeDefined()
    expect(find(entries, 'rule', 'created', 'audit-jia')).toBeDefined()
    expect(find(entries, 'alert', 'acknowledged', jiaAlert)).toBeDefined()
    expect(find(entries, 'signin', 'login', 'jia-admin')).toBeDefined()
    expect(find(entries, 'key', 'key.created', keys['jia-feed']!)).toBeDefined()
    // Nothing of 乙市, nor the province's own accounts.
    expect(entries.filter((e) => ['yi-analyst', 'audit-yi', yiAlert, keys['yi-feed'], 'audit-root'].includes(e.subject))).toEqual([])
    expect(entries.every((e) => e.kind === 'key' || (e.region !== null && e.region.startsWith('9901')))).toBe(true)
    // Asking for another city's account by name finds nothing either.
    expect((await audit('?who=yi-analyst', jiaAdmin)).entries).toEqual([])
  })

  it('is refused (403) to the roles that are not admins', async () => {
    for (const role of ['leader', 'analyst', 'duty'] as const) {
      for (const path of ['/api/audit', '/api/audit.csv']) {
        const r = await call(path, {}, role)
        expect(r.status, `${role} ${path}`).toBe(403)
        expect(r.body).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      }
    }
  })
})

describe('GET /api/audit.csv', () => {
  it('is UTF-8 with a BOM and a header row, one row per entry the JSON lists, with the same filters', async () => {
    const r = await call('/api/audit.csv?what=account,rule,alert')
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/)
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="audit_\d{8}T\d{4}Z_\d{8}T\d{4}Z\.csv"$/)
    expect(r.text.startsWith(CSV_BOM)).toBe(true)
    const lines = r.text.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toBe('time,kind,action,actor,subject,region,region_name,detail,address')
    const json = await audit('?what=account,rule,alert')
    expect(lines).toHaveLength(json.entries.length + 1)
    expect(lines.some((l) => /,account,account\.created,audit-root,jia-analyst,990101,东区,analyst 990101,/.test(l))).toBe(true)
    expect(lines.some((l) => /,rule,created,audit-root,audit-jia,990101,东区,v1 · 审计测试 990101,/.test(l))).toBe(true)
    expect(lines.some((l) => l.includes(`,alert,acknowledged,audit-root,${jiaAlert},990101,东区,audit-jia · 已派人核查,`))).toBe(true)
    expect(lines.every((l, i) => i === 0 || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2},/.test(l))).toBe(true)
    expect(lines.some((l) => l.includes(',login,'))).toBe(false)
  })

  it("holds only the city's rows for a city admin", async () => {
    const r = await call('/api/audit.csv', {}, jiaAdmin)
    expect(r.status).toBe(200)
    expect(r.text).toContain('jia-analyst')
    expect(r.text).not.toContain('yi-analyst')
    expect(r.text).not.toContain('audit-yi')
  })
})

describe('POST /api/silences/preview, and silence history', () => {
  it('previews the open alerts the matchers cover now, within the account’s region', async () => {
    const preview = async (matchers: object, who: Who = provinceAdmin) => call('/api/silences/preview', json('POST', { matchers }), who)
    const byRegion = await preview({ region: '990100' })
    expect(byRegion.status).toBe(200)
    expect(alertListReplySchema.parse(byRegion.body).alerts.map((a) => a.id)).toEqual([jiaAlert])
    const byRule = await preview({ ruleId: 'audit-yi' })
    expect(alertListReplySchema.parse(byRule.body).alerts.map((a) => a.id)).toEqual([yiAlert])
    // A city's duty officer without a region matcher is kept to its city.
    const cityWide = await preview({ indicator: 'env.aqi' }, jiaDuty)
    expect(alertListReplySchema.parse(cityWide.body).alerts.map((a) => a.id)).toEqual([jiaAlert])
    expect((await preview({ region: '990200' }, jiaDuty)).status).toBe(403)
    // Bad matchers are named; a leader may not silence.
    expect((await preview({})).body).toMatchObject({ ok: false, error: { code: 'bad_body', message: expect.stringMatching(/matchers/) } })
    expect((await preview({ colour: 'red' })).status).toBe(400)
    expect((await preview({ region: '990100' }, 'leader')).status).toBe(403)
  })

  it('silences what the preview showed, and an ended silence stays in the history', async () => {
    const created = await call('/api/silences', json('POST', { matchers: { region: '990100' }, durationMinutes: 60, reason: '设备检修' }))
    expect(created.status, created.text).toBe(201)
    const silence = silenceReplySchema.parse(created.body)
    expect(silence.silenced).toEqual([jiaAlert])
    const ended = await call(`/api/silences/${silence.id}/end`, json('POST', {}))
    expect(silenceReplySchema.parse(ended.body)).toMatchObject({ endedReason: 'ended by audit-root' })
    const active = silenceListReplySchema.parse((await call('/api/silences')).body).silences
    expect(active.map((s) => s.id)).not.toContain(silence.id)
    const all = silenceListReplySchema.parse((await call('/api/silences?all=1')).body).silences
    expect(all.find((s) => s.id === silence.id)).toMatchObject({ reason: '设备检修', createdBy: 'audit-root', silenced: [jiaAlert] })
    // Both are alert actions in the audit.
    const { entries } = await audit('?what=alert')
    expect(find(entries, 'alert', 'silence-created', silence.id)).toMatchObject({ region: '990100', detail: '设备检修 · region=990100' })
    expect(find(entries, 'alert', 'silence-ended', silence.id)).toMatchObject({ actor: 'audit-root', detail: '' })
  })
})
