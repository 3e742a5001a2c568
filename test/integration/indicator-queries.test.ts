import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localDateOf, localMidnight, sameDateYearsEarlier } from '../../common/comparison-periods'
import { IndicatorQueries } from '../../server/storage/indicator-queries'
import { createLogger } from '../../server/logger'
import { RegionSeries } from '../../server/storage/region-series'
import { tableNames } from '../../server/storage/tables'
import { startTestServer, type TestServer } from './harness'

/**
 * The wall's standard reads against the real engine: answers from rollups equal
 * the answers from raw points, and both equal what the aggregation rules say
 * for hand-made data (county → city → province for sum, mean, max-like and
 * weighted indicators).
 */

let server: TestServer
let queries: IndicatorQueries
const DAY = 86_400_000
const NOW = Date.now()
// Local (Asia/Shanghai) midnight today, as the daily rollup buckets it.
const TODAY = Math.floor((NOW + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000
const HOUR = 3_600_000
// Day D, two days ago, whose running values are compared with the day before and a year earlier.
const DAY_D = TODAY - 2 * DAY
const YEAR_BEFORE_D = localMidnight(sameDateYearsEarlier(localDateOf(DAY_D, 'Asia/Shanghai'), 1), 'Asia/Shanghai')

beforeAll(async () => {
  // Raw points are kept long enough here to compute a year-on-year change from them.
  server = await startTestServer({ RAW_RETENTION_DAYS: '800' })
  queries = new IndicatorQueries(server.storage.client, tableNames('onescreen'), server.catalog, 'Asia/Shanghai')
  const points: object[] = []
  const det = (station: string, region: string, flow: number, speed: number, ts: number) => {
    points.push({ ts, indicator: 'traffic.flow', region, station, value: flow }, { ts, indicator: 'traffic.speed', region, station, value: speed })
  }
  // Two detectors in two counties of one city; the later point is the latest.
  det('TD-990101-001', '990101', 1000, 20, NOW - 120_000)
  det('TD-990101-001', '990101', 3000, 30, NOW - 60_000)
  det('TD-990102-001', '990102', 1000, 60, NOW - 90_000)
  // AQI at one station in a county of city 990100 and one in the leaf city 990200.
  points.push({ ts: NOW - 30_000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 80 })
  points.push({ ts: NOW - 30_000, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: 120 })
  // New market entities: daily totals, stamped at the end of each local day, for
  // 400 days: 110 a day in the last 30 days, 100 in the 30 before, 50 a year ago.
  for (let d = 1; d <= 400; d++) {
    const ts = TODAY - (d - 1) * DAY - 1000
    const value = d <= 30 ? 110 : d <= 60 ? 100 : 50
    for (const region of ['990101', '990102']) points.push({ ts, indicator: 'biz.new_entities', region, value })
  }
  points.push({ ts: NOW - 10_000, indicator: 'biz.new_entities', region: '990101', value: 7 })
  points.push({ ts: NOW - 10_000, indicator: 'biz.new_entities', region: '990102', value: 9 })
  // Households at risk (a level, compared by its daily means): 110 in the last 30 days, 100 before, 50 a year ago.
  for (let d = 1; d <= 400; d++) {
    const ts = TODAY - d * DAY + 12 * HOUR
    const value = d <= 30 ? 110 : d <= 60 ? 100 : 50
    for (const region of ['990101', '990102']) points.push({ ts, indicator: 'pov.at_risk_households', region, value })
  }
  points.push({ ts: NOW - 10_000, indicator: 'pov.at_risk_households', region: '990101', value: 7 })
  points.push({ ts: NOW - 10_000, indicator: 'pov.at_risk_households', region: '990102', value: 9 })
  // Traffic incidents, a count of today so far: every 5 minutes on day D and the day before (1 + the hour, twice
  // that on D), and hourly on the same date a year earlier (three times 1 + the hour).
  for (let m = 0; m < 24 * 60; m += 5) {
    const hour = Math.floor(m / 60)
    for (const region of ['990101', '990102']) {
      points.push({ ts: DAY_D - DAY + m * 60_000, indicator: 'traffic.incidents', region, value: 1 + hour })
      points.push({ ts: DAY_D + m * 60_000, indicator: 'traffic.incidents', region, value: 2 * (1 + hour) })
      if (m % 60 === 0) points.push({ ts: YEAR_BEFORE_D + m * 60_000, indicator: 'traffic.incidents', region, value: 3 * (1 + hour) })
    }
  }
  const result = await server.pipeline.ingestValues(points, 'test')
  expect(result.rejected).toBe(0)
})
afterAll(async () => {
  await server?.stop()
})

describe('snapshot', () => {
  it.each(['rollup', 'raw'] as const)('aggregates the latest values up the tree by each indicator rule (%s)', async (source) => {
    const city = await queries.snapshot({ level: 'city', indicators: ['traffic.flow', 'traffic.speed', 'env.aqi', 'biz.new_entities'], source })
    const value = (indicator: string, region: string) => city.values.find((v) => v.indicator === indicator && v.region === region)?.value
    expect(value('traffic.flow', '990100')).toBe(3000 + 1000) // sum of latest
    expect(value('traffic.speed', '990100')).toBeCloseTo((30 * 3000 + 60 * 1000) / 4000, 10) // weighted by flow
    expect(value('env.aqi', '990100')).toBe(80)
    expect(value('env.aqi', '990200')).toBe(120) // a leaf city is its own series
    expect(value('biz.new_entities', '990100')).toBe(16)
    expect(city.asOf).toBe(NOW - 10_000)

    const province = await queries.snapshot({ level: 'province', indicators: ['env.aqi', 'traffic.flow'], source })
    expect(province.values).toEqual([
      { indicator: 'env.aqi', region: '990000', value: 100, ts: NOW - 30_000 }, // mean of the two stations
      { indicator: 'traffic.flow', region: '990000', value: 4000, ts: NOW - 60_000 },
    ])

    const counties = await queries.snapshot({ level: 'county', parent: '990100', indicators: ['traffic.flow'], source })
    expect(counties.values.map((v) => [v.region, v.value])).toEqual([
      ['990101', 3000],
      ['990102', 1000],
    ])
  })
})

describe('series', () => {
  it.each(['1m', '1h', '1d'] as const)('gives the same answer from rollups and raw points at %s', async (step) => {
    for (const [indicator, region] of [
      ['traffic.speed', '990100'],
      ['traffic.flow', '990000'],
      ['biz.new_entities', '990000'],
      ['env.aqi', '990000'],
    ] as const) {
      // Minute rollups are kept 35 days.
      const from = NOW - (step === '1m' ? 30 : 400) * DAY
      const args = { indicator, region, from, to: NOW + 1000, step }
      const fromRollup = await queries.series({ ...args, source: 'rollup' })
      const fromRaw = await queries.series({ ...args, source: 'raw' })
      expect(fromRollup.length).toBeGreaterThan(0)
      expect(fromRollup).toEqual(fromRaw)
    }
  })

  it('sums the daily totals of the counties for a sum indicator', async () => {
    const days = await queries.series({ indicator: 'biz.new_entities', region: '990100', from: TODAY - 3 * DAY, to: TODAY, step: '1d' })
    expect(days.map((d) => [d.ts, d.value, d.count])).toEqual([
      [TODAY - 3 * DAY, 220, 2],
      [TODAY - 2 * DAY, 220, 2],
      [TODAY - 1 * DAY, 220, 2],
    ])
  })
})

describe('series from compacted region series', () => {
  const cases = [
    ['traffic.speed', '990100'], // weighted by flow in the same bucket
    ['traffic.flow', '990000'],
    ['biz.new_entities', '990000'],
    ['env.aqi', '990000'],
  ] as const
  const tables = tableNames('onescreen')
  const compactor = () => new RegionSeries(server.storage.client, tables, server.catalog, 'Asia/Shanghai', createLogger('silent'))
  const sameAsRaw = async (compacted: IndicatorQueries, step: '1m' | '1h' | '1d', indicator: string, region: string) => {
    const args = { indicator, region, from: NOW - (step === '1m' ? 30 : 400) * DAY, to: Date.now() + 60_000, step }
    const fromRegionSeries = await compacted.series({ ...args, source: 'rollup' })
    expect(fromRegionSeries.length).toBeGreaterThan(0)
    expect(fromRegionSeries).toEqual(await queries.series({ ...args, source: 'raw' }))
    return fromRegionSeries
  }

  it('stops between chunks when asked, and the next start carries on from where it stopped', async () => {
    // Region series tables of its own, empty: the server's compactor has done the shared ones already.
    const own = { ...tables }
    for (const key of ['regionSeries1m', 'regionSeries1h', 'regionSeries1d', 'regionSeriesWatermarks'] as const) {
      own[key] = `${tables[key]}_stop_test`
      await server.storage.client.command({ query: `CREATE TABLE ${own[key]} AS ${tables[key]}` })
    }
    const fresh = () => new RegionSeries(server.storage.client, own, server.catalog, 'Asia/Shanghai', createLogger('silent'))
    const first = fresh()
    await first.load()
    const run = first.runOnce()
    // A shutdown right after a first start's back-fill: it must not wait for 400 days of minutes to be compacted.
    await first.stop()
    await run
    // Weeks of minutes were left, and hours and days were not begun.
    const stoppedAt = first.watermark('1m')
    expect(stoppedAt).toBeLessThan(NOW - 7 * DAY)
    expect(first.watermark('1h')).toBe(0)
    expect(first.watermark('1d')).toBe(0)
    const next = fresh()
    await next.load()
    expect(next.watermark('1m')).toBe(stoppedAt)
    await next.runOnce()
    expect(next.watermark('1m')).toBeGreaterThan(NOW - 3 * 60_000)
    expect(next.watermark('1d')).toBeGreaterThan(NOW - 2 * DAY)
  })

  it('answers closed buckets from the region series, the same as computed from raw points', async () => {
    const regionSeries = compactor()
    await regionSeries.load()
    await regionSeries.runOnce()
    const compacted = new IndicatorQueries(server.storage.client, tables, server.catalog, 'Asia/Shanghai', regionSeries)
    for (const step of ['1m', '1h', '1d'] as const) {
      // Everything but the open bucket (and the grace after it) is compacted.
      expect(regionSeries.watermark(step)).toBeGreaterThan(NOW - (step === '1m' ? 3 : step === '1h' ? 2 * 60 : 2 * 24 * 60) * 60_000)
      for (const [indicator, region] of cases) await sameAsRaw(compacted, step, indicator, region)
    }
    // Rankings read each region's daily values from the region series too.
    for (const [indicator, level] of [['biz.new_entities', 'county'], ['traffic.speed', 'city'], ['env.aqi', 'city']] as const) {
      const ranked = await compacted.ranking({ indicator, level, now: NOW })
      expect(ranked.rows.length).toBeGreaterThan(0)
      expect(ranked).toEqual(await queries.ranking({ indicator, level, now: NOW, source: 'raw' }))
    }
    // A compacted row is what the chart shows: a stored bucket read back, not recomputed.
    const stored = await regionSeries.read({ indicator: 'biz.new_entities', region: '990100', step: '1d', from: TODAY - 3 * DAY, to: TODAY })
    expect(stored.map((d) => [d.ts, d.value, d.count])).toEqual([
      [TODAY - 3 * DAY, 220, 2],
      [TODAY - 2 * DAY, 220, 2],
      [TODAY - 1 * DAY, 220, 2],
    ])
  })

  it('recomputes a compacted bucket when a late point arrives, also after a restart', async () => {
    const regionSeries = compactor()
    await regionSeries.load()
    await regionSeries.runOnce()
    const unsubscribe = server.bus.subscribe((batch) => regionSeries.noteBatch(batch))
    const compacted = new IndicatorQueries(server.storage.client, tables, server.catalog, 'Asia/Shanghai', regionSeries)
    const hourAgo = Math.floor((NOW - 3 * 3_600_000) / 3_600_000) * 3_600_000
    const late = (ts: number, speed: number) => [
      { ts, indicator: 'traffic.speed', region: '990102', station: 'TD-990102-001', value: speed },
      { ts, indicator: 'traffic.flow', region: '990102', station: 'TD-990102-001', value: 500 },
    ]
    expect((await server.pipeline.ingestValues(late(hourAgo + 60_000, 90), 'test')).accepted).toBe(2)
    expect(regionSeries.dirty('1h')).toEqual([hourAgo])
    // Before the recomputation, the stale stored bucket is not read: it is computed instead.
    expect((await sameAsRaw(compacted, '1h', 'traffic.speed', '990100')).find((h) => h.ts === hourAgo)?.value).toBe(90)
    await regionSeries.runOnce()
    const hours = await sameAsRaw(compacted, '1h', 'traffic.speed', '990100')
    expect(hours.find((h) => h.ts === hourAgo)?.value).toBe(90) // the only detector that hour
    unsubscribe()

    // Stored while no compactor listened (as in a crash): found again at the next start.
    expect((await server.pipeline.ingestValues(late(hourAgo - 3_600_000 + 60_000, 40), 'test')).accepted).toBe(2)
    const restarted = compactor()
    await restarted.load()
    expect(restarted.dirty('1h')).toContain(hourAgo - 3_600_000)
    await restarted.runOnce()
    const again = new IndicatorQueries(server.storage.client, tables, server.catalog, 'Asia/Shanghai', restarted)
    const after = await sameAsRaw(again, '1h', 'traffic.speed', '990100')
    expect(after.find((h) => h.ts === hourAgo - 3_600_000)?.value).toBe(40)
    await sameAsRaw(again, '1m', 'traffic.speed', '990100')
  })
})

describe('ranking', () => {
  it.each(['rollup', 'raw'] as const)('ranks by latest value with the changes of the daily means of a level (%s)', async (source) => {
    const ranking = await queries.ranking({ indicator: 'pov.at_risk_households', level: 'county', parent: '990100', now: NOW, source })
    expect(ranking.rows.map((r) => r.region)).toEqual(['990101', '990102']) // lower is better: 7 before 9
    for (const r of ranking.rows) {
      expect(r.mom).toBeCloseTo(10, 6) // 110 a day against 100
      expect(r.yoy).toBeCloseTo(120, 6) // 110 against 50
    }
    expect(ranking.running).toBeNull()
    // The last 30 complete local days, against the 30 before and the same days a year earlier.
    expect(ranking.basis.mom).toEqual({ kind: 'days', step: '1d', current: { from: TODAY - 30 * DAY, to: TODAY }, base: { from: TODAY - 60 * DAY, to: TODAY - 30 * DAY } })
    expect(ranking.basis.yoy?.base.to).toBe(localMidnight(sameDateYearsEarlier(localDateOf(TODAY, 'Asia/Shanghai'), 1), 'Asia/Shanghai'))
  })

  it.each(['rollup', 'raw'] as const)('compares a running value with the same time yesterday, never with the whole day (%s)', async (source) => {
    for (const clock of [12 * HOUR + 30 * 60_000, 10 * 60_000, 23 * HOUR + 58 * 60_000]) {
      const ranking = await queries.ranking({ indicator: 'traffic.incidents', level: 'county', parent: '990100', now: DAY_D + clock, source })
      expect(ranking.running).toBe('day')
      for (const r of ranking.rows) expect(r.mom).toBeCloseTo(100, 6) // 2 × (1 + hour) so far against 1 + hour at the same time
      expect(ranking.basis.mom).toEqual({ kind: 'sameElapsed', step: '1m', current: { from: DAY_D, to: DAY_D + clock }, base: { from: DAY_D - DAY, to: DAY_D - DAY + clock } })
    }
  })

  it('compares a running value with the same time a year earlier at the finest step kept there', async () => {
    const changes = await queries.changes({ region: '990100', indicators: ['traffic.incidents', 'pov.at_risk_households'], now: DAY_D + 12 * HOUR + 30 * 60_000 })
    const incidents = changes[0]!
    expect(incidents.running).toBe('day')
    // Minute rollups are not kept a year back: hourly, as of 12:00 on both sides (2 × 12 against 3 × 12).
    expect(incidents.yoy).toBeCloseTo(-100 / 3, 6)
    expect(incidents.yoyBasis).toEqual({ kind: 'sameElapsed', step: '1h', current: { from: DAY_D, to: DAY_D + 12 * HOUR }, base: { from: YEAR_BEFORE_D, to: YEAR_BEFORE_D + 12 * HOUR } })
    expect(incidents.mom).toBeCloseTo(100, 6)
    expect(changes[1]).toMatchObject({ indicator: 'pov.at_risk_households', running: null, momBasis: { kind: 'days' } })
  })

  it('has no change for a running value before its first value of the day, nor for one that history holds only daily', async () => {
    // Nothing of D is before 00:00:30 rounded down to its minute.
    const early = await queries.changes({ region: '990100', indicators: ['traffic.incidents'], now: DAY_D + 30_000 })
    expect(early[0]).toMatchObject({ mom: null })
    // New entities are stamped once a day at 23:59:59: no value at noon yesterday, and no like-for-like change.
    const daily = await queries.changes({ region: '990100', indicators: ['biz.new_entities'], now: TODAY - DAY + 12 * HOUR })
    expect(daily[0]).toMatchObject({ running: 'day', mom: null, yoy: null })
  })

  it('puts the lowest first when lower is better', async () => {
    const { rows } = await queries.ranking({ indicator: 'env.aqi', level: 'city', now: NOW })
    expect(rows.map((r) => [r.region, r.value])).toEqual([
      ['990100', 80],
      ['990200', 120],
    ])
    expect(rows[0]!.mom).toBeNull() // no AQI history to compare with
  })
})
