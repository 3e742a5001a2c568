import express from 'express'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { testCatalog } from '../../test/fixtures/catalog'
import { createLogger } from '../logger'
import type { RankingRow } from '../storage/indicator-queries'
import { errorHandler } from './api-error'
import { finestStep, queryRouter, type ReadQueries } from './query-router'
import { parseInstant } from './validate'
import { account, signedInAs } from '../../test/fixtures/principals'
import { expectReplyMatchesContract } from '../../test/fixtures/reply-contract'

/**
 * The read routes' validation and shaping, over queries that answer with plain
 * arrays and record what they were asked: what reaches storage is checked here,
 * what storage answers is checked in test/integration/query-api.test.ts.
 */

const NOW = Date.parse('2026-11-21T08:00:00Z')
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

const calls: Array<{ method: string; args: unknown }> = []
let rankingRows: RankingRow[] = []
let rankingRunning: 'day' | null = null
const RANKING_BASIS = { kind: 'sameElapsed', current: { from: NOW - 3_600_000, to: NOW }, base: { from: NOW - 86_400_000 - 3_600_000, to: NOW - 86_400_000 }, step: '1m' } as const
let failWith: Error | undefined
const fakeQueries: ReadQueries = {
  async series(args) {
    calls.push({ method: 'series', args })
    if (failWith) throw failWith
    return [{ ts: args.from, value: 1, min: 1, max: 1, count: 1 }]
  },
  async snapshot(args) {
    calls.push({ method: 'snapshot', args })
    return { asOf: null, values: [] }
  },
  async ranking(args) {
    calls.push({ method: 'ranking', args })
    return { rows: rankingRows, running: rankingRunning, basis: { mom: null, yoy: RANKING_BASIS } }
  },
  async changes(args) {
    calls.push({ method: 'changes', args })
    return args.indicators.map((indicator, i) => ({ indicator, running: null, mom: i === 0 ? null : i, yoy: -i, momBasis: null, yoyBasis: null }))
  },
}

let server: http.Server
let url: string
beforeAll(async () => {
  const app = express()
  app.use(signedInAs(account(testCatalog().tree.root.code)))
  app.use('/api', queryRouter(testCatalog(), fakeQueries, { now: () => NOW }))
  app.use(errorHandler(createLogger('silent')))
  server = http.createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  calls.length = 0
  rankingRows = []
  failWith = undefined
})

/** Every reply read here is also held to its route's contract (common/api). */
async function get(path: string) {
  const res = await fetch(`${url}${path}`)
  const body = expectReplyMatchesContract('GET', path, res.status, await res.json())
  return { status: res.status, body: body as Record<string, unknown> & { error?: { code: string; message: string } } }
}

describe('finestStep', () => {
  it.each([
    [3 * HOUR, '1m'],
    [2000 * MIN, '1m'],
    [2000 * MIN + 1, '1h'],
    [30 * DAY, '1h'],
    [2000 * HOUR, '1h'],
    [2 * 365 * DAY, '1d'],
    [3653 * DAY, '1d'],
  ] as const)('a span of %d ms is charted at %s', (span, step) => {
    expect(finestStep(span)).toBe(step)
  })
})

describe('parseInstant', () => {
  it.each([
    ['1795248000000', 1795248000000],
    ['2026-11-21T08:00:00Z', NOW],
    ['2026-11-21T16:00:00+08:00', NOW],
    ['2026-11-21T16:00+0800', NOW],
    // An unencoded "+" arrives as a space.
    ['2026-11-21T16:00:00 08:00', NOW],
    ['2026-11-21T16:00:00.000+08:00', NOW],
  ])('reads %s', (text, ms) => {
    expect(parseInstant(text)).toBe(ms)
  })

  it.each(['2026-11-21T16:00:00', '2026-11-21', 'yesterday', '-5', '1.5', '2026-13-45T99:00:00Z'])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeUndefined()
  })
})

