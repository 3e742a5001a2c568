import fs from 'node:fs'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES, type Role } from '../../common/auth'
import { login, ndjson, postIngest, readCredentials, startTestServer, type TestServer } from './harness'

/**
 * Who may do what, against the real server: every role against the API's
 * kinds of request, the region scope of a city account by every route, ingest
 * keys, sessions, security headers. (First starts and the sign-in limit, which
 * need servers of their own, are in first-start.test.ts.)
 */

let server: TestServer
const NOW = Date.now()

beforeAll(async () => {
  server = await startTestServer()
  const points = [
    { ts: NOW - 60_000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 40 },
    { ts: NOW - 60_000, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: 80 },
  ]
  expect((await postIngest(server.url, ndjson(points))).status).toBe(200)
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

async function status(path: string, init: RequestInit = {}, who: Role | { name: string; role: Role; region?: string } | null = 'admin'): Promise<{ status: number; body: unknown }> {
  const res = who === null ? await fetch(`${server.url}${path}`, init) : await server.fetch(path, init, who)
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // CSV and metrics are text
  }
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

describe('by role', () => {
  const rule = {
    name: { zh: '访问测试', en: 'Access test' },
    indicator: 'env.aqi',
    scope: { level: 'county' },
    condition: { kind: 'threshold', op: 'above', value: 400, recover: 380 },
    severity: 'info',
    message: { zh: '{region} {value}', en: '{region} {value}' },
  }
  const cases: Array<[string, () => Promise<[string, RequestInit]>, readonly Role[]]> = [
    ['read the catalog', async () => ['/api/catalog', {}], ROLES],
    ['read a series', async () => [series('990101'), {}], ROLES],
    ['read alerts', async () => ['/api/alerts', {}], ROLES],
    ['export a series as CSV', async () => [series('990101', '&format=csv'), {}], ['analyst', 'admin']],
    ['create a silence', async () => ['/api/silences', json('POST', { matchers: { region: '990102' }, durationMinutes: 5, reason: 'access test' })], ['duty', 'admin']],
    ['write a rule', async () => ['/api/rules/access-test', json('PUT', rule)], ['admin']],
    ['list accounts', async () => ['/api/users', {}], ['admin']],
    ['push points with a session', async () => ['/api/ingest', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: JSON.stringify({ ts: NOW - 1000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 41 }) }], ['admin']],
    ['scrape metrics', async () => ['/metrics', {}], ['admin']],
  ]
  it.each(cases)('may %s only as the roles allowed', async (_what, request, allowed) => {
    for (const role of ROLES) {
      const [path, init] = await request()
      const r = await status(path, init, role)
      if (allowed.includes(role)) expect(r.status, `${role}: ${JSON.stringify(r.body).slice(0, 200)}`).toBeLessThan(300)
      else {
        expect(r.status, role).toBe(403)
        expect(r.body).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      }
    }
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
    for (const path of [
      series('990200'),
      series('990200', '&format=csv'),
      series('990000'),
      '/api/snapshot?level=county&parent=990200',
      '/api/ranking?indicator=env.aqi&level=city&parent=990000',
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
