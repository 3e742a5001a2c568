import express from 'express'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localIso } from '../../common/series-csv'
import { errorHandler } from '../../server/http/api-error'
import { geoRouter } from '../../server/http/geo-router'
import { createLogger } from '../../server/logger'
import { testCatalog, TEST_REGIONS, TEST_STATIONS } from '../fixtures/catalog'
import { account, signedInAs } from '../fixtures/principals'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { expectReplyMatchesContract } from '../fixtures/reply-contract'
import { startTestServer, tempDir, type TestServer } from './harness'

/**
 * The read API — regions, boundaries, series, snapshot, ranking — against the
 * real server on the real embedded engine: answers equal the aggregates worked
 * out by hand from the points ingested here, and every bad query is refused in
 * the error envelope with a message naming the problem.
 */

let server: TestServer
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const NOW = Date.now()
// The server's zone (Asia/Shanghai, no DST): a local day starts at 16:00 UTC.
const localDayStart = (ts: number) => Math.floor((ts + 8 * HOUR) / DAY) * DAY - 8 * HOUR
const TODAY = localDayStart(NOW)
// Two minutes ten minutes into an hour about three hours ago: one hour bucket, one local day.
const T0 = Math.floor((NOW - 3 * HOUR) / HOUR) * HOUR + 10 * MIN
const T1 = T0 + MIN

// Traffic flow at the two detectors of city 990100 (one per county).
const FLOW = {
  east: [[T0 + 5_000, 100], [T0 + 35_000, 300], [T1 + 20_000, 400]],
  west: [[T0 + 10_000, 1000], [T1 + 5_000, 600], [T1 + 40_000, 800]],
} as const
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
const valuesIn = (points: ReadonlyArray<readonly [number, number]>, from: number, to: number) => points.filter(([ts]) => ts >= from && ts < to).map(([, v]) => v)

// AQI at one station in each city; the online service rate on counties and the leaf city.
const AQI = { '990100': 120, '990200': 80 } as const
const ONLINE_RATE = { '990101': 95, '990102': 90, '990200': 70 } as const
// Monitored households per county (a level, not a running count): daily values for the ranking windows, then today's.
const ENTITIES = {
  '990101': { cur: 110, mom: 100, yoy: 50, today: 7 },
  '990102': { cur: 60, mom: 80, yoy: 60, today: 9 },
} as const

// A second air station in 990101 (this file's catalog only), and PM2.5 at both
// of its stations: the county's series is their mean, each station's its own.
const SECOND_AIR_STATION = { code: 'AQ-990101-02', kind: 'air', region: '990101', name: { zh: '东区二站', en: 'East Station 2' }, location: [113.39, 23.09] } as const
const PM25 = {
  'AQ-990101-01': [[T0 + 5_000, 30], [T0 + 40_000, 50], [T1 + 10_000, 70]],
  'AQ-990101-02': [[T0 + 20_000, 200], [T1 + 30_000, 300]],
} as const
// Speed is weighted by flow (FLOW above): a detector's own series is its readings alone.
const SPEED = {
  'TD-990101-001': [[T0 + 5_000, 40], [T0 + 35_000, 60]],
  'TD-990102-001': [[T0 + 10_000, 90]],
} as const

