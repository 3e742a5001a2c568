import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectReplyMatchesContract } from '../fixtures/reply-contract'
import { idHashes, keyProducer, ndjson, postIngest, startTestServer, type TestServer } from './harness'

/**
 * POST /api/ingest against the real server and the real embedded engine: every
 * answer as the contract says, accepted points stored, rejected ones kept.
 */

let server: TestServer
const now = Date.now()
const aqi = (value: unknown, extra: object = {}) => ({ ts: now - 60_000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value, ...extra })

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await server.storage.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}

/** How many points are stored under these ids, as the demo ingest key sent them. */
async function storedCount(ids: readonly string[]): Promise<number> {
  const [counted] = await rows<{ n: string }>(`SELECT count() AS n FROM onescreen.points WHERE id_hash IN arrayMap(x -> toUInt64(x), {ids:Array(String)})`, {
    ids: idHashes(ids, keyProducer(server.credentials.ingestKey)),
  })
  return Number(counted!.n)
}

async function rejectsWithMarker(marker: string) {
  return rows<{ line: number; field: string; reason: string; raw: string; source: string }>(
    `SELECT line, field, reason, raw, source FROM onescreen.rejects WHERE position(raw, {m:String}) > 0 ORDER BY line`,
    { m: marker },
  )
}

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.stop()
})

