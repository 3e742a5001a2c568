import express from 'express'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Scorecard } from '../../common/scorecard'
import { scorecardReplySchema, type RegionScorecard, type ScorecardReply } from '../../common/scorecard-schema'
import { authenticate } from '../../server/auth/http-auth'
import { errorHandler, notFound } from '../../server/http/api-error'
import { scorecardRouter } from '../../server/http/scorecard-router'
import { createLogger } from '../../server/logger'
import { loadScorecard, SCORECARD_FILE } from '../../server/scorecard/load-scorecard'
import { expectReplyMatchesContract } from '../fixtures/reply-contract'
import { startTestServer, tempDir, type TestServer } from './harness'

/**
 * GET /api/scorecard against the real engine: hand-made points in the test
 * province, the values and year-on-year changes read by the server's own
 * IndicatorQueries, and composite scores checked against numbers worked out
 * by hand below. The router is mounted on a small app of its own with a
 * weights file made for this test, so the arithmetic does not move when the
 * sample weights are retuned.
 */

const DAY = 86_400_000
const NOW = Date.now()
// Local (Asia/Shanghai) midnight today, as the daily rollup buckets it.
const TODAY = Math.floor((NOW + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000
/** A day inside the ranking's current 30-day window, and the same day a year earlier. */
const THIS_YEAR = TODAY - 5 * DAY + 3_600_000
const LAST_YEAR = THIS_YEAR - 365 * DAY

const WEIGHTS = {
  domains: [
    {
      domain: 'business',
      title: { zh: '营商环境指数', en: 'Business environment index' },
      weight: 2,
      indicators: [
        { indicator: 'biz.online_rate', weight: 3 }, // level 95, higher is better, mean
        { indicator: 'biz.startup_days', weight: 1 }, // level 1, lower is better, weighted by new entities
        { indicator: 'biz.new_entities', weight: 1 }, // +5 % a year, higher is better, sum
      ],
    },
    {
      domain: 'environment',
      title: { zh: '生态环境指数', en: 'Environmental quality index' },
      indicators: [
        { indicator: 'env.aqi', weight: 1 }, // level 100, lower is better, mean of stations
        { indicator: 'env.polluter_exceedances', weight: 1 }, // −10 % a year, lower is better, sum
      ],
    },
    {
      domain: 'traffic',
      title: { zh: '交通运行指数', en: 'Traffic performance index' },
      indicators: [
        { indicator: 'traffic.bus_punctuality', weight: 1 }, // level 90, higher is better, mean
        { indicator: 'traffic.congestion_index', weight: 1 }, // never sent: coverage 0.5
      ],
    },
  ],
}

let server: TestServer
let weightsDir: string
let app: { url: string; close(): Promise<void> }
let unconfigured: { url: string; close(): Promise<void> }

function listen(scorecard: Scorecard | null): Promise<{ url: string; close(): Promise<void> }> {
  const a = express()
  // The server's own sign-in: the scorecard is scored within the account's region.
  a.use(authenticate(server.auth))
  a.use('/api', scorecardRouter({ catalog: server.catalog, queries: server.queries, scorecard, now: () => NOW }))
  a.use(notFound)
  a.use(errorHandler(createLogger('silent')))
  const s = http.createServer(a)
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
        close: () => new Promise<void>((done) => s.close(() => done())),
      }),
    ),
  )
}

