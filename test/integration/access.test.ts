import fs from 'node:fs'
import path from 'node:path'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES, type Role } from '../../common/auth'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { expectReplyMatchesContract } from '../fixtures/reply-contract'
import { login, ndjson, postIngest, readCredentials, REPO_ROOT, startTestServer, TEST_PASSWORD, type TestServer } from './harness'

/**
 * Who may do what, against the real server: every role against the API's
 * kinds of request, the region scope of a city account by every route, ingest
 * keys, sessions, security headers. (First starts and the sign-in limit, which
 * need servers of their own, are in first-start.test.ts.)
 */

let server: TestServer
const NOW = Date.now()

let catalogDir: string
beforeAll(async () => {
  catalogDir = writeTestCatalogDir()
  fs.cpSync(path.join(REPO_ROOT, 'sample-data/rules'), path.join(catalogDir, 'rules'), { recursive: true })
  server = await startTestServer({ CATALOG_DIR: catalogDir })
  const points = [
    { ts: NOW - 60_000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 40 },
    { ts: NOW - 60_000, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: 80 },
  ]
  expect((await postIngest(server.url, ndjson(points))).status).toBe(200)
}, 120_000)
afterAll(async () => {
  await server?.stop()
  fs.rmSync(catalogDir, { recursive: true, force: true })
})

const aqiPoint = (value: number, second: number, station: string) => ({ ts: NOW - 60_000 + second * 1000, indicator: 'env.aqi', region: station.slice(3, 9), station, value })

async function status(path: string, init: RequestInit = {}, who: Role | { name: string; role: Role; region?: string } | null = 'admin'): Promise<{ status: number; body: unknown }> {
  const res = who === null ? await fetch(`${server.url}${path}`, init) : await server.fetch(path, init, who)
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // CSV and metrics are text
    return { status: res.status, body }
  }
  // Every JSON reply of the API read here is also held to its route's contract (common/api).
  if (path.startsWith('/api/')) expectReplyMatchesContract(init.method ?? 'GET', path, res.status, body)
  return { status: res.status, body }
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const series = (region: string, extra = '') => `/api/series?indicator=env.aqi&region=${region}${extra}`

describe('without credentials', () => {
  it.each([
    ['/api/catalog'],
    ['/api/regions'],
    ['/api/snapshot?level=county'],
    [series('990101')],
    ['/api/ranking?indicator=env.aqi&level=county'],
    ['/api/changes?region=990100&indicator=env.aqi'],
    ['/api/alerts'],
    ['/api/rules'],
    ['/api/me'],
    ['/api/users'],
    ['/metrics'],
  ])('GET %s is 401 with a message', async (path) => {
    const r = await status(path, {}, null)
    expect(r.status).toBe(401)
    expect(r.body).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: expect.stringMatching(/sign in/) } })
  })

  it('refuses ingest without a key, and stores nothing', async () => {
    const res = await postIngest(server.url, ndjson([{ ts: NOW, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 1 }]), 'application/x-ndjson', '')
    expect(res.status).toBe(401)
    const rs = await server.storage.client.query({ query: `SELECT count() AS n FROM onescreen.points WHERE value = 1`, format: 'JSONEachRow' })
    expect(Number((await rs.json<{ n: string }>())[0]!.n)).toBe(0)
  })

  it('refuses a socket', async () => {
    const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false })
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve))
    socket.close()
    expect(error.message).toMatch(/^unauthenticated/)
  })
})