describe('POST /api/ingest', () => {
  it('stores NDJSON points before replying and keeps each bad line with its reason', async () => {
    const body = ndjson([aqi(55, { id: 'nd-1' }), aqi('high', { id: 'nd-bad' }), aqi(56, { region: '990102', id: 'nd-wrong-region' })]) + '\n{"nd-broken'
    const res = await postIngest(server.url, body)
    expect(res.status).toBe(200)
    expectReplyMatchesContract('POST', '/api/ingest', res.status, res.body)
    expect(res.body).toMatchObject({ accepted: 1, rejected: 3, duplicates: 0 })
    expect(res.body.errors).toEqual([
      { line: 4, field: '', reason: expect.stringMatching(/not valid JSON/) },
      { line: 2, field: 'value', reason: 'value must be a number' },
      { line: 3, field: 'region', reason: 'station AQ-990101-01 stands in region 990101, not 990102' },
    ])
    // Stored before the reply: no waiting, no retrying.
    const stored = await rows<{ value: number; source: string }>(`SELECT value, source FROM onescreen.points WHERE id_hash IN arrayMap(x -> toUInt64(x), {ids:Array(String)})`, { ids: idHashes(['nd-1'], keyProducer(server.credentials.ingestKey)) })
    expect(stored).toEqual([{ value: 55, source: 'http' }])
    const kept = await rejectsWithMarker('nd-')
    expect(kept.map((r) => [r.line, r.field, r.source])).toEqual([
      [2, 'value', 'http'],
      [3, 'region', 'http'],
      [4, '', 'http'],
    ])
    expect(kept[2]!.raw).toBe('{"nd-broken')
  })

  it('accepts a JSON array and CSV with a header', async () => {
    const json = await postIngest(server.url, JSON.stringify([aqi(60, { id: 'arr-1' }), aqi(61, { id: 'arr-2' })]), 'application/json')
    expect(json).toMatchObject({ status: 200, body: { accepted: 2, rejected: 0 } })
    const csv = [
      'ts,indicator,region,station,value,id',
      `${new Date(now - 120_000).toISOString()},env.aqi,990101,AQ-990101-01,70,csv-1`,
      `${now - 60_000},biz.new_entities,990102,,12,csv-2`,
      `${now},biz.new_entities,990102,,NaN,csv-3`,
      `${now},biz.new_entities,990102,,0x10,csv-4`,
      `2026-02-30T00:00:00Z,biz.new_entities,990102,,16,csv-5`,
    ].join('\n')
    const res = await postIngest(server.url, csv, 'text/csv; charset=utf-8')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ accepted: 2, rejected: 3 })
    expect(res.body.errors).toEqual([
      { line: 4, field: 'value', reason: 'value "NaN" is not a decimal number' },
      { line: 5, field: 'value', reason: 'value "0x10" is not a decimal number' },
      { line: 6, field: 'ts', reason: 'ts "2026-02-30T00:00:00Z" is not a real calendar date' },
    ])
    const stored = await rows<{ value: number }>(`SELECT value FROM onescreen.points WHERE id_hash IN arrayMap(x -> toUInt64(x), {ids:Array(String)}) ORDER BY value`, {
      ids: idHashes(['csv-1', 'csv-2', 'arr-1', 'arr-2'], keyProducer(server.credentials.ingestKey)),
    })
    expect(stored.map((r) => r.value)).toEqual([12, 60, 61, 70])
    expect(await storedCount(['csv-4', 'csv-5'])).toBe(0)
    expect((await rejectsWithMarker('csv-')).map((r) => [r.line, r.field])).toEqual([
      [4, 'value'],
      [5, 'value'],
      [6, 'ts'],
    ])
  })

  it('refuses whole, with a 400 that says so, a body with more than 10,000 bad records, keeping them in rejects', async () => {
    const body = [JSON.stringify(aqi(83, { id: 'junk-good' })), ...Array.from({ length: 12_000 }, (_, i) => `junk-${i}`)].join('\n')
    const res = await postIngest(server.url, body)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ ok: false, error: { code: 'bad_body', message: expect.stringMatching(/more than 10000 records .* refused.*nothing of it was stored/) } })
    expect(await storedCount(['junk-good'])).toBe(0)
    const kept = await rows<{ n: string }>(`SELECT count() AS n FROM onescreen.rejects WHERE raw LIKE 'junk-%' OR reason LIKE 'the rest of the body was not read%'`)
    expect(Number(kept[0]!.n)).toBe(10_001)
  })

  it('stores a retried id once', async () => {
    const body = ndjson([aqi(80, { id: 'retry-1' }), aqi(81, { id: 'retry-2' })])
    expect((await postIngest(server.url, body)).body).toMatchObject({ accepted: 2, duplicates: 0 })
    expect((await postIngest(server.url, body)).body).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 })
    expect(await storedCount(['retry-1', 'retry-2'])).toBe(2)
  })

  it('refuses a ts no Date can hold as one bad line: the points around it are stored and a retry finds them', async () => {
    const body = ndjson([aqi(82, { id: 'range-1' }), aqi(83, { id: 'range-ns', ts: 1_732_000_000_000_000_000 }), aqi(84, { id: 'range-2', ts: 8.64e15 + 1 })])
    const res = await postIngest(server.url, body)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ accepted: 1, rejected: 2, duplicates: 0 })
    expect(res.body.errors).toEqual([
      { line: 2, field: 'ts', reason: expect.stringMatching(/^ts out of range: 1732000000000000000 /) },
      { line: 3, field: 'ts', reason: expect.stringMatching(/^ts out of range/) },
    ])
    expect((await rejectsWithMarker('range-')).map((r) => [r.line, r.field])).toEqual([
      [2, 'ts'],
      [3, 'ts'],
    ])
    // The producer drops the bad lines and retries: the point is there, once.
    expect((await postIngest(server.url, ndjson([aqi(82, { id: 'range-1' })]))).body).toMatchObject({ accepted: 0, duplicates: 1 })
    expect(await storedCount(['range-1'])).toBe(1)
  })

  it.each([
    ['a JSON array element', `[${JSON.stringify({ id: 'deep-a' })},${'['.repeat(100_000)}${']'.repeat(100_000)}]`, 'application/json'],
    ['an NDJSON line', `{"id":"deep-n"}\n${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'application/x-ndjson'],
    ['an NDJSON line of braces', `{"id":"deep-o"}\n${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 'application/x-ndjson'],
  ])('refuses %s nested 100 000 deep as a bad record, not the request', async (_name, body, contentType) => {
    const res = await postIngest(server.url, body, contentType)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ accepted: 0, rejected: 2 })
    expect((res.body.errors as Array<{ line: number }>).map((e) => e.line)).toEqual([1, 2])
  })

  it.each([
    ['an unreadable JSON body', '[{"ts":', 'application/json', 400, 'bad_body', /not valid JSON/],
    ['a JSON array opened 100 000 times', '['.repeat(100_000), 'application/json', 400, 'bad_body', /not valid JSON/],
    ['an NDJSON line opened 100 000 times', '['.repeat(100_000), 'application/x-ndjson', 400, 'bad_body', /no line .* is valid JSON/],
    ['a JSON object instead of an array', '{"ts":1}', 'application/json', 400, 'bad_body', /must be an array/],
    ['an empty body', '', 'application/x-ndjson', 400, 'bad_body', /empty/],
    ['NDJSON of which no line parses', '{a\n{b', 'application/x-ndjson', 400, 'bad_body', /no line .* is valid JSON/],
    ['CSV without the value column', 'ts,indicator,region\n1,a,b', 'text/csv', 400, 'bad_body', /missing: value/],
    ['CSV with an unknown column', 'ts,indicator,region,value,colour\n1,a,b,2,red', 'text/csv', 400, 'bad_body', /unknown CSV column "colour"/],
    ['an unsupported content type', 'x', 'text/plain', 415, 'unsupported_media_type', /Content-Type must be one of/],
  ])('refuses %s with a message naming the problem', async (_name, body, contentType, status, code, message) => {
    const res = await postIngest(server.url, body, contentType)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ ok: false, error: { code } })
    expect((res.body.error as { message: string }).message).toMatch(message)
  })

  it('keeps a body that cannot be read at all in the dead letter', async () => {
    await postIngest(server.url, '[{"marker-unreadable":', 'application/json')
    const kept = await rejectsWithMarker('marker-unreadable')
    expect(kept).toHaveLength(1)
    expect(kept[0]!.reason).toMatch(/not valid JSON/)
  })

  it('answers 413 for a body over the limit and stores none of it', async () => {
    const line = JSON.stringify(aqi(90, { id: 'huge' }))
    const body = Array.from({ length: Math.ceil((33 * 1024 * 1024) / line.length) }, () => line).join('\n')
    const res = await postIngest(server.url, body)
    expect(res.status).toBe(413)
    expect(res.body).toMatchObject({ ok: false, error: { code: 'body_too_large', message: expect.stringMatching(/32 MB limit/) } })
    expect(await storedCount(['huge'])).toBe(0)
  })

  it('answers unknown API routes with 404 in the error envelope', async () => {
    const res = await server.fetch('/api/nowhere?x=1')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ ok: false, error: { code: 'not_found', message: 'no route for GET /api/nowhere' } })
    // Without credentials the request is refused before routing: nothing says which routes exist.
    const anonymous = await fetch(`${server.url}/api/nowhere?x=1`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
  })
})