async function get(query: string, base = app.url): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/scorecard${query}`, { headers: await server.authHeaders() })
  // Every reply read here is also held to its route's contract (common/api).
  const body = expectReplyMatchesContract('GET', `/api/scorecard${query}`, res.status, await res.json())
  return { status: res.status, body: body as Record<string, unknown> }
}

async function scorecardOf(query: string): Promise<ScorecardReply> {
  const { status, body } = await get(query)
  expect(status, JSON.stringify(body)).toBe(200)
  return scorecardReplySchema.parse(body) // the reply keeps its published contract
}

beforeAll(async () => {
  server = await startTestServer()
  weightsDir = tempDir('scorecard')
  fs.writeFileSync(path.join(weightsDir, SCORECARD_FILE), JSON.stringify(WEIGHTS))
  const scorecard = loadScorecard(weightsDir, server.catalog)
  app = await listen(scorecard)
  unconfigured = await listen(null)

  const at = (ts: number, indicator: string, region: string, value: number, station?: string) => ({ ts, indicator, region, value, station })
  const recent = NOW - 60_000
  const points = [
    // East District 990101 (in Jia 990100)
    at(recent, 'biz.online_rate', '990101', 95),
    at(recent, 'biz.startup_days', '990101', 2),
    at(THIS_YEAR, 'biz.new_entities', '990101', 30),
    at(LAST_YEAR, 'biz.new_entities', '990101', 15),
    at(recent, 'env.aqi', '990101', 125, 'AQ-990101-01'),
    at(THIS_YEAR, 'env.polluter_exceedances', '990101', 9),
    at(LAST_YEAR, 'env.polluter_exceedances', '990101', 12),
    at(recent, 'traffic.bus_punctuality', '990101', 81),
    // West District 990102 (in Jia 990100): no environment data
    at(recent, 'biz.online_rate', '990102', 76),
    at(recent, 'biz.startup_days', '990102', 4),
    at(THIS_YEAR, 'biz.new_entities', '990102', 10),
    at(LAST_YEAR, 'biz.new_entities', '990102', 5),
    at(NOW - 10_000, 'traffic.bus_punctuality', '990102', 90),
    // Yi 990200, a city without counties: no start-up time, no traffic data
    at(recent, 'biz.online_rate', '990200', 99),
    at(THIS_YEAR, 'biz.new_entities', '990200', 12),
    at(LAST_YEAR, 'biz.new_entities', '990200', 16),
    at(recent, 'env.aqi', '990200', 50, 'AQ-990200-01'),
    at(THIS_YEAR, 'env.polluter_exceedances', '990200', 11),
    at(LAST_YEAR, 'env.polluter_exceedances', '990200', 10),
  ]
  const result = await server.pipeline.ingestValues(points, 'test')
  expect(result.rejected, JSON.stringify(result.errors)).toBe(0)
  // The days written here are late points for the server's region series (which
  // the ranking's daily means read): recompute them now rather than waiting for
  // the next background compaction.
  await server.regionSeries.runOnce()
})

afterAll(async () => {
  await app?.close()
  await unconfigured?.close()
  await server?.stop()
  if (weightsDir) fs.rmSync(weightsDir, { recursive: true, force: true })
})

const domain = (r: RegionScorecard, code: string) => r.domains.find((d) => d.domain === code)!
const indicator = (r: RegionScorecard, d: string, code: string) => domain(r, d).indicators.find((i) => i.indicator === code)!

describe('GET /api/scorecard', () => {
  it('scores the cities of the province by default, best overall first', async () => {
    const reply = await scorecardOf('')
    expect(reply.asOf).toBe(NOW - 10_000)
    expect(reply.regions.map((r) => r.region)).toEqual(['990200', '990100'])
    const [yi, jia] = reply.regions as [RegionScorecard, RegionScorecard]

    // Jia 990100 — business: online mean(95, 76) = 85.5 → 90; start-up days weighted
    // by new entities (2·30 + 4·10) / 40 = 2.5 → 1/2.5 = 40; new entities 40 against
    // 20 a year ago = +100 % → 100. (3·90 + 40 + 100) / 5 = 82.
    expect(indicator(jia, 'business', 'biz.online_rate')).toMatchObject({ value: 85.5, normalised: expect.closeTo(90, 9), contribution: expect.closeTo(54, 9) })
    expect(indicator(jia, 'business', 'biz.startup_days')).toMatchObject({ value: 2.5, normalised: expect.closeTo(40, 9), contribution: expect.closeTo(8, 9) })
    expect(indicator(jia, 'business', 'biz.new_entities')).toMatchObject({
      value: 40,
      yoy: expect.closeTo(100, 9),
      normalised: 100,
      target: { kind: 'yoyChange', percent: 5 },
      better: 'higher',
      weight: 1,
    })
    expect(domain(jia, 'business')).toMatchObject({ score: expect.closeTo(82, 9), coverage: 1, weight: 2 })
    // environment: AQI 125 → 100/125 = 80; exceedances 9 against 12 = −25 % ≤ −10 % → 100.
    expect(domain(jia, 'environment')).toMatchObject({ score: expect.closeTo(90, 9), coverage: 1 })
    expect(indicator(jia, 'environment', 'env.polluter_exceedances')).toMatchObject({ value: 9, yoy: expect.closeTo(-25, 9), normalised: 100 })
    // traffic: punctuality mean(81, 90) = 85.5 → 95; congestion missing → half the weight.
    expect(domain(jia, 'traffic')).toMatchObject({ score: expect.closeTo(95, 9), coverage: 0.5 })
    expect(indicator(jia, 'traffic', 'traffic.congestion_index')).toMatchObject({ value: null, normalised: null, contribution: null })
    expect(jia.overall).toBeCloseTo((2 * 82 + 90 + 95) / 4, 9) // 87.25
    expect(jia.coverage).toBeCloseTo((2 * 1 + 1 + 0.5) / 4, 9)
    expect(jia.name).toEqual({ zh: '甲市', en: 'Jia' })

    // Yi 990200 — business: online 99 → 100; no start-up time (left out); new entities
    // 12 against 16 = −25 % → 0.75/1.05. (3·100 + 71.43) / 4, coverage 4/5.
    const yiBusiness = (3 * 100 + (100 * 0.75) / 1.05) / 4
    expect(domain(yi, 'business')).toMatchObject({ score: expect.closeTo(yiBusiness, 9), coverage: 0.8 })
    expect(indicator(yi, 'business', 'biz.startup_days')).toMatchObject({ value: null, normalised: null })
    // environment: AQI 50 → 100; exceedances 11 against 10 = +10 % → 0.9/1.1.
    const yiEnvironment = (100 + (100 * 0.9) / 1.1) / 2
    expect(domain(yi, 'environment')).toMatchObject({ score: expect.closeTo(yiEnvironment, 9), coverage: 1 })
    expect(domain(yi, 'traffic')).toMatchObject({ score: null, coverage: 0 })
    expect(yi.overall).toBeCloseTo((2 * yiBusiness + yiEnvironment) / 3, 9) // 92.21: traffic does not count
    expect(yi.coverage).toBeCloseTo((2 * 0.8 + 1 + 0) / 4, 9)
  })

  it('scores the counties of a city', async () => {
    const reply = await scorecardOf('?level=county&parent=990100')
    expect(reply.regions.map((r) => [r.region, r.overall, r.coverage])).toEqual([
      // business (3·100 + 50 + 100)/5 = 90, environment (80 + 100)/2 = 90, traffic 81/90 → 90
      ['990101', expect.closeTo(90, 9), expect.closeTo(0.875, 9)],
      // business (3·80 + 25 + 100)/5 = 73, no environment, traffic 100: (2·73 + 100)/3
      ['990102', expect.closeTo(82, 9), expect.closeTo((2 + 0 + 0.5) / 4, 9)],
    ])
  })

  it('scores one region', async () => {
    const reply = await scorecardOf('?region=990101')
    expect(reply.regions).toHaveLength(1)
    const east = reply.regions[0]!
    expect(east.region).toBe('990101')
    expect(east.domains.map((d) => [d.domain, d.score])).toEqual([
      ['business', expect.closeTo(90, 9)],
      ['environment', expect.closeTo(90, 9)],
      ['traffic', expect.closeTo(90, 9)],
    ])
    expect(indicator(east, 'business', 'biz.new_entities').yoy).toBeCloseTo(100, 9) // 30 against 15
    expect(reply.asOf).toBe(NOW - 60_000)
  })

  it.each([
    ['?levle=city', 400, 'bad_query', 'unknown query parameter "levle"'],
    ['?level=district', 400, 'bad_query', 'level must be one of province, city, county'],
    ['?level=city&level=county', 400, 'bad_query', 'level may be given only once'],
    ['?region=999999', 404, 'unknown_region', 'unknown region 999999'],
    ['?level=county&parent=999999', 404, 'unknown_region', 'unknown region 999999 (parent)'],
    ['?region=990100&level=city', 400, 'bad_query', 'give either region, or level and parent, not both'],
    ['?level=province&parent=990100', 400, 'bad_query', 'no province lies within 990100, which is a city'],
  ])('refuses %s with %d and a message naming the problem', async (query, status, code, message) => {
    const res = await get(query)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ ok: false, error: { code } })
    expect((res.body.error as { message: string }).message).toContain(message)
  })

  it('says so when no weights file is configured', async () => {
    const res = await get('', unconfigured.url)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ ok: false, error: { code: 'scorecard_not_configured' } })
    expect((res.body.error as { message: string }).message).toContain('scorecard.json')
  })
})
