import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert } from '../../common/alert-state'
import { StorageFaults } from '../../server/storage/storage-faults'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { login, ndjson, postIngest, readCredentials, REPO_ROOT, spawnServer, startTestServer, tempDir, useIngestKey, type TestServer } from './harness'

/**
 * Storage failing under a running server, injected at the storage interface
 * (every read, write and ping throws, as when a ClickHouse server goes away
 * or a disk fills): nothing is acknowledged that is not stored, health says
 * so, and everything recovers by itself. Then kill -9 after acknowledged
 * alert actions and rule changes.
 */

const faults = new StorageFaults()
let server: TestServer
let catalogDir: string
// Hours back: the default AQI rule keeps firing 2 h after readings turn clean.
const T = Date.now() - 4 * 3_600_000
const aqi = (value: number, minute: number, station = 'AQ-990101-01', region = '990101') => ({ ts: T + minute * 60_000, indicator: 'env.aqi', region, station, value, id: `faults-${station}-${minute}` })

beforeAll(async () => {
  catalogDir = writeTestCatalogDir()
  fs.cpSync(path.join(REPO_ROOT, 'sample-data/rules'), path.join(catalogDir, 'rules'), { recursive: true })
  // The outages below are logged at error level by design; the test's output stays readable.
  server = await startTestServer({ CATALOG_DIR: catalogDir, LOG_LEVEL: 'fatal' }, { faults })
  // Signed in before any outage (signing in writes a session).
  await server.token('admin')
  await server.token({ name: 'duty-fault', role: 'duty' })
}, 120_000)
afterAll(async () => {
  faults.heal()
  await server?.stop()
  fs.rmSync(catalogDir, { recursive: true, force: true })
})

async function stored(where: string): Promise<number> {
  const rs = await server.storage.client.query({ query: `SELECT count() AS n FROM onescreen.points WHERE ${where}`, format: 'JSONEachRow' })
  return Number((await rs.json<{ n: string }>())[0]!.n)
}

async function health(who: 'admin' | null) {
  const res = who ? await server.fetch('/api/health', {}, who) : await fetch(`${server.url}/api/health`)
  return { status: res.status, body: (await res.json()) as { status: string; storage?: { ok: boolean; error?: string; lastWriteError?: { message: string } } } }
}

