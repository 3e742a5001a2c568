import fs from 'node:fs'
import { io } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { createRng } from '../../common/random'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { createStorageClient } from '../../server/storage/storage-client'
import { idHashes, keyProducer, login, ndjson, postIngest, readCredentials, spawnServer, tempDir, useIngestKey, type ServerProcess } from './harness'

/**
 * "A point answered with 200 survives kill -9 the moment after the reply."
 * The server runs as its own process; the test kills it with SIGKILL right
 * after replies and checks, on a restart, that every acknowledged point is
 * there — exactly once — and that the dedupe window still knows its ids.
 */

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

function env() {
  const dataDir = tempDir('durable')
  const catalogDir = writeTestCatalogDir()
  cleanup.push(() => {
    fs.rmSync(dataDir, { recursive: true, force: true })
    fs.rmSync(catalogDir, { recursive: true, force: true })
  })
  return { DATA_DIR: dataDir, CATALOG_DIR: catalogDir }
}

/**
 * Starts the server in its own process on `e`'s data; postIngest then sends the
 * demo ingest key the data directory's first start made.
 */
async function spawn(e: { DATA_DIR: string; CATALOG_DIR: string }): Promise<ServerProcess> {
  const p = await spawnServer(e)
  cleanup.push(() => p.kill9())
  useIngestKey(p.url, readCredentials(e.DATA_DIR).ingestKey)
  return p
}

const point = (i: number, prefix: string) => ({
  ts: Date.now() - 1000,
  indicator: 'traffic.flow',
  region: '990101',
  station: 'TD-990101-001',
  value: i % 5000,
  id: `${prefix}-${i}`,
})

/** Counts stored rows per id by asking the restarted server to re-ingest them. */
async function duplicatesOnRetry(url: string, ids: string[], prefix: string): Promise<number> {
  let duplicates = 0
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000).map((id) => point(Number(id.slice(prefix.length + 1)), prefix))
    const res = await postIngest(url, ndjson(chunk))
    expect(res.status).toBe(200)
    duplicates += res.body.duplicates as number
  }
  return duplicates
}

/**
 * Opens the stopped server's data directory with the engine and reads which of
 * `ids` are stored (ids are stored as hashes), and how many rows they have.
 */
async function storedIds(dataDir: string, ids: readonly string[]): Promise<{ rows: number; ids: Set<string> }> {
  const storage = createStorageClient({ mode: 'embedded', path: `${dataDir}/clickhouse`, database: 'onescreen' })
  try {
    const hashes = idHashes(ids, keyProducer(readCredentials(dataDir).ingestKey))
    const byHash = new Map(hashes.map((h, i) => [h, ids[i]!]))
    const rs = await storage.client.query({
      query: `SELECT toString(id_hash) FROM onescreen.points WHERE id_hash IN arrayMap(x -> toUInt64(x), {ids:Array(String)})`,
      query_params: { ids: hashes },
      format: 'JSONCompactEachRow',
    })
    const found = (await rs.json<[string]>()).map(([h]) => byHash.get(h)!)
    return { rows: found.length, ids: new Set(found) }
  } finally {
    await storage.close()
  }
}

