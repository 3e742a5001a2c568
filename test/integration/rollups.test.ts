import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PointBatch } from '../../common/point-batch'
import { createRng } from '../../common/random'
import { hashId, idHashColumns, idHashToDecimal } from '../../ingest/id-hash'
import { createLogger } from '../../server/logger'
import { PointStore } from '../../server/storage/point-store'
import { repairRollups } from '../../server/storage/rollup-repair'
import { tableNames } from '../../server/storage/tables'
import type { Point } from '../../common/point'
import { startTestServer, type TestServer } from './harness'

/**
 * The rollups (1 minute, 1 hour, 1 day, latest) are fed by materialized views.
 * They must equal the same aggregates computed from the raw points — before
 * and after the engine merges their parts.
 */

let server: TestServer
const NOW = Date.now()
const SERIES = [
  { indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01' },
  { indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01' },
  { indicator: 'traffic.flow', region: '990102', station: 'TD-990102-001' },
  { indicator: 'biz.new_entities', region: '990101', station: '' },
  { indicator: 'biz.new_entities', region: '990200', station: '' },
]
const generated: Point[] = []

async function rows(query: string): Promise<Array<Record<string, unknown>>> {
  const rs = await server.storage.client.query({ query, format: 'JSONEachRow' })
  return rs.json()
}

beforeAll(async () => {
  server = await startTestServer()
  const rng = createRng(20261121)
  // Three days of irregular points, sent in shuffled batches so that one bucket's
  // points land in several inserts (several parts) and arrive out of order.
  for (const s of SERIES) {
    let ts = NOW - 3 * 86_400_000
    while (ts < NOW - 1000) {
      ts += 1 + Math.floor(rng() * 20 * 60_000)
      if (ts >= NOW) break
      generated.push({ ...s, ts, value: Math.round(rng() * 400 * 100) / 100 })
    }
  }
  const shuffled = [...generated].sort(() => rng() - 0.5)
  for (let i = 0; i < shuffled.length; i += 97) {
    const batch = shuffled.slice(i, i + 97).map(({ station, ...p }) => (station ? { ...p, station } : p))
    const result = await server.pipeline.ingestValues(batch, 'test')
    expect(result.rejected).toBe(0)
  }
})
afterAll(async () => {
  await server?.stop()
})

const bucketOf: Record<string, string> = {
  points_1m: 'toStartOfMinute(ts)',
  points_1h: 'toStartOfHour(ts)',
  points_1d: "toDateTime(toStartOfDay(ts, 'Asia/Shanghai'), 'UTC')",
}

async function compare(table: string) {
  const fromRollup = await rows(`
    SELECT indicator, region, station, ts AS bucket, sum(sum) AS s, sum(count) AS c, min(min) AS lo, max(max) AS hi,
      argMaxMerge(last) AS last, max(last_ts) AS last_ts
    FROM onescreen.${table} GROUP BY indicator, region, station, bucket ORDER BY indicator, region, station, bucket`)
  const fromRaw = await rows(`
    SELECT indicator, region, station, ${bucketOf[table]} AS bucket, sum(value) AS s, count() AS c, min(value) AS lo, max(value) AS hi,
      argMax(value, ts) AS last, max(ts) AS last_ts
    FROM onescreen.points GROUP BY indicator, region, station, bucket ORDER BY indicator, region, station, bucket`)
  expect(fromRollup.length).toBe(fromRaw.length)
  fromRollup.forEach((r, i) => {
    const raw = fromRaw[i]!
    expect({ ...r, s: undefined }).toEqual({ ...raw, s: undefined })
    // Sums are added in a different order in the two paths.
    expect(r.s as number).toBeCloseTo(raw.s as number, 6)
  })
  return fromRollup
}

describe('rollups', () => {
  it.each(['points_1m', 'points_1h', 'points_1d'])('%s equals the aggregates of the raw points', async (table) => {
    const result = await compare(table)
    expect(result.reduce((n, r) => n + Number(r.c), 0)).toBe(generated.length)
  })

  it('daily buckets start at local midnight', async () => {
    const [first] = await rows(`SELECT toString(min(ts), 'Asia/Shanghai') AS t FROM onescreen.points_1d`)
    expect(first!.t).toMatch(/ 00:00:00$/)
  })

  it('still equals them after the engine merges parts', async () => {
    for (const t of ['points_1m', 'points_1h', 'points_1d', 'points_latest']) {
      await server.storage.client.command({ query: `OPTIMIZE TABLE onescreen.${t} FINAL` })
    }
    for (const t of ['points_1m', 'points_1h', 'points_1d']) await compare(t)
  })

  it('keeps the latest value of every series by event time', async () => {
    const latest = await rows(`
      SELECT indicator, region, station, argMaxMerge(last) AS value, max(last_ts) AS ts
      FROM onescreen.points_latest GROUP BY indicator, region, station ORDER BY indicator, region, station`)
    const expected = SERIES.map((s) => {
      const last = generated.filter((p) => p.indicator === s.indicator && p.region === s.region && p.station === s.station).sort((a, b) => b.ts - a.ts)[0]!
      return { ...s, value: last.value, ts: new Date(last.ts).toISOString().replace('T', ' ').replace('Z', '') }
    }).sort((a, b) => (a.indicator + a.region + a.station).localeCompare(b.indicator + b.region + b.station))
    expect(latest).toEqual(expected)
  })
})

describe('the start-time check after an insert cut short between its views', () => {
  /** Ingests points with a view of the chain detached, as a kill between two commits leaves them. */
  async function ingestWithout(views: string[], points: Point[]) {
    for (const v of views) await server.storage.client.command({ query: `DETACH TABLE onescreen.${v}` })
    try {
      const result = await server.pipeline.ingestValues(points.map(({ station, ...p }) => (station ? { ...p, station } : p)), 'test')
      expect(result.rejected).toBe(0)
    } finally {
      for (const v of views) await server.storage.client.command({ query: `ATTACH TABLE onescreen.${v}` })
    }
    generated.push(...points)
  }

  async function totals() {
    const [row] = await rows(`SELECT (SELECT count() FROM onescreen.points) AS raw, (SELECT sum(count) FROM onescreen.points_1m) AS m1,
      (SELECT sum(count) FROM onescreen.points_1h) AS h1, (SELECT sum(count) FROM onescreen.points_1d) AS d1`)
    return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]))
  }

  it('completes each rollup from the level below, and the latest values, and then finds nothing more to do', async () => {
    const rng = createRng(20261204)
    const make = (n: number, newest: boolean) =>
      Array.from({ length: n }, (_, i) => ({
        ...SERIES[i % SERIES.length]!,
        // Spread over the three days, or newer than anything stored (the latest values then lag).
        ts: newest ? NOW - 500 + i : NOW - 1000 - Math.floor(rng() * 3 * 86_400_000),
        value: Math.round(rng() * 40_000) / 100,
      }))
    await ingestWithout(['points_1h_mv'], make(300, false))
    await ingestWithout(['points_1d_mv', 'points_latest_mv'], make(SERIES.length, true))
    await ingestWithout(['points_1m_mv'], make(200, false))
    const before = await totals()
    expect(before).toEqual({ raw: generated.length, m1: generated.length - 200, h1: generated.length - 500, d1: generated.length - 500 - SERIES.length })

    const report = await repairRollups(server.storage.client, tableNames('onescreen'), { timeZone: 'Asia/Shanghai', rawRetentionDays: 90 }, createLogger('silent'))
    expect(report.missing).toEqual({ '1m': 200, '1h': 300, '1d': SERIES.length })
    expect(report.latest).toBe(SERIES.length)
    for (const t of ['points_1m', 'points_1h', 'points_1d']) await compare(t)
    const behind = await rows(`SELECT indicator, region, station FROM
      (SELECT indicator, region, station, max(ts) AS t FROM onescreen.points GROUP BY indicator, region, station) AS p
      LEFT JOIN (SELECT indicator, region, station, argMaxMerge(last) AS v, max(last_ts) AS t FROM onescreen.points_latest GROUP BY indicator, region, station) AS l
      USING (indicator, region, station) WHERE l.t != p.t`)
    expect(behind).toEqual([])

    const again = await repairRollups(server.storage.client, tableNames('onescreen'), { timeZone: 'Asia/Shanghai', rawRetentionDays: 90 }, createLogger('silent'))
    expect(again.repaired).toEqual({ '1m': 0, '1h': 0, '1d': 0 })
    expect(again.latest).toBe(0)
  })
})