describe('when storage fails', () => {
  it('ingest answers 503 with Retry-After and keeps nothing of it; health says degraded; all recovers by itself', async () => {
    const batch = [aqi(50, 0, 'AQ-990200-01', '990200'), aqi(51, 1, 'AQ-990200-01', '990200')]
    faults.fail()
    const refused = await postIngest(server.url, ndjson(batch))
    expect(refused.status).toBe(503)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'storage_unavailable', message: expect.stringMatching(/nothing from this request was stored/) } })
    expect(await health(null)).toEqual({ status: 503, body: { status: 'degraded' } })
    const inside = await health('admin')
    expect(inside.status).toBe(503)
    // When and that a write failed; the engine's own words stay in the log.
    expect(inside.body.storage).toMatchObject({ ok: false, lastWriteError: { message: expect.stringMatching(/storage refused a write/) } })
    expect(JSON.stringify(inside.body)).not.toContain('injected fault')
    // A 503 stores nothing, now or later.
    faults.heal()
    await new Promise((r) => setTimeout(r, 300))
    expect(await stored(`region = '990200'`)).toBe(0)

    const retried = await postIngest(server.url, ndjson(batch))
    expect(retried.status).toBe(200)
    expect(retried.body).toMatchObject({ accepted: 2, duplicates: 0 })
    expect(await stored(`region = '990200'`)).toBe(2)
    expect((await health(null)).body).toEqual({ status: 'ok' })
  })

  it('says degraded while writes fail even though the engine still answers (a full disk)', async () => {
    faults.fail('Cannot reserve 1.00 MiB, not enough space', { onlyWritesTo: ['onescreen.points'] })
    try {
      expect((await postIngest(server.url, ndjson([aqi(52, 2, 'AQ-990200-01', '990200')]))).status).toBe(503)
      const inside = await health('admin')
      expect(inside.status).toBe(503)
      expect(inside.body.storage).toMatchObject({ ok: false, error: 'writes are failing', lastWriteError: { message: expect.stringMatching(/storage refused a write/) } })
      expect(JSON.stringify(inside.body)).not.toContain('Cannot reserve')
    } finally {
      faults.heal()
    }
    expect((await postIngest(server.url, ndjson([aqi(52, 2, 'AQ-990200-01', '990200')]))).status).toBe(200)
    expect((await health('admin')).status).toBe(200)
  })

  it('raises an alert whose event could not be stored once storage takes it again, once', async () => {
    faults.fail('alert log unavailable', { onlyWritesTo: ['onescreen.alert_events'] })
    try {
      // Two readings above 200: the rule fires, but its event cannot be stored.
      expect((await postIngest(server.url, ndjson([aqi(300, 10), aqi(310, 11)]))).status).toBe(200)
      await new Promise((r) => setTimeout(r, 300))
      expect(server.alerting.list({ state: ['firing'] })).toEqual([])
    } finally {
      faults.heal()
    }
    // The next reading that still qualifies raises it.
    expect((await postIngest(server.url, ndjson([aqi(320, 12)]))).status).toBe(200)
    await expect.poll(() => server.alerting.list({ state: ['firing'] }).length, { timeout: 5000 }).toBe(1)
    expect(server.alerting.list({ state: ['firing'] })[0]).toMatchObject({ region: '990101', station: 'AQ-990101-01', ruleId: 'env-aqi-critical' })
  })

  it('refuses an alert action and a rule change with 503 while storage is down, and takes them after', async () => {
    const alert = server.alerting.list({ state: ['firing'] })[0] as Alert
    const rule = server.rules.list()[0]!
    faults.fail()
    try {
      const ack = await server.fetch(`/api/alerts/${alert.id}/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, { name: 'duty-fault', role: 'duty' })
      expect(ack.status).toBe(503)
      expect(ack.headers.get('retry-after')).not.toBeNull()
      expect(await ack.json()).toMatchObject({ error: { code: 'storage_unavailable' } })
      const patch = await server.fetch(`/api/rules/${rule.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: !rule.enabled }) })
      expect(patch.status).toBe(503)
    } finally {
      faults.heal()
    }
    expect(server.alerting.get(alert.id)!.state).toBe('firing')
    expect(server.rules.list().find((r) => r.id === rule.id)!.enabled).toBe(rule.enabled)
    const ack = await server.fetch(`/api/alerts/${alert.id}/ack`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, { name: 'duty-fault', role: 'duty' })
    expect(ack.status).toBe(200)
    expect(await ack.json()).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'duty-fault' })
  })
})

describe('kill -9 after acknowledged alert actions and rule changes', () => {
  it('loses none of them', async () => {
    const dataDir = tempDir('faults-kill')
    const dir = writeTestCatalogDir()
    fs.cpSync(path.join(REPO_ROOT, 'sample-data/rules'), path.join(dir, 'rules'), { recursive: true })
    const env = { DATA_DIR: dataDir, CATALOG_DIR: dir }
    try {
      const first = await spawnServer(env)
      const creds = readCredentials(dataDir)
      useIngestKey(first.url, creds.ingestKey)
      const admin = await login(first.url, 'admin', creds.accounts.find((a) => a.name === 'admin')!.password)
      const call = (url: string, method: string, p: string, body?: unknown) =>
        fetch(`${url}${p}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
      expect((await postIngest(first.url, ndjson([aqi(300, 0), aqi(310, 1)]))).status).toBe(200)
      let alert: Alert | undefined
      await expect
        .poll(
          async () => {
            alert = ((await (await call(first.url, 'GET', '/api/alerts?state=firing')).json()) as { alerts: Alert[] }).alerts[0]
            return alert !== undefined
          },
          { timeout: 10_000 },
        )
        .toBe(true)
      const ack = await call(first.url, 'POST', `/api/alerts/${alert!.id}/ack`, { comment: 'on it' })
      expect(ack.status).toBe(200)
      const rule = await call(first.url, 'PATCH', '/api/rules/env-aqi-critical', { enabled: false })
      expect(rule.status).toBe(200)
      await first.kill9()

      const second = await spawnServer(env)
      try {
        const again = await login(second.url, 'admin', creds.accounts.find((a) => a.name === 'admin')!.password)
        const get = async (p: string) => (await fetch(`${second.url}${p}`, { headers: { authorization: `Bearer ${again}` } })).json()
        expect(await get(`/api/alerts/${alert!.id}`)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'admin' })
        expect(await get('/api/rules/env-aqi-critical')).toMatchObject({ rule: { enabled: false }, updatedBy: 'admin' })
      } finally {
        await second.terminate()
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