describe('GET /api/health and /api/catalog', () => {
  it('says only whether it is up to anyone, and reports storage and ingest counters to an admin of the whole tree', async () => {
    const anonymous = await fetch(`${server.url}/api/health`)
    expect(anonymous.status).toBe(200)
    expect(await anonymous.json()).toEqual({ status: 'ok' })
    expect(await (await server.fetch('/api/health', {}, 'leader')).json()).toEqual({ status: 'ok' })
    const res = await server.fetch('/api/health', {}, 'admin')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { status: string; storage: object; ingest: { accepted: number; rejected: number } }
    expect(body.status).toBe('ok')
    expect(body.storage).toEqual({ mode: 'embedded', ok: true })
    expect(body.ingest.accepted).toBe(server.pipeline.stats.accepted)
    expect(body.ingest.accepted).toBeGreaterThan(0)
    expect(body.ingest.rejected).toBeGreaterThan(0)
  })

  it('serves the catalog with bilingual names', async () => {
    const res = await server.fetch('/api/catalog')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { indicators: Array<{ code: string; name: { zh: string; en: string } }>; regions: Array<{ code: string; level: string; parent: string | null }> }
    expect(body.indicators.length).toBeGreaterThanOrEqual(24)
    expect(body.indicators.find((i) => i.code === 'env.aqi')!.name).toEqual({ zh: '空气质量指数', en: 'Air quality index (AQI)' })
    expect(body.regions.find((r) => r.code === '990101')).toMatchObject({ level: 'county', parent: '990100' })
    const etag = res.headers.get('etag')
    expect(etag).toBeTruthy()
    // node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests.
    const auth = await server.authHeaders()
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http.get(`${server.url}/api/catalog`, { headers: { ...auth, 'if-none-match': etag! } }, (r) => {
        r.resume()
        resolve(r.statusCode)
      }).on('error', reject)
    })
    expect(status).toBe(304)
  })
})