describe('GET /api/series', () => {
  it('defaults to the last 24 hours and charts them by the minute', async () => {
    const res = await get('/api/series?indicator=env.aqi&region=990100')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ indicator: 'env.aqi', region: '990100', step: '1m', from: NOW - DAY, to: NOW })
    expect(calls).toEqual([{ method: 'series', args: { indicator: 'env.aqi', region: '990100', from: NOW - DAY, to: NOW, step: '1m' } }])
  })

  it.each([
    // NOW is 16:00 in Shanghai: the open day began at 00:00 local (16:00 UTC the day before).
    ['1d', `from=${NOW - 30 * DAY}&to=${NOW}&step=1d`, Date.parse('2026-11-20T16:00:00Z')],
    ['1h', `from=${NOW - 2 * DAY}&to=${NOW + 1}&step=1h`, NOW],
    ['1h, with a window ending in the past', `from=${NOW - 2 * DAY}&to=${NOW - DAY}&step=1h`, null],
  ])('says which bucket is still open at %s', async (_name, query, partialFrom) => {
    const res = await get(`/api/series?indicator=env.aqi&region=990100&${query}`)
    expect(res.status).toBe(200)
    expect(res.body.partialFrom).toBe(partialFrom)
  })

  it.each([
    ['30 days', 30 * DAY, '1h'],
    ['3 hours', 3 * HOUR, '1m'],
    ['2 years', 730 * DAY, '1d'],
  ])('chooses the step for %s by itself', async (_name, span, step) => {
    const res = await get(`/api/series?indicator=env.aqi&region=990100&from=${NOW - span}&to=${NOW}`)
    expect(res.status).toBe(200)
    expect(res.body.step).toBe(step)
    expect(calls[0]!.args).toMatchObject({ from: NOW - span, to: NOW, step })
  })

  it('takes ISO-8601 times and an explicit step', async () => {
    const res = await get(`/api/series?indicator=env.aqi&region=990000&from=${encodeURIComponent('2026-11-20T16:00:00+08:00')}&to=2026-11-21T08:00:00Z&step=1h`)
    expect(res.status).toBe(200)
    expect(calls[0]!.args).toEqual({ indicator: 'env.aqi', region: '990000', from: NOW - DAY, to: NOW, step: '1h' })
  })

  it.each([
    ['a step too fine for the range', `from=${NOW - 30 * DAY}&to=${NOW}&step=1m`, 400, 'step_too_fine', /step=1m over this range gives 43200 points, more than the 2000 .* use step=1h/],
    ['from after to', `from=${NOW}&to=${NOW - 1}`, 400, 'bad_query', /from \(.*\) must be before to/],
    ['from equal to to', `from=${NOW}&to=${NOW}`, 400, 'bad_query', /must be before to/],
    ['a span over 10 years', `from=${NOW - 3700 * DAY}&to=${NOW}&step=1d`, 400, 'bad_query', /at most 10 years/],
    ['an unknown step', 'step=5m', 400, 'bad_query', /step must be one of 1m, 1h, 1d \(got "5m"\)/],
    ['a time without a zone', 'from=2026-11-21T08:00:00', 400, 'bad_query', /from must be epoch milliseconds or an ISO-8601 date-time with a zone/],
    ['a misspelt parameter', 'stpe=1h', 400, 'bad_query', /unknown query parameter "stpe" \(allowed: indicator, region, station, from, to, step, format, lang, compareFrom, compareTo, compareStep\)/],
    ['a repeated step', 'step=1h&step=1d', 400, 'bad_query', /step may be given only once/],
  ])('refuses %s', async (_name, extra, status, code, message) => {
    const res = await get(`/api/series?indicator=env.aqi&region=990100&${extra}`)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ ok: false, error: { code } })
    expect(res.body.error!.message).toMatch(message)
    expect(calls).toEqual([])
  })

  it.each([
    ['no indicator', 'region=990100', 400, 'bad_query', 'indicator is required'],
    ['an unknown indicator', 'indicator=env.nope&region=990100', 400, 'unknown_indicator', 'unknown indicator env.nope (GET /api/catalog lists the codes)'],
    ['an unknown region', 'indicator=env.aqi&region=123456', 404, 'unknown_region', 'unknown region 123456 (region); GET /api/regions lists the codes'],
    ['a region that is not a code', 'indicator=env.aqi&region=%20x', 400, 'bad_query', 'region must be a catalog code (letters, digits, "_", ".", ":" or "-")'],
  ])('refuses %s naming it', async (_name, query, status, code, message) => {
    const res = await get(`/api/series?${query}`)
    expect(res.status).toBe(status)
    expect(res.body).toEqual({ ok: false, error: { code, message } })
  })

  it("asks storage for a station's own series, and says whose it is", async () => {
    const res = await get(`/api/series?indicator=env.aqi&region=990100&station=AQ-990101-01&from=${NOW - DAY}&to=${NOW}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ indicator: 'env.aqi', region: '990100', station: 'AQ-990101-01', step: '1m' })
    expect(calls).toEqual([{ method: 'series', args: { indicator: 'env.aqi', region: '990100', station: 'AQ-990101-01', from: NOW - DAY, to: NOW, step: '1m' } }])
  })

  it.each([
    ['an unknown station', 'indicator=env.aqi&region=990101&station=AQ-000000-09', 404, 'unknown_station', 'unknown station AQ-000000-09 (station); GET /api/catalog lists the stations'],
    ['a station outside the region', 'indicator=env.aqi&region=990200&station=AQ-990101-01', 400, 'station_outside_region', 'station AQ-990101-01 stands in region 990101, which is not within region 990200'],
    ['a station of another kind', 'indicator=env.aqi&region=990101&station=TD-990101-001', 400, 'bad_query', 'station TD-990101-001 is one of the traffic stations; env.aqi is measured at air stations'],
    ['a station for a region-reported indicator', 'indicator=biz.online_rate&region=990101&station=AQ-990101-01', 400, 'bad_query', 'indicator biz.online_rate is reported by regions, not measured at stations; leave station out'],
    ['a station that is not a code', 'indicator=env.aqi&region=990101&station=a%20b', 400, 'bad_query', 'station must be a catalog code (letters, digits, "_", ".", ":" or "-")'],
  ])('refuses %s naming it', async (_name, query, status, code, message) => {
    const res = await get(`/api/series?${query}`)
    expect(res.status).toBe(status)
    expect(res.body).toEqual({ ok: false, error: { code, message } })
    expect(calls).toEqual([])
  })

  it('hands a storage failure to the error handler as a generic 500', async () => {
    failWith = new Error('Code: 60. DB::Exception: Table onescreen.points_1m does not exist')
    const res = await get('/api/series?indicator=env.aqi&region=990100')
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ ok: false, error: { code: 'internal', message: 'internal error; it has been logged' } })
  })
})

describe('GET /api/snapshot', () => {
  it('reads indicators given repeated and comma-separated, once each', async () => {
    const res = await get('/api/snapshot?level=county&parent=990100&indicator=env.aqi,traffic.flow&indicator=env.aqi')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ asOf: null, values: [] })
    expect(calls[0]!.args).toEqual({ level: 'county', parent: '990100', indicators: ['env.aqi', 'traffic.flow'] })
  })

  it('reads every indicator when none is named', async () => {
    await get('/api/snapshot?level=city')
    expect(calls[0]!.args).toEqual({ level: 'city', parent: undefined, indicators: undefined })
  })

  it.each([
    ['no level', 'indicator=env.aqi', 400, 'level is required'],
    ['an unknown level', 'level=town', 400, 'level must be one of province, city, county (got "town")'],
    ['unknown indicators', 'level=city&indicator=env.aqi,a.b,c.d', 400, 'unknown indicators a.b, c.d (GET /api/catalog lists the codes)'],
    ['an empty indicator list', 'level=city&indicator=,', 400, 'indicator, when given, must name at least one indicator code'],
    ['an unknown parent', 'level=city&parent=770000', 404, 'unknown region 770000 (parent); GET /api/regions lists the codes'],
  ])('refuses %s', async (_name, query, status, message) => {
    const res = await get(`/api/snapshot?${query}`)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ ok: false, error: { message } })
    expect(calls).toEqual([])
  })
})

describe('GET /api/ranking', () => {
  const row = (region: string, value: number): RankingRow => ({ region, value, ts: NOW, mom: null, yoy: 1.5 })

  it('cuts the best-first rows into top and bottom with names and shared ranks', async () => {
    rankingRows = [row('990101', 9), row('990102', 7), row('990200', 7), row('990100', 3)]
    rankingRunning = 'day'
    const res = await get('/api/ranking?indicator=env.aqi&level=county&limit=2')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      indicator: 'env.aqi',
      level: 'county',
      parent: null,
      better: 'lower',
      top: [
        { ...row('990101', 9), name: { zh: '东区', en: 'East District' }, rank: 1 },
        { ...row('990102', 7), name: { zh: '西区', en: 'West District' }, rank: 2 },
      ],
      bottom: [
        { ...row('990200', 7), name: { zh: '乙市', en: 'Yi' }, rank: 2 },
        { ...row('990100', 3), name: { zh: '甲市', en: 'Jia' }, rank: 4 },
      ],
      all: 4,
      // What the changes compare, as the queries say: the screens label the changes with it.
      running: 'day',
      momBasis: null,
      yoyBasis: RANKING_BASIS,
    })
    expect(calls[0]!.args).toEqual({ indicator: 'env.aqi', level: 'county', parent: undefined, now: NOW })
  })

  it('shows five at each end unless told otherwise', async () => {
    rankingRows = Array.from({ length: 12 }, (_, i) => row('990101', 100 - i))
    const res = await get('/api/ranking?indicator=env.aqi&level=county&parent=990000')
    const ranks = (list: unknown) => (list as Array<{ rank: number }>).map((r) => r.rank)
    expect(ranks(res.body.top)).toEqual([1, 2, 3, 4, 5])
    expect(ranks(res.body.bottom)).toEqual([8, 9, 10, 11, 12])
    expect(res.body).toMatchObject({ parent: '990000', all: 12 })
  })

  it.each([
    ['a limit that is not a number', 'limit=ten', 'limit must be a whole number from 1 to 50, got "ten"'],
    ['a limit over 50', 'limit=51', 'limit must be a whole number from 1 to 50, got "51"'],
    ['a limit of 0', 'limit=0', 'limit must be a whole number from 1 to 50, got "0"'],
    ['two unknown parameters', 'top=3&sort=asc', 'unknown query parameters "top", "sort" (allowed: indicator, level, parent, limit)'],
  ])('refuses %s', async (_name, extra, message) => {
    const res = await get(`/api/ranking?indicator=env.aqi&level=city&${extra}`)
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ ok: false, error: { code: 'bad_query', message } })
  })
})

describe('GET /api/changes', () => {
  it("answers one region's changes of several indicators in one request, in the order asked", async () => {
    const res = await get('/api/changes?region=990100&indicator=traffic.flow,env.aqi')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      region: '990100',
      changes: [
        { indicator: 'traffic.flow', running: null, mom: null, yoy: 0, momBasis: null, yoyBasis: null },
        { indicator: 'env.aqi', running: null, mom: 1, yoy: -1, momBasis: null, yoyBasis: null },
      ],
    })
    expect(calls).toEqual([{ method: 'changes', args: { region: '990100', indicators: ['traffic.flow', 'env.aqi'], now: NOW } }])
  })

  it.each([
    ['no region', 'indicator=env.aqi', 400, 'region is required'],
    ['no indicator', 'region=990100', 400, 'indicator is required'],
    ['an empty indicator list', 'region=990100&indicator=,', 400, 'indicator must name from 1 to 100 indicator codes'],
    ['an unknown indicator', 'region=990100&indicator=env.aqi,a.b', 400, 'unknown indicator a.b (GET /api/catalog lists the codes)'],
    ['too many indicators', `region=990100&indicator=${Array.from({ length: 101 }, (_, i) => `env.x${i}`).join(',')}`, 400, 'indicator must name from 1 to 100 indicator codes'],
    ['an unknown region', 'region=770000&indicator=env.aqi', 404, 'unknown region 770000 (region); GET /api/regions lists the codes'],
  ])('refuses %s', async (_name, query, status, message) => {
    const res = await get(`/api/changes?${query}`)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ ok: false, error: { message } })
    expect(calls).toEqual([])
  })
})
