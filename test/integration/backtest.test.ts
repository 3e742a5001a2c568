import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backtestReplySchema } from '../../common/api/rules-api'
import { seriesReplySchema } from '../../common/api/query-api'
import { RuleEngine } from '../../server/alerting/rule-engine'
import { parseRule } from '../../server/alerting/rule-validation'
import { testRuleInput } from '../fixtures/rules'
import { startTestServer, type TestServer } from './harness'

/**
 * POST /api/rules/backtest against the real engine and server: a rule run
 * over the stored history of its scope fires where the live engine, fed the
 * same minute buckets, fires; too large a backtest is a 422 saying why; a bad
 * rule names its field.
 */

let server: TestServer
const MINUTE = 60_000
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE
const FROM = NOW - 6 * 60 * MINUTE
// Two excursions above 200 at the east station: 10 minutes each, hours 2 and 4 of the six.
const excursion = (m: number) => (m >= 120 && m < 130) || (m >= 240 && m < 250)

beforeAll(async () => {
  server = await startTestServer()
  const points: object[] = []
  for (let m = 0; m < 360; m++) {
    points.push({ ts: FROM + m * MINUTE + 5_000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: excursion(m) ? 260 : 80 })
    points.push({ ts: FROM + m * MINUTE + 5_000, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: 60 })
  }
  expect((await server.pipeline.ingestValues(points, 'test')).rejected).toBe(0)
})
afterAll(async () => {
  await server?.stop()
})

const { id: _id, ...rule } = testRuleInput()
const post = (body: unknown, who: 'admin' | 'analyst' = 'admin') =>
  server.fetch('/api/rules/backtest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, who)

describe('POST /api/rules/backtest', () => {
  it('fires where the engine fed the same stored buckets fires', async () => {
    const res = await post({ rule, from: FROM, to: NOW })
    expect(res.status).toBe(200)
    const reply = backtestReplySchema.parse(await res.json())
    expect(reply).toMatchObject({ from: FROM, to: NOW, step: '1m', seriesCount: 2 })
    // Each excursion fires once, at its first minute, on the east station.
    expect(reply.alerts.map((a) => [a.ts, a.station, a.value])).toEqual([
      [FROM + 120 * MINUTE, 'AQ-990101-01', 260],
      [FROM + 240 * MINUTE, 'AQ-990101-01', 260],
    ])

    // The same history read as the analyst reads it, fed to the live engine by hand.
    const series = seriesReplySchema.parse(await (await server.fetch(`/api/series?indicator=env.aqi&region=990101&station=AQ-990101-01&from=${FROM}&to=${NOW}&step=1m`)).json())
    const engine = new RuleEngine(server.catalog, [parseRule({ id: 'by-hand', ...rule }, server.catalog)])
    const fired = series.points.flatMap((p) => engine.observe('env.aqi', '990101', 'AQ-990101-01', p.ts, p.value).filter((e) => e.kind === 'fire').map((e) => e.at))
    expect(reply.alerts.map((a) => a.ts)).toEqual(fired)
    expect(reply.evaluated).toBeGreaterThanOrEqual(2 * 360)
  })

  it('judges region aggregates for a scope of regions, as the live engine does', async () => {
    const res = await post({ rule: { ...rule, scope: { level: 'city' }, condition: { kind: 'threshold', op: 'above', value: 200 } }, from: FROM, to: NOW })
    const reply = backtestReplySchema.parse(await res.json())
    expect(reply.seriesCount).toBe(2)
    // 990100's AQI is its one station's: it fires with it; 990200 never does.
    expect(reply.alerts.map((a) => [a.ts, a.region])).toEqual([
      [FROM + 120 * MINUTE, '990100'],
      [FROM + 240 * MINUTE, '990100'],
    ])
  })

  it('refuses what it cannot run, saying why', async () => {
    const tooLong = await post({ rule, from: NOW - 200 * 86_400_000, to: NOW })
    expect(tooLong.status).toBe(422)
    expect((await tooLong.json()).error).toMatchObject({ code: 'backtest_too_large', message: expect.stringMatching(/spans 200 days; a backtest may cover at most 92 days/) })

    const badRule = await post({ rule: { ...rule, condition: { kind: 'threshold', op: 'above', value: 'high' } } })
    expect(badRule.status).toBe(400)
    expect((await badRule.json()).error.message).toMatch(/rule\.condition\.value/)

    const badRange = await post({ rule, from: 'yesterday' })
    expect(badRange.status).toBe(400)
    expect((await badRange.json()).error.message).toMatch(/from/)

    // Only those who may write rules may backtest them.
    expect((await post({ rule }, 'analyst')).status).toBe(403)
  })
})