describe('by role, every route and socket event', () => {
  const aqiRule = {
    name: { zh: '访问测试', en: 'Access test' },
    indicator: 'env.aqi',
    scope: { level: 'county' },
    condition: { kind: 'threshold', op: 'above', value: 400, recover: 380 },
    severity: 'info',
    message: { zh: '{region} {value}', en: '{region} {value}' },
  }
  let alertId = ''
  let silenceId = ''
  let keyId = ''
  beforeAll(async () => {
    // An alert and a silence to act on.
    await postIngest(server.url, ndjson([aqiPoint(300, 20, 'AQ-990101-01'), aqiPoint(310, 30, 'AQ-990101-01')]))
    for (let i = 0; i < 200 && server.alerting.list({ state: ['firing'] }).length === 0; i++) await new Promise((r) => setTimeout(r, 50))
    alertId = server.alerting.list({ state: ['firing'] })[0]!.id
    const silence = await server.fetch('/api/silences', json('POST', { matchers: { region: '990102' }, durationMinutes: 5, reason: 'matrix' }))
    silenceId = ((await silence.json()) as { id: string }).id
    const key = await server.fetch('/api/keys', json('POST', { name: 'matrix', indicators: ['*'], regions: ['*'] }))
    keyId = ((await key.json()) as { view: { id: string } }).view.id
  })

  const everyone = ROLES
  const point = JSON.stringify({ ts: NOW - 1000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 41 })
  // [method, path, body, who may]. Allowed means anything but 401/403: a 409 for acting on what
  // another role already closed is the action being allowed and refused on its merits.
  const routes: Array<[string, string, unknown, readonly Role[]]> = [
    ['GET', '/api/health', undefined, everyone],
    ['GET', '/api/me', undefined, everyone],
    ['POST', '/api/me/password', {}, everyone],
    ['GET', '/api/catalog', undefined, everyone],
    ['GET', '/api/regions', undefined, everyone],
    ['GET', '/api/geo/city', undefined, everyone],
    ['GET', '/api/series?indicator=env.aqi&region=990101', undefined, everyone],
    ['GET', '/api/series?indicator=env.aqi&region=990101&format=csv', undefined, ['analyst', 'admin']],
    ['GET', '/api/snapshot?level=county', undefined, everyone],
    ['GET', '/api/ranking?indicator=env.aqi&level=county', undefined, everyone],
    ['GET', '/api/changes?region=990100&indicator=env.aqi', undefined, everyone],
    ['GET', '/api/scorecard', undefined, everyone],
    ['GET', '/api/freshness', undefined, everyone],
    ['GET', '/api/alerts', undefined, everyone],
    ['GET', '/api/alerts/pending', undefined, everyone],
    ['GET', '/api/alerts/{alert}', undefined, everyone],
    ['GET', '/api/alerts/{alert}/events', undefined, everyone],
    ['POST', '/api/alerts/{alert}/comment', { text: 'seen' }, ['duty', 'admin']],
    ['POST', '/api/alerts/{alert}/assign', { assignee: 'team-1' }, ['duty', 'admin']],
    ['POST', '/api/alerts/{alert}/ack', {}, ['duty', 'admin']],
    ['POST', '/api/alerts/{alert}/resolve', {}, ['duty', 'admin']],
    ['GET', '/api/silences', undefined, everyone],
    ['POST', '/api/silences', { matchers: { region: '990102' }, durationMinutes: 5, reason: 'matrix' }, ['duty', 'admin']],
    ['POST', '/api/silences/{silence}/end', {}, ['duty', 'admin']],
    ['GET', '/api/rules', undefined, everyone],
    ['PUT', '/api/rules/access-test', aqiRule, ['admin']],
    ['GET', '/api/rules/access-test', undefined, everyone],
    ['GET', '/api/rules/access-test/history', undefined, everyone],
    ['PATCH', '/api/rules/access-test', { enabled: false }, ['admin']],
    ['DELETE', '/api/rules/access-test', undefined, ['admin']],
    ['GET', '/api/users', undefined, ['admin']],
    ['POST', '/api/users', { name: 'matrix-made', role: 'leader', region: '990100', password: 'a long enough password' }, ['admin']],
    ['PATCH', '/api/users/matrix-made', { region: '990200' }, ['admin']],
    ['GET', '/api/keys', undefined, ['admin']],
    ['POST', '/api/keys', { name: 'matrix-2', indicators: ['env.aqi'], regions: ['990100'] }, ['admin']],
    ['POST', '/api/keys/{key}/revoke', undefined, ['admin']],
    ['POST', '/api/ingest', point, ['admin']],
    ['GET', '/metrics', undefined, ['admin']],
  ]
  it.each(routes)('%s %s', async (method, route, body, allowed) => {
    const path = () => route.replace('{alert}', alertId).replace('{silence}', silenceId).replace('{key}', keyId)
    for (const role of ROLES) {
      const init: RequestInit =
        typeof body === 'string' ? { method, headers: { 'content-type': 'application/x-ndjson' }, body } : body === undefined ? { method } : json(method, body)
      const r = await status(path(), init, role)
      if (allowed.includes(role)) expect([401, 403], `${role} ${method} ${path()}: ${JSON.stringify(r.body).slice(0, 200)}`).not.toContain(r.status)
      else {
        expect(r.status, `${role} ${method} ${path()}`).toBe(403)
        expect(r.body).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining(role) } })
      }
    }
  })

  it('lets every role subscribe and resume on a socket; an ingest key gets no socket', async () => {
    for (const role of ROLES) {
      const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: await server.token(role) } })
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve())
          socket.once('connect_error', reject)
        })
        expect((await socket.emitWithAck('subscribe', { region: '990000' })).ok, role).toBe(true)
        expect((await socket.emitWithAck('resume', { lastSeq: 0 })).ok, role).toBe(true)
      } finally {
        socket.close()
      }
    }
    const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: server.credentials.ingestKey } })
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve))
    socket.close()
    expect(error.message).toMatch(/^unauthenticated/)
  })
})