let catalogDir: string
beforeAll(async () => {
  catalogDir = writeTestCatalogDir()
  fs.writeFileSync(path.join(catalogDir, 'stations.json'), JSON.stringify({ stations: [...TEST_STATIONS, SECOND_AIR_STATION] }))
  server = await startTestServer({ CATALOG_DIR: catalogDir })
  const points: object[] = []
  for (const [station, readings] of Object.entries(PM25))
    for (const [ts, value] of readings) points.push({ ts, indicator: 'env.pm25', region: '990101', station, value })
  for (const [station, readings] of Object.entries(SPEED))
    for (const [ts, value] of readings) points.push({ ts, indicator: 'traffic.speed', region: station.slice(3, 9), station, value })
  for (const [ts, value] of FLOW.east) points.push({ ts, indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001', value })
  for (const [ts, value] of FLOW.west) points.push({ ts, indicator: 'traffic.flow', region: '990102', station: 'TD-990102-001', value })
  points.push({ ts: NOW - 30_000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: AQI['990100'] })
  points.push({ ts: NOW - 30_000, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: AQI['990200'] })
  for (const [region, value] of Object.entries(ONLINE_RATE)) points.push({ ts: NOW - 20_000, indicator: 'biz.online_rate', region, value })
  for (const [region, e] of Object.entries(ENTITIES)) {
    // Stamped in the last second of day d before today: d 1–30 is the current
    // window, 31–60 the month before, 366–395 the same window a year earlier.
    const day = (d: number, value: number) => points.push({ ts: TODAY - (d - 1) * DAY - 1000, indicator: 'pov.monitored_households', region, value })
    for (let d = 1; d <= 30; d++) day(d, e.cur)
    for (let d = 31; d <= 60; d++) day(d, e.mom)
    for (let d = 366; d <= 395; d++) day(d, e.yoy)
    points.push({ ts: NOW - 10_000, indicator: 'pov.monitored_households', region, value: e.today })
  }
  const result = await server.pipeline.ingestValues(points, 'test')
  expect(result).toMatchObject({ rejected: 0, accepted: points.length })
  // Every point here is late for the region series (storage was empty at start,
  // so their watermark is already near now): closed buckets are answered from
  // them once recomputed. Two runs: the first may have started before the ingest.
  await server.regionSeries.runOnce()
  await server.regionSeries.runOnce()
})
afterAll(async () => {
  await server?.stop()
  if (catalogDir) fs.rmSync(catalogDir, { recursive: true, force: true })
})

/** Every reply read here is also held to its route's contract (common/api). */
async function get(pathAndQuery: string) {
  const res = await server.fetch(pathAndQuery)
  const body = expectReplyMatchesContract('GET', pathAndQuery, res.status, await res.json())
  return { status: res.status, headers: res.headers, body: body as Record<string, unknown> & { error?: { code: string; message: string } } }
}

/** node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests. */
async function revalidate(url: string, etag: string): Promise<number | undefined> {
  const auth = await server.authHeaders()
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { ...auth, 'if-none-match': etag } }, (r) => {
        r.resume()
        resolve(r.statusCode)
      })
      .on('error', reject)
  })
}

interface Point {
  ts: number
  value: number
  min: number
  max: number
  count: number
}