/** Series the crash test writes to, spread over indicators, regions and stations. */
const CRASH_SERIES = [
  { indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001' },
  { indicator: 'traffic.flow', region: '990102', station: 'TD-990102-001' },
  { indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01' },
  { indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01' },
]

/**
 * Per bucket of each resolution (hour: UTC hours; day: the default zone's
 * days), the number of points each table holds: `points` counted, the rollups
 * summed. The rollups agree with the raw points when every column is the same.
 */
async function countsPerBucket(
  dataDir: string,
): Promise<{ raw: number; hours: Record<string, unknown>[]; days: Record<string, unknown>[]; latestBehind: Record<string, unknown>[] }> {
  const storage = createStorageClient({ mode: 'embedded', path: `${dataDir}/clickhouse`, database: 'onescreen' })
  const rows = async (query: string) => (await storage.client.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>()
  const day = (column: string) => `toDateTime(toStartOfDay(${column}, 'Asia/Shanghai'), 'UTC')`
  const per = (bucket: (c: string) => string, tables: Array<[string, string, string]>) =>
    rows(`SELECT b, ${tables.map(([name]) => `sumIf(n, t = '${name}') AS ${name}`).join(', ')} FROM (
      ${tables.map(([name, from, count]) => `SELECT '${name}' AS t, toString(${bucket('ts')}) AS b, ${count} AS n FROM onescreen.${from} GROUP BY b`).join(' UNION ALL ')}
    ) GROUP BY b ORDER BY b`)
  try {
    const [total] = await rows('SELECT count() AS n FROM onescreen.points')
    const hours = await per((c) => `toStartOfHour(${c})`, [
      ['raw', 'points', 'count()'],
      ['m1', 'points_1m', 'sum(count)'],
      ['h1', 'points_1h', 'sum(count)'],
    ])
    const days = await per(day, [
      ['raw', 'points', 'count()'],
      ['m1', 'points_1m', 'sum(count)'],
      ['h1', 'points_1h', 'sum(count)'],
      ['d1', 'points_1d', 'sum(count)'],
    ])
    // Series whose latest value is older than their newest raw point.
    const latestBehind = await rows(`SELECT p.indicator, p.region, p.station, p.t, l.t AS latest FROM
      (SELECT indicator, region, station, max(ts) AS t FROM onescreen.points GROUP BY indicator, region, station) AS p
      LEFT JOIN (SELECT indicator, region, station, max(last_ts) AS t FROM onescreen.points_latest GROUP BY indicator, region, station) AS l
      USING (indicator, region, station) WHERE l.t < p.t`)
    return { raw: Number(total!.n), hours, days, latestBehind }
  } finally {
    await storage.close()
  }
}

describe('durability under kill -9', () => {
  it('keeps every acknowledged point when killed right after the reply', async () => {
    const e = env()
    const first = await spawn(e)
    const batch = Array.from({ length: 2000 }, (_, i) => point(i, 'k1'))
    const res = await postIngest(first.url, ndjson(batch))
    expect(res.status).toBe(200)
    expect(res.body.accepted).toBe(2000)
    await first.kill9()
    expect((await storedIds(e.DATA_DIR, batch.map((p) => p.id))).rows).toBe(2000)

    const second = await spawn(e)
    // The restarted server recognises all 2000 ids: they were stored and survived.
    expect(await duplicatesOnRetry(second.url, batch.map((p) => p.id), 'k1')).toBe(2000)
    const admin = readCredentials(e.DATA_DIR).accounts.find((a) => a.role === 'admin')!
    const token = await login(second.url, admin.name, admin.password)
    const health = (await (await fetch(`${second.url}/api/health`, { headers: { authorization: `Bearer ${token}` } })).json()) as { ingest: { accepted: number } }
    expect(health.ingest.accepted).toBe(0)
    await second.terminate()
  })

  it('loses no acknowledged point when killed at an arbitrary moment under load', async () => {
    const e = env()
    const first = await spawn(e)
    const acked: string[] = []
    let sent = 0
    let stop = false
    // Four producers post continuously; the kill lands wherever they are.
    const producers = Array.from({ length: 4 }, async (_, w) => {
      while (!stop) {
        const batch = Array.from({ length: 500 }, () => point(sent++ * 4 + w, 'k2'))
        try {
          const res = await postIngest(first.url, ndjson(batch))
          if (res.status === 200) acked.push(...batch.map((p) => p.id))
        } catch {
          return // the connection died with the server: that request was never acknowledged
        }
      }
    })
    await new Promise((r) => setTimeout(r, 1500))
    await first.kill9()
    stop = true
    await Promise.all(producers)
    expect(acked.length).toBeGreaterThan(1000)

    // Every acknowledged point is stored, and nothing is stored twice (a request
    // in flight at the kill may be stored without having been acknowledged).
    // Ask for every id sent, acknowledged or not.
    const sentIds = Array.from({ length: sent * 4 }, (_, i) => `k2-${i}`)
    const stored = await storedIds(e.DATA_DIR, sentIds)
    expect(acked.filter((id) => !stored.ids.has(id))).toEqual([])
    expect(stored.rows).toBe(stored.ids.size)

    const second = await spawn(e)
    expect(await duplicatesOnRetry(second.url, acked, 'k2')).toBe(acked.length)
    await second.terminate()
  })

  it('keeps every rollup equal to the raw points when killed during inserts, round after round', async () => {
    const e = env()
    const rng = createRng(20261204)
    let sent = 0
    // Each round kills the server at a random moment while four producers post:
    // an insert is running its views nearly all the time, so the kill lands
    // between the commits of its tables in some rounds.
    for (let round = 0; round < 5; round++) {
      const server = await spawn(e)
      let stop = false
      const producers = Array.from({ length: 4 }, async () => {
        while (!stop) {
          const batch = Array.from({ length: 1000 }, () => {
            const s = CRASH_SERIES[Math.floor(rng() * CRASH_SERIES.length)]!
            // Three days back: the points of one insert touch many minutes, hours and days.
            return { ...s, ts: Date.now() - Math.floor(rng() * 3 * 86_400_000), value: Math.round(rng() * 1000), id: `c${round}-${sent++}` }
          })
          try {
            await postIngest(server.url, ndjson(batch))
          } catch {
            return // the server died under the request
          }
        }
      })
      await new Promise((r) => setTimeout(r, 400 + rng() * 1200))
      await server.kill9()
      stop = true
      await Promise.all(producers)
    }
    // The next start checks the rollups; a clean stop, then the store is read.
    const last = await spawn(e)
    expect(await last.terminate()).toBe(0)
    const { raw, hours, days, latestBehind } = await countsPerBucket(e.DATA_DIR)
    expect(raw).toBeGreaterThan(0)
    for (const h of hours) expect(h, `hour ${String(h.b)}`).toEqual({ b: h.b, raw: h.raw, m1: h.raw, h1: h.raw })
    for (const d of days) expect(d, `day ${String(d.b)}`).toEqual({ b: d.b, raw: d.raw, m1: d.raw, h1: d.raw, d1: d.raw })
    expect(days.reduce((n, d) => n + Number(d.d1), 0)).toBe(raw)
    expect(latestBehind).toEqual([])
  }, 120_000)

  it('stops cleanly on SIGTERM, storing what it had accepted', async () => {
    const e = env()
    const first = await spawn(e)
    const res = await postIngest(first.url, ndjson([point(1, 'k3'), point(2, 'k3')]))
    expect(res.body.accepted).toBe(2)
    expect(await first.terminate()).toBe(0)
    expect(first.output()).toMatch(/OneScreen stopped/)
    const second = await spawn(e)
    expect(await duplicatesOnRetry(second.url, ['k3-1', 'k3-2'], 'k3')).toBe(2)
    await second.terminate()
  })

  it('on SIGTERM answers the request under way, stores it, and closes the sockets', async () => {
    const e = env()
    const server = await spawn(e)
    const leader = readCredentials(e.DATA_DIR).accounts.find((a) => a.role === 'leader')!
    const token = await login(server.url, leader.name, leader.password)
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token } })
    const subscribed = await new Promise<{ ok: boolean }>((resolve) => socket.emit('subscribe', { region: '990000' }, resolve))
    expect(subscribed.ok).toBe(true)
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve))
    const ids = Array.from({ length: 20_000 }, (_, i) => `k4-${i}`)
    const posting = postIngest(server.url, ndjson(ids.map((_, i) => point(i, 'k4')))).catch((err: unknown) => err)
    await new Promise((r) => setTimeout(r, 30))
    const exit = server.terminate()
    const reply = await posting
    expect(await exit).toBe(0)
    // The server closed the socket (not the client, not a timeout).
    expect(await disconnected).toBe('io server disconnect')
    // Acknowledged means stored; a request refused during shutdown stored nothing.
    const stored = await storedIds(e.DATA_DIR, ids)
    if (reply instanceof Error || (reply as { status: number }).status !== 200) expect(stored.rows).toBe(0)
    else {
      expect((reply as { body: { accepted: number } }).body.accepted).toBe(ids.length)
      expect(stored.rows).toBe(ids.length)
    }
  })
})