describe('a city account', () => {
  const jia = { name: 'jia-analyst', role: 'analyst' as const, region: '990100' }
  const jiaDuty = { name: 'jia-duty', role: 'duty' as const, region: '990100' }

  it('is given its own city as the whole tree', async () => {
    const r = (await status('/api/catalog', {}, jia)).body as { regions: Array<{ code: string; parent: string | null }>; stations: Array<{ region: string }> }
    expect(r.regions.map((x) => x.code).sort()).toEqual(['990100', '990101', '990102'])
    expect(r.regions.find((x) => x.code === '990100')!.parent).toBeNull()
    expect(r.stations.every((s) => s.region.startsWith('9901'))).toBe(true)
  })

  it('reads and exports its own city, and nothing of another by any route', async () => {
    expect((await status(series('990101'), {}, jia)).status).toBe(200)
    expect((await status(series('990101', '&format=csv'), {}, jia)).status).toBe(200)
    expect((await status(series('990101', '&station=AQ-990101-01'), {}, jia)).status).toBe(200)
    for (const path of [
      series('990200'),
      series('990200', '&format=csv'),
      series('990000'),
      // A station outside the city is refused as its region is, whichever region is asked with it.
      series('990200', '&station=AQ-990200-01'),
      series('990100', '&station=AQ-990200-01'),
      series('990000', '&station=AQ-990101-01'),
      '/api/snapshot?level=county&parent=990200',
      '/api/ranking?indicator=env.aqi&level=city&parent=990000',
      '/api/changes?region=990200&indicator=env.aqi',
      '/api/changes?region=990000&indicator=env.aqi',
      '/api/scorecard?region=990200',
      '/api/alerts?region=990200',
    ]) {
      const r = await status(path, {}, jia)
      expect(r.status, path).toBe(403)
      expect(r.body, path).toMatchObject({ ok: false, error: { code: 'outside_scope' } })
    }
    // Without a parent, a snapshot of a level is of the account's own subtree.
    const snap = (await status('/api/snapshot?level=county', {}, jia)).body as { values: Array<{ region: string }> }
    expect(snap.values.length).toBeGreaterThan(0)
    expect(snap.values.every((v) => v.region.startsWith('9901'))).toBe(true)
    const cities = (await status('/api/snapshot?level=city', {}, jia)).body as { values: Array<{ region: string }> }
    expect(cities.values.map((v) => v.region)).not.toContain('990200')
  })

  it('is given the geography of its own city only: its tree and its boundaries, its city the root', async () => {
    const tree = (await status('/api/regions', {}, jia)).body as { root: string; regions: Array<{ code: string; parent: string | null }> }
    expect(tree.root).toBe('990100')
    expect(tree.regions.map((r) => r.code).sort()).toEqual(['990100', '990101', '990102'])
    expect(tree.regions.find((r) => r.code === '990100')!.parent).toBeNull()
    const features = async (path: string) => {
      const r = await status(path, {}, jia)
      expect(r.status, path).toBe(200)
      return (r.body as { features: Array<{ properties: { code: string; parent: string | null } }> }).features.map((f) => f.properties)
    }
    expect(await features('/api/geo/province')).toEqual([])
    expect(await features('/api/geo/city')).toEqual([expect.objectContaining({ code: '990100', parent: null })])
    expect((await features('/api/geo/county')).map((f) => f.code).sort()).toEqual(['990101', '990102'])
    expect((await features('/api/geo/county?parent=990100')).map((f) => f.code).sort()).toEqual(['990101', '990102'])
    for (const path of ['/api/geo/county?parent=990200', '/api/geo/city?parent=990000']) {
      const r = await status(path, {}, jia)
      expect(r.status, path).toBe(403)
      expect(r.body, path).toMatchObject({ ok: false, error: { code: 'outside_scope' } })
    }
    // The province-wide answers are another body, not this account's: a browser must not reuse one for the other.
    const whole = (await status('/api/geo/city', {}, 'analyst')).body as { features: unknown[] }
    expect(whole.features.length).toBeGreaterThan(1)
  })

  it('sees the rules that reach its city, and changes only rules within it', async () => {
    const rule = (region?: string) => ({
      name: { zh: '范围测试', en: 'Scope test' },
      indicator: 'env.aqi',
      scope: { level: 'leaf', ...(region && { region }) },
      condition: { kind: 'threshold', op: 'above', value: 450, recover: 430 },
      severity: 'info',
      message: { zh: '{region} {value}', en: '{region} {value}' },
    })
    // Province-wide admin writes one rule per city.
    expect((await status('/api/rules/scope-own', json('PUT', rule('990100')))).status).toBe(201)
    expect((await status('/api/rules/scope-other', json('PUT', rule('990200')))).status).toBe(201)
    const listed = ((await status('/api/rules', {}, jia)).body as { rules: Array<{ id: string; scope: { region?: string } }> }).rules
    const ids = listed.map((r) => r.id)
    expect(ids).toContain('scope-own')
    expect(ids).toContain('env-aqi-critical')
    expect(ids).not.toContain('scope-other')
    for (const path of ['/api/rules/scope-other', '/api/rules/scope-other/history']) {
      const r = await status(path, {}, jia)
      expect(r.status, path).toBe(404)
      expect(r.body, path).toMatchObject({ ok: false, error: { code: 'unknown_rule' } })
    }
    expect((await status('/api/rules/scope-own', {}, jia)).status).toBe(200)

    const jiaAdmin = { name: 'jia-admin', role: 'admin' as const, region: '990100' }
    for (const [path, init] of [
      ['/api/rules/scope-new', json('PUT', rule('990200'))],
      ['/api/rules/scope-new', json('PUT', rule())],
      ['/api/rules/scope-own', json('PUT', rule())],
      ['/api/rules/env-aqi-critical', json('PATCH', { enabled: false })],
      ['/api/rules/env-aqi-critical', { method: 'DELETE' }],
    ] as const) {
      const r = await status(path, init, jiaAdmin)
      expect(r.status, `${init.method} ${path}`).toBe(403)
      expect(r.body, `${init.method} ${path}`).toMatchObject({ ok: false, error: { code: 'outside_scope' } })
    }
    expect((await status('/api/rules/scope-other', json('PATCH', { enabled: false }), jiaAdmin)).status).toBe(404)
    expect((await status('/api/rules/scope-other', { method: 'DELETE' }, jiaAdmin)).status).toBe(404)
    expect((await status('/api/rules/scope-own', json('PATCH', { enabled: false }), jiaAdmin)).status).toBe(200)
    expect((await status('/api/rules/scope-mine', json('PUT', rule('990101')), jiaAdmin)).status).toBe(201)
    // Nothing the city admin was refused changed.
    const after = ((await status('/api/rules')).body as { rules: Array<{ id: string; enabled: boolean; scope: { region?: string } }> }).rules
    expect(after.find((r) => r.id === 'env-aqi-critical')!.enabled).toBe(true)
    expect(after.find((r) => r.id === 'scope-other')!.enabled).toBe(true)
    expect(after.find((r) => r.id === 'scope-new')).toBeUndefined()
    for (const id of ['scope-own', 'scope-other', 'scope-mine']) expect((await status(`/api/rules/${id}`, { method: 'DELETE' })).status).toBe(200)
    // A deleted rule's history stays where its definition reached.
    expect((await status('/api/rules/scope-other/history', {}, jia)).status).toBe(404)
    expect((await status('/api/rules/scope-own/history', {}, jia)).status).toBe(200)
    expect((await status('/api/rules/scope-other/history')).status).toBe(200)
  })

  it('cannot silence or act on another city', async () => {
    const r = await status('/api/silences', json('POST', { matchers: { region: '990200' }, durationMinutes: 5, reason: 'not mine' }), jiaDuty)
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({ error: { code: 'outside_scope' } })
    // A silence without a region is confined to the account's city.
    const own = await status('/api/silences', json('POST', { matchers: { indicator: 'env.aqi' }, durationMinutes: 5, reason: 'ours only' }), jiaDuty)
    expect(own.status).toBe(201)
    expect(own.body).toMatchObject({ matchers: { indicator: 'env.aqi', region: '990100' } })
  })

  it('cannot subscribe to another city', async () => {
    const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: await server.token(jia) } })
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve())
        socket.once('connect_error', reject)
      })
      const other = await socket.emitWithAck('subscribe', { region: '990200' })
      expect(other).toMatchObject({ ok: false, error: { code: 'outside_scope' } })
      const own = await socket.emitWithAck('subscribe', { region: '990100' })
      expect(own.ok).toBe(true)
    } finally {
      socket.close()
    }
  })
})