describe('the encodings ingest inserts', () => {
  // By column on the embedded engine (what the server uses), as TSV on a ClickHouse server (forced here).
  it.each(['columns', 'tsv'] as const)('are read back by the engine exactly, %s: codes, times, values, id hashes, sources', async (encoding) => {
    expect(typeof server.storage.insertColumns).toBe('function')
    const table = `onescreen.points_codec_${encoding}`
    await server.storage.client.command({ query: `CREATE TABLE ${table} AS onescreen.points` })
    const storage = encoding === 'columns' ? server.storage : { ...server.storage, insertColumns: undefined }
    const store = new PointStore(storage, { ...tableNames('onescreen'), points: table })
    const values = [0, -0.5, 1e-7, 123.456, 0.1 + 0.2, 1767, -1_000_000_007, 2 ** 53, 1.5e300, 5e-324]
    const points = values.map((value, i) => ({
      // Hours apart, well inside the raw retention (older rows may be dropped by its TTL).
      ts: NOW - i * 3_600_007,
      indicator: i % 2 ? 'traffic.flow' : 'env.aqi',
      // Text TSV must escape, and text beyond ASCII.
      region: i === 3 ? 'r\tx\\y' : '990101',
      station: i === 4 ? '站点-一' : '',
      value,
      ...(i % 3 ? { id: `id-${i}` } : {}),
    }))
    // Two requests in one insert, each with its own source and time of receipt.
    const parts = [
      { points: points.slice(0, 6), source: 'test', received: NOW + 1 },
      { points: points.slice(6), source: 'replay', received: NOW + 2 },
    ] as const
    await store.insertPoints(parts.map((p) => ({ batch: new PointBatch(p.points), source: p.source, received: p.received, ids: idHashColumns(p.points) })))
    const back = await rows(`SELECT indicator, region, station, toUnixTimestamp64Milli(ts) AS ts, value, toString(id_hash) AS id, source,
      toUnixTimestamp64Milli(received) AS received FROM ${table} ORDER BY ts DESC`)
    expect(back).toEqual(
      parts.flatMap(({ points: some, source, received }) =>
        some.map((p) => ({
          indicator: p.indicator,
          region: p.region,
          station: p.station,
          ts: p.ts,
          value: p.value,
          id: p.id === undefined ? '0' : idHashToDecimal(hashId(p.id)),
          source,
          received,
        })),
      ),
    )
  })
})
