import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PointStore, type HistoryValue } from '../../server/storage/point-store'
import { tableNames } from '../../server/storage/tables'
import { startTestServer, type TestServer } from './harness'

/**
 * History goes straight into the rollup of its resolution (the first start's
 * back-fill): by column on the embedded engine, as TSV on a ClickHouse server.
 * Both must land the same values in the same buckets.
 */

let server: TestServer
const DAY = 86_400_000
// Local midnight in Asia/Shanghai (the test server's zone), a few days back: inside every retention.
const MIDNIGHT = Math.floor((Date.now() + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000 - 5 * DAY

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.stop()
})

async function rows(query: string, params: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const rs = await server.storage.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return rs.json()
}

describe('history inserts', () => {
  it.each(['columns', 'tsv'] as const)('land each value in its rollup bucket exactly, %s', async (encoding) => {
    const storage = encoding === 'columns' ? server.storage : { ...server.storage, insertColumns: undefined }
    const store = new PointStore(storage, tableNames('onescreen'))
    const station = `HIST-${encoding}`
    const daily: HistoryValue[] = [0.1 + 0.2, -4.5, 1767, 1e-7].map((value, i) => ({ ts: MIDNIGHT + i * DAY, indicator: 'env.aqi', region: '990101', station, value }))
    // Two values within one hour of the day after: one bucket, summed, and rolled up into that day.
    const hour = MIDNIGHT + 4 * DAY + 3_600_000
    const hourly: HistoryValue[] = [
      { ts: hour + 60_000, indicator: 'env.aqi', region: '990101', station, value: 10 },
      { ts: hour + 120_000, indicator: 'env.aqi', region: '990101', station, value: 30.25 },
    ]
    await store.insertHistory('1d', daily)
    await store.insertHistory('1h', hourly)
    await store.insertHistory('latest', [{ ts: MIDNIGHT + 4 * DAY, indicator: 'env.aqi', region: '990101', station, value: 42.5 }])

    const rollup = (table: string) =>
      rows(
        `SELECT toUnixTimestamp64Milli(toDateTime64(ts, 3)) AS bucket, sum(sum) AS s, sum(count) AS c, min(min) AS lo, max(max) AS hi, argMaxMerge(last) AS last
         FROM onescreen.${table} WHERE station = {station:String} GROUP BY bucket ORDER BY bucket`,
        { station },
      )
    const hourBucket = { s: 40.25, c: 2, lo: 10, hi: 30.25, last: 30.25 }
    expect(await rollup('points_1h')).toEqual([{ bucket: hour, ...hourBucket }])
    expect(await rollup('points_1d')).toEqual([
      ...daily.map((v) => ({ bucket: v.ts, s: v.value, c: 1, lo: v.value, hi: v.value, last: v.value })),
      { bucket: MIDNIGHT + 4 * DAY, ...hourBucket },
    ])
    const latest = await rows(
      `SELECT argMaxMerge(last) AS value, toUnixTimestamp64Milli(max(last_ts)) AS ts FROM onescreen.points_latest WHERE station = {station:String}`,
      { station },
    )
    expect(latest).toEqual([{ value: 42.5, ts: MIDNIGHT + 4 * DAY }])
  })
})