describe('a city admin', () => {
  const jiaAdmin = { name: 'jia-boss', role: 'admin' as const, region: '990100' }
  const provinceLeader = () => server.credentials.accounts.find((a) => a.role === 'leader')!
  let provinceKeyId = ''
  beforeAll(async () => {
    await server.token(jiaAdmin)
    const key = await status('/api/keys', json('POST', { name: 'province-wide', indicators: ['*'], regions: ['990000'] }))
    provinceKeyId = (key.body as { view: { id: string } }).view.id
  })

  const refused = (r: { status: number; body: unknown }, code: string, what: string) => {
    expect(r.status, what).toBe(code === 'not_found' ? 404 : 403)
    expect(r.body, what).toMatchObject({ ok: false, error: { code, message: expect.any(String) } })
  }

  // [what, method, path, body, the error]: everything a city admin might try on accounts and keys outside its city.
  const outside: Array<[string, string, string, unknown, string]> = [
    ['a province admin', 'POST', '/api/users', { name: 'jia-up', role: 'admin', region: '990000', password: 'a long enough password' }, 'outside_scope'],
    ['an account in another city', 'POST', '/api/users', { name: 'jia-side', role: 'leader', region: '990200', password: 'a long enough password' }, 'outside_scope'],
    ['its own scope raised to the province', 'PATCH', '/api/users/jia-boss', { region: '990000' }, 'outside_scope'],
    ["the province leader's password", 'PATCH', '/api/users/{leader}', { password: 'taken over password' }, 'not_found'],
    ['the province admin disabled', 'PATCH', '/api/users/admin', { disabled: true }, 'not_found'],
    ['a key for every region', 'POST', '/api/keys', { name: 'everywhere', indicators: ['*'], regions: ['*'] }, 'outside_scope'],
    ['a key for the province', 'POST', '/api/keys', { name: 'province', indicators: ['*'], regions: ['990000'] }, 'outside_scope'],
    ['a key for its city and another', 'POST', '/api/keys', { name: 'two', indicators: ['*'], regions: ['990100', '990200'] }, 'outside_scope'],
    ["the province's key revoked", 'POST', '/api/keys/{provinceKey}/revoke', undefined, 'not_found'],
  ]
  it.each(outside)('is refused %s, and nothing changes', async (what, method, route, body, code) => {
    const before = { users: server.auth.listAccounts('990000'), keys: server.auth.listKeys('990000') }
    const path = route.replace('{leader}', provinceLeader().name).replace('{provinceKey}', provinceKeyId)
    refused(await status(path, body === undefined ? { method } : json(method, body), jiaAdmin), code, what)
    expect(server.auth.listAccounts('990000'), what).toEqual(before.users)
    expect(server.auth.listKeys('990000').map((k) => ({ ...k })), what).toEqual(before.keys)
  })

  it('lists only the accounts and keys of its city', async () => {
    await status('/api/users', json('POST', { name: 'jia-clerk', role: 'leader', region: '990101', password: 'a long enough password' }), jiaAdmin)
    const users = ((await status('/api/users', {}, jiaAdmin)).body as { users: Array<{ name: string; region: string }> }).users
    expect(users.map((u) => u.name)).toEqual(expect.arrayContaining(['jia-boss', 'jia-clerk']))
    expect(users.every((u) => u.region.startsWith('9901'))).toBe(true)
    const keys = ((await status('/api/keys', {}, jiaAdmin)).body as { keys: Array<{ id: string; regions: string[] }> }).keys
    expect(keys.map((k) => k.id)).not.toContain(provinceKeyId)
    expect(keys.every((k) => k.regions.every((r) => r.startsWith('9901')))).toBe(true)
    // The province admin sees them all.
    const all = ((await status('/api/keys')).body as { keys: Array<{ id: string }> }).keys
    expect(all.map((k) => k.id)).toContain(provinceKeyId)
  })

  it('manages accounts and keys within its city, and a key it makes writes only there', async () => {
    const made = await status('/api/users', json('POST', { name: 'jia-watch', role: 'duty', region: '990100', password: 'a long enough password' }), jiaAdmin)
    expect(made.status).toBe(201)
    expect((await status('/api/users/jia-watch', json('PATCH', { region: '990102', role: 'analyst' }), jiaAdmin)).status).toBe(200)
    // Moving its own account's user out of the city is refused: the new scope counts too.
    refused(await status('/api/users/jia-watch', json('PATCH', { region: '990200' }), jiaAdmin), 'outside_scope', 'move out')
    expect(server.auth.account('jia-watch')).toMatchObject({ region: '990102', role: 'analyst' })

    const created = await status('/api/keys', json('POST', { name: 'jia feed', indicators: ['env.aqi'], regions: ['990100'] }), jiaAdmin)
    expect(created.status).toBe(201)
    const { key, view } = created.body as { key: string; view: { id: string } }
    const points = [
      { ts: NOW - 3000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 51 },
      { ts: NOW - 3000, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: 52 },
    ]
    const res = await postIngest(server.url, ndjson(points), 'application/x-ndjson', key)
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1, errors: [{ field: 'region' }] })
    expect((await status(`/api/keys/${view.id}/revoke`, { method: 'POST' }, jiaAdmin)).status).toBe(200)
  })

  it('cannot silence another city or end its silence, nor change a rule outside its city', async () => {
    refused(await status('/api/silences', json('POST', { matchers: { region: '990200' }, durationMinutes: 5, reason: 'no' }), jiaAdmin), 'outside_scope', 'silence')
    const other = await status('/api/silences', json('POST', { matchers: { region: '990200', indicator: 'env.pm25' }, durationMinutes: 5, reason: 'province' }))
    const id = (other.body as { id: string }).id
    refused(await status(`/api/silences/${id}/end`, json('POST', {}), jiaAdmin), 'not_found', 'end')
    expect(((await status('/api/silences')).body as { silences: Array<{ id: string }> }).silences.map((s) => s.id)).toContain(id)
    refused(await status('/api/rules/env-aqi-critical', json('PATCH', { enabled: false }), jiaAdmin), 'outside_scope', 'rule')
  })

  it.each([
    ['/metrics', 403],
    ['/api/health', 200],
  ])('reads no deployment-wide figures: GET %s', async (path, code) => {
    const r = await status(path, {}, jiaAdmin)
    expect(r.status).toBe(code)
    // Health tells it whether the server is up, nothing more.
    if (code === 200) expect(r.body).toEqual({ status: 'ok' })
    expect((await status(path)).status).toBe(200)
  })
})