describe('GET /api/series', () => {
  it('sums the two detectors of a city minute by minute over a 3-hour span', async () => {
    const res = await get(`/api/series?indicator=traffic.flow&region=990100&from=${T0 - HOUR}&to=${T0 + 2 * HOUR}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ indicator: 'traffic.flow', region: '990100', step: '1m', from: T0 - HOUR, to: T0 + 2 * HOUR })
    const expected = [T0, T1].map((m) => {
      const east = valuesIn(FLOW.east, m, m + MIN)
      const west = valuesIn(FLOW.west, m, m + MIN)
      // Each detector's mean in the minute (temporal rule), summed (spatial rule).
      return { ts: m, value: mean(east) + mean(west), min: Math.min(...east, ...west), max: Math.max(...east, ...west), count: east.length + west.length }
    })
    expect(res.body.points).toEqual(expected)
  })

  it('reads one county alone, with ISO-8601 times', async () => {
    const from = encodeURIComponent(new Date(T0).toISOString().replace('Z', '+00:00'))
    // An unencoded "+" arrives as a space and is still read as the zone.
    const to = new Date(T0 + 8 * HOUR + 30 * MIN).toISOString().replace(/\.\d+Z$/, '+08:00')
    const res = await get(`/api/series?indicator=traffic.flow&region=990101&from=${from}&to=${to}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ step: '1m', from: T0, to: T0 + 30 * MIN })
    expect((res.body.points as Point[]).map((p) => [p.ts, p.value, p.count])).toEqual([
      [T0, mean(valuesIn(FLOW.east, T0, T1)), 2],
      [T1, mean(valuesIn(FLOW.east, T1, T1 + MIN)), 1],
    ])
  })

  it('charts 30 days by the hour', async () => {
    const res = await get(`/api/series?indicator=traffic.flow&region=990100&from=${NOW - 30 * DAY}`)
    expect(res.status).toBe(200)
    expect(res.body.step).toBe('1h')
    expect(res.body.to).toBeGreaterThanOrEqual(NOW)
    const hour = Math.floor(T0 / HOUR) * HOUR
    const east = FLOW.east.map(([, v]) => v)
    const west = FLOW.west.map(([, v]) => v)
    const points = res.body.points as Point[]
    expect(points.map((p) => [p.ts, p.min, p.max, p.count])).toEqual([[hour, Math.min(...east, ...west), Math.max(...east, ...west), 6]])
    expect(points[0]!.value).toBeCloseTo(mean(east) + mean(west), 9)
  })

  it('charts 2 years by the local day', async () => {
    const res = await get(`/api/series?indicator=pov.monitored_households&region=990000&from=${NOW - 730 * DAY}&to=${NOW}`)
    expect(res.status).toBe(200)
    expect(res.body.step).toBe('1d')
    const points = res.body.points as Point[]
    // 90 days of history and today, each the sum of the two counties' values.
    expect(points).toHaveLength(91)
    const at = (d: number) => points.find((p) => p.ts === TODAY - d * DAY)
    expect(at(1)).toMatchObject({ value: ENTITIES['990101'].cur + ENTITIES['990102'].cur, count: 2 })
    expect(at(45)).toMatchObject({ value: ENTITIES['990101'].mom + ENTITIES['990102'].mom, count: 2 })
    expect(at(380)).toMatchObject({ value: ENTITIES['990101'].yoy + ENTITIES['990102'].yoy, count: 2 })
    expect(points.at(-1)).toMatchObject({ ts: TODAY, value: ENTITIES['990101'].today + ENTITIES['990102'].today })
  })

  it('defaults to the last 24 hours', async () => {
    const res = await get('/api/series?indicator=env.aqi&region=990000')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ step: '1m' })
    expect((res.body.to as number) - (res.body.from as number)).toBe(DAY)
    const minute = Math.floor((NOW - 30_000) / MIN) * MIN
    expect(res.body.points).toEqual([{ ts: minute, value: mean(Object.values(AQI)), min: AQI['990200'], max: AQI['990100'], count: 2 }])
  })
})

