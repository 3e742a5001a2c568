import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { idHashes, keyProducer, ndjson, postIngest, startTestServer, type TestServer } from './harness'

/**
 * The same contract against a ClickHouse server: runs when CLICKHOUSE_URL (and
 * optionally CLICKHOUSE_USER, CLICKHOUSE_PASSWORD) is set, in a database of its
 * own that it drops afterwards. Without a server these tests are skipped, and
 * say so.
 */

const url = process.env.CLICKHOUSE_URL
if (!url) console.warn('remote ClickHouse contract tests SKIPPED: set CLICKHOUSE_URL to run them against a server')

describe.skipIf(!url)('against a ClickHouse server (CLICKHOUSE_URL)', () => {
  const database = `onescreen_test_${process.pid}`
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer({ CLICKHOUSE_URL: url!, CLICKHOUSE_DATABASE: database })
  })
  afterAll(async () => {
    if (!server) return
    await server.storage.client.command({ query: `DROP DATABASE IF EXISTS ${database}` })
    await server.stop()
  })

  it('reports remote storage in health', async () => {
    const body = (await (await server.fetch('/api/health')).json()) as { storage: { mode: string; ok: boolean } }
    expect(body.storage).toEqual({ mode: 'remote', ok: true })
  })

  it('stores points before replying, dedupes ids and rolls up', async () => {
    const now = Date.now()
    const points = [0, 1, 2].map((i) => ({ ts: now - i * 1000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 50 + i, id: `remote-${i}` }))
    expect((await postIngest(server.url, ndjson(points))).body).toMatchObject({ accepted: 3 })
    expect((await postIngest(server.url, ndjson(points))).body).toMatchObject({ accepted: 0, duplicates: 3 })
    const rs = await server.storage.client.query({
      query: `SELECT (SELECT count() FROM ${database}.points WHERE id_hash IN arrayMap(x -> toUInt64(x), {ids:Array(String)})) AS raw,
        (SELECT sum(count) FROM ${database}.points_1m WHERE station = 'AQ-990101-01') AS minute`,
      query_params: { ids: idHashes(points.map((p) => p.id), keyProducer(server.credentials.ingestKey)) },
      format: 'JSONEachRow',
    })
    expect(await rs.json()).toEqual([{ raw: '3', minute: '3' }])
  })

  it('keeps rejects with their reason', async () => {
    const res = await postIngest(server.url, ndjson([{ ts: Date.now(), indicator: 'env.nope', region: '990101', value: 1 }]))
    expect(res.body).toMatchObject({ rejected: 1, errors: [{ field: 'indicator' }] })
    const rs = await server.storage.client.query({ query: `SELECT reason FROM ${database}.rejects`, format: 'JSONEachRow' })
    expect(await rs.json()).toEqual([{ reason: 'unknown indicator "env.nope"' }])
  })
})