describe('deployment-wide figures', () => {
  it('health details go to admins of the whole tree only, never with the engine’s own words', async () => {
    for (const who of ['leader', 'analyst', 'duty'] as const) expect((await status('/api/health', {}, who)).body).toEqual({ status: 'ok' })
    const asKey = await fetch(`${server.url}/api/health`, { headers: { authorization: `Bearer ${server.credentials.ingestKey}` } })
    expect(await asKey.json()).toEqual({ status: 'ok' })
    expect((await status('/api/health')).body).toMatchObject({ status: 'ok', storage: { ok: true }, ingest: expect.any(Object) })
  })

  it('freshness is of the account’s own subtree', async () => {
    const jia = { name: 'jia-fresh', role: 'analyst' as const, region: '990100' }
    // A feed that only the other city has.
    const key = await status('/api/keys', json('POST', { name: 'yi only', indicators: ['env.pm25'], regions: ['990200'] }))
    const yiKey = (key.body as { key: string }).key
    expect((await postIngest(server.url, ndjson([{ ts: NOW - 500, indicator: 'env.pm25', region: '990200', station: 'AQ-990200-01', value: 12 }]), 'application/x-ndjson', yiKey)).status).toBe(200)
    type Report = { indicators: Array<{ indicator: string; lastTs: number | null; sources: Array<{ source: string; points: number }> }> }
    const province = (await status('/api/freshness')).body as Report
    const city = (await status('/api/freshness', {}, jia)).body as Report
    expect(province.indicators.find((i) => i.indicator === 'env.pm25')!.lastTs).toBe(NOW - 500)
    expect(city.indicators.find((i) => i.indicator === 'env.pm25')).toMatchObject({ lastTs: null, sources: [] })
    // Its own city's AQI is there, counted for its city alone.
    const aqiCity = city.indicators.find((i) => i.indicator === 'env.aqi')!
    const aqiProvince = province.indicators.find((i) => i.indicator === 'env.aqi')!
    expect(aqiCity.lastTs).not.toBeNull()
    const points = (r: typeof aqiCity) => r.sources.reduce((n, s) => n + s.points, 0)
    expect(points(aqiCity)).toBeGreaterThan(0)
    expect(points(aqiCity)).toBeLessThan(points(aqiProvince))
  })
})

