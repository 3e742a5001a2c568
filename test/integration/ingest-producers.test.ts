import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { idHashes, keyProducer, ndjson, postIngest, startTestServer, tempDir, type TestServer } from './harness'

/**
 * Producer ids belong to their producer (an ingest key, a signed-in account):
 * over HTTP on the real server, and across a restart on the same data, whose
 * dedupe window is refilled from the stored id hashes. (Its own file: the
 * embedded engine opens one data directory per process.)
 */

const now = Date.now()
const aqi = (value: unknown, extra: object = {}) => ({ ts: now - 60_000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value, ...extra })

describe('ids of different producers', () => {
  const env = { DATA_DIR: tempDir('producers'), CATALOG_DIR: writeTestCatalogDir() }
  let running: TestServer | undefined
  afterAll(async () => {
    await running?.stop()
    fs.rmSync(env.DATA_DIR, { recursive: true, force: true })
    fs.rmSync(env.CATALOG_DIR, { recursive: true, force: true })
  })

  const cityPoint = ndjson([aqi(63, { id: 'shared-1' })])
  const elsewhere = (value: number) => ndjson([{ ts: now - 60_000, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value, id: 'shared-1' }])
  const asAdmin = async (s: TestServer, body: string) => {
    const res = await s.fetch('/api/ingest', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })
    return (await res.json()) as Record<string, unknown>
  }
  const storedUnder = async (s: TestServer, producers: readonly string[]) => {
    const rs = await s.storage.client.query({
      query: `SELECT count() AS n FROM onescreen.points WHERE id_hash IN arrayMap(x -> toUInt64(x), {ids:Array(String)})`,
      query_params: { ids: producers.flatMap((p) => idHashes(['shared-1'], p)) },
      format: 'JSONEachRow',
    })
    return Number((await rs.json<{ n: string }>())[0]!.n)
  }

  it('are separate points; a retry from the same producer is a duplicate, also after a restart', async () => {
    running = await startTestServer(env)
    const root = { name: 'test', region: running.catalog.tree.root.code }
    // A key for one city, and the demo key for the whole province: two producers that happen to share an id.
    const cityKey = (await running.auth.createKey({ name: 'city-feed', indicators: ['*'], regions: ['990100'] }, root, '')).key
    const provinceKey = running.credentials.ingestKey
    expect((await postIngest(running.url, cityPoint, undefined, cityKey)).body).toMatchObject({ accepted: 1, duplicates: 0 })
    expect((await postIngest(running.url, elsewhere(64), undefined, provinceKey)).body).toMatchObject({ accepted: 1, duplicates: 0 })
    // A signed-in admin is a producer of its own, under its account name.
    expect(await asAdmin(running, elsewhere(65))).toMatchObject({ accepted: 1, duplicates: 0 })

    const retries = async (s: TestServer) => [
      (await postIngest(s.url, cityPoint, undefined, cityKey)).body,
      (await postIngest(s.url, elsewhere(64), undefined, provinceKey)).body,
      await asAdmin(s, elsewhere(65)),
    ]
    const once = { accepted: 0, duplicates: 1 }
    expect(await retries(running)).toMatchObject([once, once, once])
    const producers = [keyProducer(cityKey), keyProducer(provinceKey), 'admin']
    expect(await storedUnder(running, producers)).toBe(3)

    // Restarted on the same data: the dedupe window, refilled from the stored hashes, still tells them apart.
    await running.stop()
    running = undefined
    running = await startTestServer(env)
    expect(await retries(running)).toMatchObject([once, once, once])
    const newKey = (await running.auth.createKey({ name: 'late-feed', indicators: ['*'], regions: ['*'] }, root, '')).key
    expect((await postIngest(running.url, elsewhere(66), undefined, newKey)).body).toMatchObject({ accepted: 1, duplicates: 0 })
    expect(await storedUnder(running, [...producers, keyProducer(newKey)])).toBe(4)
  })
})