describe('GET /api/series of a station', () => {
  const span = `from=${T0 - HOUR}&to=${T0 + 2 * HOUR}`
  const own = (station: keyof typeof PM25, from: number, to: number) => valuesIn(PM25[station], from, to)

  it("gives the station's own readings, not its county's", async () => {
    const res = await get(`/api/series?indicator=env.pm25&region=990101&station=AQ-990101-01&${span}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ indicator: 'env.pm25', region: '990101', station: 'AQ-990101-01', step: '1m' })
    expect(res.body.points).toEqual(
      [T0, T1].map((m) => {
        const v = own('AQ-990101-01', m, m + MIN)
        return { ts: m, value: mean(v), min: Math.min(...v), max: Math.max(...v), count: v.length }
      }),
    )
    // The county's series over the same span is the two stations' mean: a different line.
    const county = await get(`/api/series?indicator=env.pm25&region=990101&${span}`)
    expect(county.body).not.toHaveProperty('station')
    expect((county.body.points as Point[]).map((p) => p.value)).toEqual(
      [T0, T1].map((m) => mean([mean(own('AQ-990101-01', m, m + MIN)), mean(own('AQ-990101-02', m, m + MIN))])),
    )
  })

  it('reads the other station of the county below its city, by the hour and as CSV', async () => {
    const hour = Math.floor(T0 / HOUR) * HOUR
    const readings = PM25['AQ-990101-02'].map(([, v]) => v)
    const res = await get(`/api/series?indicator=env.pm25&region=990100&station=AQ-990101-02&${span}&step=1h`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ region: '990100', station: 'AQ-990101-02', step: '1h' })
    expect(res.body.points).toEqual([{ ts: hour, value: mean(readings), min: Math.min(...readings), max: Math.max(...readings), count: readings.length }])

    const csv = await server.fetch(`/api/series?indicator=env.pm25&region=990101&station=AQ-990101-02&${span}&step=1h&format=csv`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="env.pm25_AQ-990101-02_1h.csv"')
    // UTF-8 with a byte-order mark (read as bytes: text() would drop it), local time with its offset,
    // the indicator's precision (PM2.5: whole µg/m³), and what the row is, by code and name.
    const bytes = Buffer.from(await csv.arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const [header, row] = bytes.toString('utf8').slice(1).trim().split('\r\n')
    expect(header).toBe('time,indicator,indicator_name,unit,region,region_name,station,station_name,value,min,max,count')
    expect(row).toBe(
      [localIso(hour, 'Asia/Shanghai'), 'env.pm25', '细颗粒物（PM2.5）', 'µg/m³', '990101', '东区', 'AQ-990101-02', SECOND_AIR_STATION.name.zh, Math.round(mean(readings)), Math.min(...readings), Math.max(...readings), readings.length].join(','),
    )
  })

  it('exports the comparison the view shows as columns that read back to the API’s values', async () => {
    const main = { from: TODAY - 30 * DAY, to: TODAY }
    const year = { from: main.from - 365 * DAY, to: main.to - 365 * DAY }
    const base = `/api/series?indicator=pov.monitored_households&region=990100&step=1d`
    const csv = await server.fetch(`${base}&from=${main.from}&to=${main.to}&format=csv&compareFrom=${year.from}&compareTo=${year.to}&compareStep=1d`)
    expect(csv.status).toBe(200)
    const [header, ...rows] = (await csv.text()).trim().split('\r\n').map((line) => line.split(','))
    expect(header!.slice(-3)).toEqual(['compare_time', 'compare_value', 'change_pct'])
    const api = (await get(`${base}&from=${main.from}&to=${main.to}`)).body.points as Array<{ ts: number; value: number }>
    const ago = (await get(`${base}&from=${year.from}&to=${year.to}`)).body.points as Array<{ ts: number; value: number }>
    expect(rows).toHaveLength(api.length)
    expect(ago.length).toBeGreaterThan(0)
    for (const [i, row] of rows.entries()) {
      const then = ago.find((p) => p.ts === api[i]!.ts - 365 * DAY)!
      expect([Date.parse(row[0]!), Number(row[8])]).toEqual([api[i]!.ts, api[i]!.value])
      expect([Date.parse(row[12]!), Number(row[13])]).toEqual([then.ts, then.value])
      expect(Number(row[14])).toBeCloseTo(((api[i]!.value - then.value) / then.value) * 100, 2)
    }
    // Half a comparison is refused, and says what is missing.
    const half = await get(`${base}&from=${main.from}&to=${main.to}&format=csv&compareFrom=${year.from}`)
    expect(half.status).toBe(400)
    expect(half.body.error?.message).toMatch(/compareFrom and compareTo go together/)
  })

  it("gives a weighted indicator's station its own readings, unweighted by others", async () => {
    const res = await get(`/api/series?indicator=traffic.speed&region=990100&station=TD-990101-001&${span}`)
    expect(res.status).toBe(200)
    const readings = SPEED['TD-990101-001'].map(([, v]) => v)
    expect(res.body.points).toEqual([{ ts: T0, value: mean(readings), min: Math.min(...readings), max: Math.max(...readings), count: readings.length }])
  })

  it('is as bounded as a region series', async () => {
    const res = await get(`/api/series?indicator=env.pm25&region=990101&station=AQ-990101-01&from=${NOW - 30 * DAY}&to=${NOW}&step=1m`)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ ok: false, error: { code: 'step_too_fine' } })
  })
})

describe('GET /api/snapshot', () => {
  it('gives the latest value of each asked indicator for each county of a city', async () => {
    const res = await get('/api/snapshot?level=county&parent=990100&indicator=traffic.flow,pov.monitored_households&indicator=traffic.flow')
    expect(res.status).toBe(200)
    const last = (points: ReadonlyArray<readonly [number, number]>) => points.reduce((a, b) => (b[0] > a[0] ? b : a))
    expect(res.body).toEqual({
      asOf: NOW - 10_000,
      values: [
        { indicator: 'pov.monitored_households', region: '990101', value: ENTITIES['990101'].today, ts: NOW - 10_000 },
        { indicator: 'pov.monitored_households', region: '990102', value: ENTITIES['990102'].today, ts: NOW - 10_000 },
        { indicator: 'traffic.flow', region: '990101', value: last(FLOW.east)[1], ts: last(FLOW.east)[0] },
        { indicator: 'traffic.flow', region: '990102', value: last(FLOW.west)[1], ts: last(FLOW.west)[0] },
      ],
    })
  })

  it('aggregates cities by each indicator rule', async () => {
    const res = await get('/api/snapshot?level=city&indicator=biz.online_rate&indicator=env.aqi')
    expect(res.status).toBe(200)
    const values = (res.body.values as Array<{ indicator: string; region: string; value: number }>).map((v) => [v.indicator, v.region, v.value])
    expect(values).toEqual([
      ['biz.online_rate', '990100', mean([ONLINE_RATE['990101'], ONLINE_RATE['990102']])],
      ['biz.online_rate', '990200', ONLINE_RATE['990200']],
      ['env.aqi', '990100', AQI['990100']],
      ['env.aqi', '990200', AQI['990200']],
    ])
  })
})

describe('GET /api/ranking', () => {
  interface Row {
    region: string
    name: { zh: string; en: string }
    value: number
    mom: number | null
    yoy: number | null
    rank: number
  }

  it('ranks lower-is-better AQI with the lowest first', async () => {
    const res = await get('/api/ranking?indicator=env.aqi&level=city')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ indicator: 'env.aqi', level: 'city', parent: null, better: 'lower', all: 2 })
    const top = res.body.top as Row[]
    expect(top.map((r) => [r.rank, r.region, r.value])).toEqual([
      [1, '990200', AQI['990200']],
      [2, '990100', AQI['990100']],
    ])
    expect(top[0]!.name).toEqual(TEST_REGIONS.find((r) => r.code === '990200')!.name)
    // Two regions, limit 5: the bottom is the same two, the worst last.
    expect((res.body.bottom as Row[]).map((r) => r.region)).toEqual(['990200', '990100'])
  })

  it('ranks higher-is-better indicators with the highest first', async () => {
    const res = await get('/api/ranking?indicator=biz.online_rate&level=city&parent=990000')
    expect(res.body).toMatchObject({ better: 'higher', parent: '990000' })
    expect((res.body.top as Row[]).map((r) => [r.region, r.value])).toEqual([
      ['990100', mean([ONLINE_RATE['990101'], ONLINE_RATE['990102']])],
      ['990200', ONLINE_RATE['990200']],
    ])
  })

  it('gives month-on-month and year-on-year change and cuts top and bottom at the limit', async () => {
    const res = await get('/api/ranking?indicator=pov.monitored_households&level=county&parent=990100&limit=1')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ better: 'neither', all: 2, running: null, momBasis: { kind: 'days', step: '1d' }, yoyBasis: { kind: 'days', step: '1d' } })
    const change = (now: number, then: number) => ((now - then) / then) * 100
    const [top, bottom] = [res.body.top as Row[], res.body.bottom as Row[]]
    expect(top).toHaveLength(1)
    expect(bottom).toHaveLength(1)
    // Ranked by the latest value: 990102's 9 before 990101's 7.
    expect(top[0]).toMatchObject({ region: '990102', rank: 1, value: ENTITIES['990102'].today })
    expect(bottom[0]).toMatchObject({ region: '990101', rank: 2, value: ENTITIES['990101'].today })
    for (const row of [...top, ...bottom]) {
      const e = ENTITIES[row.region as keyof typeof ENTITIES]
      expect(row.mom).toBeCloseTo(change(e.cur, e.mom), 9)
      expect(row.yoy).toBeCloseTo(change(e.cur, e.yoy), 9)
    }
  })
})

describe('GET /api/changes', () => {
  it("gives a region's changes of several indicators at once, as its ranking row has them", async () => {
    const res = await get('/api/changes?region=990102&indicator=pov.monitored_households,env.aqi')
    expect(res.status).toBe(200)
    const change = (now: number, then: number) => ((now - then) / then) * 100
    const e = ENTITIES['990102']
    expect(res.body).toMatchObject({ region: '990102' })
    const [entities, aqi] = res.body.changes as Array<{ indicator: string; mom: number | null; yoy: number | null }>
    expect(entities!.indicator).toBe('pov.monitored_households')
    expect(entities!.mom).toBeCloseTo(change(e.cur, e.mom), 9)
    expect(entities!.yoy).toBeCloseTo(change(e.cur, e.yoy), 9)
    // No daily AQI a month and a year ago: no change to show, rather than a made-up one.
    expect(aqi).toMatchObject({ indicator: 'env.aqi', running: null, mom: null, yoy: null })
    const ranking = await get('/api/ranking?indicator=pov.monitored_households&level=county&parent=990100')
    const row = (ranking.body.top as Array<{ region: string; mom: number; yoy: number }>).find((r) => r.region === '990102')!
    expect([entities!.mom, entities!.yoy]).toEqual([row.mom, row.yoy])
  })

  it('says a running value is one, and has no change without a value at the same time the day before', async () => {
    const res = await get('/api/changes?region=990102&indicator=traffic.incidents')
    expect(res.body.changes).toEqual([{ indicator: 'traffic.incidents', running: 'day', mom: null, yoy: null, momBasis: null, yoyBasis: null }])
  })
})

describe('bad queries', () => {
  it.each([
    ['an unknown indicator', '/api/series?indicator=env.nope&region=990100', 400, 'unknown_indicator', /unknown indicator env\.nope/],
    ['an unknown region', '/api/series?indicator=env.aqi&region=123456', 404, 'unknown_region', /unknown region 123456 \(region\)/],
    ['from equal to to', `/api/series?indicator=env.aqi&region=990100&from=${T0}&to=${T0}`, 400, 'bad_query', /from \(.*\) must be before to/],
    ['from after to', `/api/series?indicator=env.aqi&region=990100&from=${T1}&to=${T0}`, 400, 'bad_query', /must be before to/],
    ['an unknown step', '/api/series?indicator=env.aqi&region=990100&step=1w', 400, 'bad_query', /step must be one of 1m, 1h, 1d/],
    ['a step too fine for the span', `/api/series?indicator=env.aqi&region=990100&from=${NOW - 730 * DAY}&step=1h`, 400, 'step_too_fine', /more than the 2000 .* use step=1d/],
    ['a span over 10 years', `/api/series?indicator=env.aqi&region=990100&from=${NOW - 4000 * DAY}`, 400, 'bad_query', /at most 10 years/],
    ['a time that is not one', '/api/series?indicator=env.aqi&region=990100&to=soon', 400, 'bad_query', /to must be epoch milliseconds or an ISO-8601/],
    ['an unknown parameter', '/api/series?indicator=env.aqi&region=990100&form=1', 400, 'bad_query', /unknown query parameter "form"/],
    ['a missing region', '/api/series?indicator=env.aqi', 400, 'bad_query', /region is required/],
    ['an unknown station', '/api/series?indicator=env.aqi&region=990101&station=AQ-999999-01', 404, 'unknown_station', /^unknown station AQ-999999-01 \(station\)/],
    ['a station outside the region', '/api/series?indicator=env.aqi&region=990102&station=AQ-990101-01', 400, 'station_outside_region', /^station AQ-990101-01 stands in region 990101, which is not within region 990102$/],
    ['a station of another kind', '/api/series?indicator=traffic.flow&region=990101&station=AQ-990101-01', 400, 'bad_query', /AQ-990101-01 is one of the air stations; traffic\.flow is measured at traffic stations/],
    ['a station for a region-reported indicator', '/api/series?indicator=biz.online_rate&region=990101&station=AQ-990101-01', 400, 'bad_query', /biz\.online_rate is reported by regions/],
    ['a snapshot of an unknown level', '/api/snapshot?level=town', 400, 'bad_query', /level must be one of province, city, county/],
    ['a snapshot of unknown indicators', '/api/snapshot?level=city&indicator=env.aqi,env.nope', 400, 'unknown_indicator', /unknown indicator env\.nope/],
    ['a snapshot below an unknown parent', '/api/snapshot?level=county&parent=990300', 404, 'unknown_region', /unknown region 990300 \(parent\)/],
    ['a non-numeric limit', '/api/ranking?indicator=env.aqi&level=city&limit=many', 400, 'bad_query', /limit must be a whole number from 1 to 50/],
    ['a ranking without an indicator', '/api/ranking?level=city', 400, 'bad_query', /indicator is required/],
    ['a ranking of an unknown indicator', '/api/ranking?indicator=env.nope&level=city', 400, 'unknown_indicator', /unknown indicator env\.nope/],
    ['changes of an unknown indicator', '/api/changes?region=990100&indicator=env.aqi,env.nope', 400, 'unknown_indicator', /unknown indicator env\.nope/],
    ['changes without a region', '/api/changes?indicator=env.aqi', 400, 'bad_query', /region is required/],
    ['changes of an unknown region', '/api/changes?region=990300&indicator=env.aqi', 404, 'unknown_region', /unknown region 990300 \(region\)/],
    ['changes of too many indicators', `/api/changes?region=990100&indicator=${Array.from({ length: 101 }, (_, i) => `env.x${i}`).join(',')}`, 400, 'bad_query', /indicator must name from 1 to 100 indicator codes/],
  ])('refuses %s', async (_name, url, status, code, message) => {
    const res = await get(url)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ ok: false, error: { code } })
    expect(res.body.error!.message).toMatch(message)
  })
})

describe('GET /api/regions', () => {
  it('serves the region tree with children, cacheable by the browser of the account asking and revalidated by ETag', async () => {
    const res = await get('/api/regions')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toMatch(/^private/)
    expect(res.headers.get('vary')).toMatch(/Cookie.*Authorization/)
    expect(res.body.root).toBe(TEST_REGIONS.find((r) => r.parent === null)!.code)
    const regions = res.body.regions as Array<{ code: string }>
    expect(regions.map((r) => r.code).sort()).toEqual(TEST_REGIONS.map((r) => r.code).sort())
    for (const r of TEST_REGIONS) {
      expect(regions.find((x) => x.code === r.code)).toEqual({
        code: r.code,
        name: r.name,
        level: r.level,
        parent: r.parent,
        centroid: r.centroid,
        children: TEST_REGIONS.filter((c) => c.parent === r.code).map((c) => c.code),
      })
    }
    const etag = res.headers.get('etag')
    expect(etag).toBeTruthy()
    expect(await revalidate(`${server.url}/api/regions`, etag!)).toBe(304)
    expect(await revalidate(`${server.url}/api/regions`, 'W/"stale"')).toBe(200)
  })

  it('refuses query parameters it does not take', async () => {
    const res = await get('/api/regions?level=city')
    expect(res.status).toBe(400)
    expect(res.body.error!.message).toBe('unknown query parameter "level" (this route takes none)')
  })
})

describe('GET /api/geo/:level', () => {
  const codesOf = (body: Record<string, unknown>) => {
    expect(body.type).toBe('FeatureCollection')
    return (body.features as Array<{ properties: { code: string } }>).map((f) => f.properties.code)
  }
  const below = (level: string, ancestor?: string) =>
    TEST_REGIONS.filter((r) => r.level === level && (ancestor === undefined || r.code === ancestor || r.parent === ancestor || TEST_REGIONS.some((p) => p.code === r.parent && p.parent === ancestor)))
      .map((r) => r.code)
      .sort()

  it.each([
    ['province', undefined],
    ['city', undefined],
    ['county', undefined],
    ['county', '990100'],
    ['county', '990000'],
    ['city', '990200'],
    ['county', '990101'],
  ])('gives the %s features below %s', async (level, parent) => {
    const res = await get(`/api/geo/${level}${parent ? `?parent=${parent}` : ''}`)
    expect(res.status).toBe(200)
    expect(codesOf(res.body)).toEqual(below(level, parent))
    expect(below(level, parent).length).toBeGreaterThan(0)
  })

  it('gives an empty collection for the counties of a city that has none', async () => {
    const res = await get('/api/geo/county?parent=990200')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ type: 'FeatureCollection', features: [] })
  })

  it('serves features with their names and polygons, cacheable for an hour by the browser of the account asking', async () => {
    const res = await get('/api/geo/city')
    expect(res.headers.get('cache-control')).toBe('private, max-age=3600')
    expect(res.headers.get('vary')).toMatch(/Cookie.*Authorization/)
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/)
    const feature = (res.body.features as Array<{ properties: Record<string, unknown>; geometry: { type: string; coordinates: number[][][] } }>)[0]!
    const region = TEST_REGIONS.find((r) => r.code === feature.properties.code)!
    expect(feature.properties).toEqual({ code: region.code, name_zh: region.name.zh, name_en: region.name.en, level: 'city', parent: region.parent })
    expect(feature.geometry.type).toBe('Polygon')
    expect(feature.geometry.coordinates[0]).toHaveLength(5)
    const etag = res.headers.get('etag')!
    expect(await revalidate(`${server.url}/api/geo/city`, etag)).toBe(304)
    // Another parent is another body, with its own ETag.
    const other = await get('/api/geo/city?parent=990200')
    expect(other.headers.get('etag')).not.toBe(etag)
  })

  it.each([
    ['an unknown level', '/api/geo/town', 400, 'bad_query', 'level must be one of province, city, county (got "town")'],
    ['an unknown parent', '/api/geo/county?parent=990300', 404, 'unknown_region', 'unknown region 990300 (parent); GET /api/regions lists the codes'],
    ['an unknown parameter', '/api/geo/county?parnet=990100', 400, 'bad_query', 'unknown query parameter "parnet" (allowed: parent)'],
  ])('refuses %s', async (_name, url, status, code, message) => {
    const res = await get(url)
    expect(res.status).toBe(status)
    expect(res.body).toEqual({ ok: false, error: { code, message } })
  })

  it('says so when the catalog has no boundaries, per level', async () => {
    // A catalog with only the province file, and one with no geo/ folder, behind the same router.
    const partial = writeTestCatalogDir()
    fs.rmSync(path.join(partial, 'geo', 'counties'), { recursive: true })
    const bare = tempDir('bare-catalog')
    const app = express()
    // Signed in, province-wide: the router answers by the account's scope.
    app.use(signedInAs(account('990000', 'analyst')))
    app.use('/partial', geoRouter(testCatalog(), partial, createLogger('silent')))
    app.use('/bare', geoRouter(testCatalog(), bare, createLogger('silent')))
    app.use(errorHandler(createLogger('silent')))
    const standalone = http.createServer(app)
    await new Promise<void>((resolve) => standalone.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(standalone.address() as AddressInfo).port}`
    try {
      const bareAnswer = await fetch(`${base}/bare/geo/province`)
      expect(bareAnswer.status).toBe(404)
      expect(await bareAnswer.json()).toEqual({ ok: false, error: { code: 'no_boundaries', message: 'this catalog has no province boundaries: the catalog directory has no geo/ folder' } })
      const counties = await fetch(`${base}/partial/geo/county`)
      expect(counties.status).toBe(404)
      expect(await counties.json()).toEqual({ ok: false, error: { code: 'no_boundaries', message: 'this catalog has no county boundaries: geo/counties/ is not in the catalog directory' } })
      // The levels that are there are still served.
      const cities = await fetch(`${base}/partial/geo/city`)
      expect(cities.status).toBe(200)
      expect(codesOf((await cities.json()) as Record<string, unknown>)).toEqual(below('city'))
    } finally {
      await new Promise<void>((resolve) => standalone.close(() => resolve()))
      fs.rmSync(partial, { recursive: true, force: true })
      fs.rmSync(bare, { recursive: true, force: true })
    }
  })
})