describe('ingest keys', () => {
  it('write only their indicators and regions; what they may not write is kept with the reason', async () => {
    const created = await status('/api/keys', json('POST', { name: 'jia air', indicators: ['env.aqi'], regions: ['990100'] }))
    expect(created.status).toBe(201)
    const { key, view } = created.body as { key: string; view: { id: string } }
    const points = [
      { ts: NOW - 2000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 42 },
      { ts: NOW - 2000, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: 43 },
      { ts: NOW - 2000, indicator: 'env.pm25', region: '990101', station: 'AQ-990101-01', value: 44 },
    ]
    const res = await postIngest(server.url, ndjson(points), 'application/x-ndjson', key)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ accepted: 1, rejected: 2 })
    const rs = await server.storage.client.query({ query: `SELECT field, reason FROM onescreen.rejects WHERE raw LIKE '%"value":4_%' ORDER BY field`, format: 'JSONEachRow' })
    expect(await rs.json()).toEqual([
      { field: 'indicator', reason: 'this ingest key may not write env.pm25' },
      { field: 'region', reason: 'this ingest key may not write region 990200' },
    ])
    // A key reads nothing, and once revoked pushes nothing.
    expect((await fetch(`${server.url}/api/catalog`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(403)
    expect((await status(`/api/keys/${view.id}/revoke`, { method: 'POST' })).status).toBe(200)
    expect((await postIngest(server.url, ndjson(points.slice(0, 1)), 'application/x-ndjson', key)).status).toBe(401)
  })
})

describe('sessions and passwords', () => {
  it('end on sign-out, and keep passwords only as scrypt hashes', async () => {
    const token = await login(server.url, 'admin', server.credentials.accounts.find((a) => a.name === 'admin')!.password)
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(await me.json()).toMatchObject({ name: 'admin', role: 'admin', region: '990000', demo: true })
    await fetch(`${server.url}/api/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401)

    const rs = await server.storage.client.query({ query: `SELECT name, password_hash FROM onescreen.accounts FINAL`, format: 'JSONEachRow' })
    const rows = await rs.json<{ name: string; password_hash: string }>()
    expect(rows.length).toBeGreaterThanOrEqual(4)
    for (const r of rows) {
      expect(r.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/)
      const password = server.credentials.accounts.find((a) => a.name === r.name)?.password
      if (password) expect(r.password_hash).not.toContain(password)
    }
  })

  it('refuses a wrong password with one message for every reason, and logs the attempt', async () => {
    for (const [name, password] of [['admin', 'wrong password!'], ['nobody', 'whatever password']]) {
      const res = await fetch(`${server.url}/api/login`, json('POST', { name, password }))
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_credentials', message: 'wrong name or password' } })
    }
    const rs = await server.storage.client.query({ query: `SELECT account FROM onescreen.auth_log WHERE event = 'login.failed' ORDER BY account`, format: 'JSONEachRow' })
    expect((await rs.json<{ account: string }>()).map((r) => r.account)).toEqual(expect.arrayContaining(['admin', 'nobody']))
  })

  it('a new password from an admin ends the account’s sessions', async () => {
    const who = { name: 'to-reset', role: 'leader' as const }
    const token = await server.token(who)
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    expect((await status('/api/users/to-reset', json('PATCH', { password: 'a brand new passphrase' }))).status).toBe(200)
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401)
  })
})

describe('changing one’s own password', () => {
  it('ends the account’s other sessions and their sockets, and keeps the one that changed it', async () => {
    const who = { name: 'two-screens', role: 'leader' as const }
    await server.token(who)
    const here = await login(server.url, who.name, TEST_PASSWORD)
    const there = await login(server.url, who.name, TEST_PASSWORD)
    const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: there } })
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve())
        socket.once('connect_error', reject)
      })
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve))
      const res = await fetch(`${server.url}/api/me/password`, {
        method: 'POST',
        headers: { authorization: `Bearer ${here}`, 'content-type': 'application/json' },
        body: JSON.stringify({ current: TEST_PASSWORD, password: 'another long passphrase' }),
      })
      expect(res.status).toBe(200)
      expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${there}` } })).status).toBe(401)
      expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${here}` } })).status).toBe(200)
      server.live.recheckSessions()
      expect(await closed).toBe('io server disconnect')
    } finally {
      socket.close()
    }
  })

  it('is limited per account like signing in, and every attempt is checked through the one hashing queue', async () => {
    const who = { name: 'guesser', role: 'duty' as const }
    const headers = { ...(await server.authHeaders(who)), 'content-type': 'application/json' }
    const attempt = () => fetch(`${server.url}/api/me/password`, { method: 'POST', headers, body: JSON.stringify({ current: 'not the password', password: 'whatever new passphrase' }) })
    // The test server allows 10,000 sign-ins a minute: the queue, not the limit, answers first.
    const answers = await Promise.all(Array.from({ length: 40 }, attempt))
    const codes = answers.map((r) => r.status)
    expect(codes.every((c) => c === 403 || c === 503), codes.join(',')).toBe(true)
    // One account gets a few checks in the queue at a time; the rest are refused at once, saying when to retry.
    const busy = answers.filter((r) => r.status === 503)
    expect(busy.length).toBeGreaterThan(0)
    expect(busy[0]!.headers.get('retry-after')).toBe('5')
    expect(await busy[0]!.json()).toMatchObject({ error: { code: 'busy' } })
    expect(server.auth.hashingStats.refused).toBeGreaterThanOrEqual(busy.length)
  })
})

describe('hardening', () => {
  it('sends a content-security policy with no outside origin and no CORS headers', async () => {
    const res = await fetch(`${server.url}/api/health`, { headers: { origin: 'https://evil.example' } })
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toMatch(/https?:/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  describe('writes from another page of the same host (CSRF)', () => {
    let cookie = ''
    let alertId = ''
    beforeAll(async () => {
      cookie = `onescreen_session=${await server.token('duty')}`
      await postIngest(server.url, ndjson([aqiPoint(320, 40, 'AQ-990200-01'), aqiPoint(330, 45, 'AQ-990200-01')]))
      for (let i = 0; i < 200 && !server.alerting.list({ state: ['firing'] }).some((a) => a.region === '990200'); i++) await new Promise((r) => setTimeout(r, 50))
      alertId = server.alerting.list({ state: ['firing'] }).find((a) => a.region === '990200')!.id
    })
    const host = () => new URL(server.url).host
    const otherPort = () => `http://127.0.0.1:${Number(new URL(server.url).port) + 1}`

    it.each([
      ['a text/plain form from another port (Origin and Sec-Fetch-Site say so)', () => ({ 'content-type': 'text/plain', origin: otherPort(), 'sec-fetch-site': 'same-site' }), 403, 'cross_site'],
      ['an Origin of another port alone', () => ({ 'content-type': 'application/json', origin: otherPort() }), 403, 'cross_site'],
      ['a cookie with neither Origin nor Sec-Fetch-Site', () => ({ 'content-type': 'application/json' }), 403, 'cross_site'],
      ['a same-origin text/plain body', () => ({ 'content-type': 'text/plain', origin: `http://${host()}`, 'sec-fetch-site': 'same-origin' }), 415, 'unsupported_media_type'],
      ['a same-origin form body', () => ({ 'content-type': 'application/x-www-form-urlencoded', origin: `http://${host()}` }), 415, 'unsupported_media_type'],
    ])('refuses %s and leaves the alert as it was', async (_what, headers, code, error) => {
      const res = await fetch(`${server.url}/api/alerts/${alertId}/resolve`, { method: 'POST', headers: { cookie, ...headers() }, body: '{"comment":"x"}' })
      expect(res.status).toBe(code)
      expect(await res.json()).toMatchObject({ ok: false, error: { code: error } })
      expect(server.alerting.get(alertId)!.state).toBe('firing')
    })

    it('takes the same write from its own page, and a JSON write with a bearer token', async () => {
      const ack = await fetch(`${server.url}/api/alerts/${alertId}/ack`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', origin: `http://${host()}`, 'sec-fetch-site': 'same-origin' },
        body: '{}',
      })
      expect(ack.status).toBe(200)
      const resolve = await fetch(`${server.url}/api/alerts/${alertId}/resolve`, { method: 'POST', headers: { ...(await server.authHeaders('duty')), 'content-type': 'application/json' }, body: '{}' })
      expect(resolve.status).toBe(200)
      expect(server.alerting.get(alertId)!.state).toBe('resolved')
    })

    it('refuses a sign-in posted from another port', async () => {
      const admin = server.credentials.accounts.find((a) => a.name === 'admin')!
      const res = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: otherPort() }, body: JSON.stringify({ name: admin.name, password: admin.password }) })
      expect(res.status).toBe(403)
      expect(res.headers.get('set-cookie')).toBeNull()
    })
  })

  it('refuses a socket opened from another site’s page', async () => {
    const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: await server.token() }, extraHeaders: { origin: 'https://evil.example' } })
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve))
    socket.close()
    expect(error).toBeInstanceOf(Error)
  })
})

describe('first start', () => {
  it('on loopback makes one demo account per role and says where their passwords are', () => {
    const creds = readCredentials(server.dataDir)
    expect(creds.accounts.map((a) => a.role).sort()).toEqual([...ROLES].sort())
    expect(fs.statSync(server.credentialsFile!).mode & 0o077).toBe(0)
  })
})
