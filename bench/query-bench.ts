import type { ClickHouseClient } from '@clickhouse/client'
import type { CatalogIndex } from '../common/catalog-index'
import { createSimulators } from '../ingest/simulators/create-simulators'
import { loadCatalog } from '../server/catalog/load-catalog'
import { createLogger } from '../server/logger'
import { IndicatorQueries, type QuerySource } from '../server/storage/indicator-queries'
import { RegionSeries } from '../server/storage/region-series'
import { migrate, schemaContext } from '../server/storage/migrations'
import { createStorageClient } from '../server/storage/storage-client'
import { tableNames } from '../server/storage/tables'
import { percentile, report, round, scratchDir } from './bench-env'

/**
 * `query`: with STORED points in storage, the wall's standard queries — the
 * latest value of every indicator for every county, a 30-day hourly series of
 * the province, a ranking of counties with month-on-month and year-on-year
 * change — answered from the rollups, against the same answers computed from
 * the raw points. Target: every wall query p95 < 100 ms and ≥ 10 × faster
 * than raw.
 *
 * The stored data is what a wall holds after a while: 400 days of history
 * (one point per series per day, then per hour for the last 30 days) and then
 * the live feed at its real cadences (detectors every 5 s…) for as long as it
 * takes to reach STORED points — about a day and a half. It is generated inside
 * the engine and goes through the same materialized views as ingested points.
 */

const STORED = Number(process.env.BENCH_QUERY_POINTS ?? 50_000_000)
/** Rows per generating INSERT … SELECT. */
const CHUNK = 5_000_000
const DAYS = 400
const ROLLUP_RUNS = 30
const RAW_RUNS = 5
const DAY = 86_400_000
const HOUR = 3_600_000

interface Series {
  indicators: string[]
  regions: string[]
  stations: string[]
  lo: number[]
  hi: number[]
}

interface Segment {
  series: Series
  from: number
  to: number
  stepMs: number
}

function emptySeries(): Series {
  return { indicators: [], regions: [], stations: [], lo: [], hi: [] }
}

/** Every live series of the simulated province, grouped by how often it publishes. */
function seriesByCadence(index: CatalogIndex): Map<number, Series> {
  const groups = new Map<number, Series>()
  for (const sim of createSimulators(index, { seed: 1, utcOffsetMinutes: 480 })) {
    for (const spec of sim.series()) {
      const range = index.indicator(spec.indicator)!.range
      const g = groups.get(spec.publishEveryMs) ?? emptySeries()
      groups.set(spec.publishEveryMs, g)
      g.indicators.push(spec.indicator)
      g.regions.push(spec.region)
      g.stations.push(spec.station ?? '')
      // A band inside the plausible range, so values look like the indicator.
      g.lo.push(range[0] + (range[1] - range[0]) * 0.05)
      g.hi.push(range[0] + (range[1] - range[0]) * 0.3)
    }
  }
  return groups
}

function merged(groups: Iterable<Series>): Series {
  const all = emptySeries()
  for (const g of groups) for (const k of Object.keys(all) as Array<keyof Series>) (all[k] as unknown[]).push(...g[k])
  return all
}

const pointsIn = (s: Segment) => s.series.indicators.length * Math.floor((s.to - s.from) / s.stepMs)

async function load(client: ClickHouseClient, table: string, segment: Segment): Promise<void> {
  const n = segment.series.indicators.length
  const total = pointsIn(segment)
  for (let offset = 0; offset < total; offset += CHUNK) {
    await client.command({
      query: `INSERT INTO ${table} (indicator, region, station, ts, value, id_hi, id_lo, source, received)
        SELECT {ind:Array(String)}[k] AS indicator, {reg:Array(String)}[k] AS region, {sta:Array(String)}[k] AS station,
          fromUnixTimestamp64Milli(toInt64({from:Int64} + intDiv(number, {n:UInt32}) * {step:Int64} + (k * 7919) % {step:Int64})) AS ts,
          round({lo:Array(Float64)}[k] + ({hi:Array(Float64)}[k] - {lo:Array(Float64)}[k])
            * (0.5 + 0.35 * sin(toUnixTimestamp(ts) / 13751.0 + k) + 0.15 * (rand(number) / 4294967295.0)), 2) AS value,
          0, 0, 'bench', now64(3)
        FROM (SELECT number, toUInt32(number % {n:UInt32}) + 1 AS k FROM numbers({offset:UInt64}, {count:UInt64}))`,
      query_params: {
        ind: segment.series.indicators, reg: segment.series.regions, sta: segment.series.stations,
        lo: segment.series.lo, hi: segment.series.hi,
        n, from: segment.from, step: segment.stepMs, offset, count: Math.min(CHUNK, total - offset),
      },
    })
  }
}

/** Same answer: equal structure, numbers equal to 1e-9 relative (sums are added in another order). */
function sameAnswer(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b))
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameAnswer(x, b[i]))
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => sameAnswer((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  }
  return a === b
}

async function main() {
  const index = loadCatalog('sample-data')
  // BENCH_QUERY_DIR keeps the loaded data between runs (for working on the queries).
  const keep = process.env.BENCH_QUERY_DIR
  const dir = keep ?? scratchDir('query')
  const storage = createStorageClient({ mode: 'embedded', path: dir, database: 'onescreen' })
  const tables = tableNames('onescreen')
  // Raw points are kept as long as the history, so raw can answer a year-on-year change too.
  await migrate(storage.client, schemaContext('onescreen', 'Asia/Shanghai', DAYS + 30), createLogger('warn'))

  const now = Date.now()
  const groups = seriesByCadence(index)
  const everything = merged(groups.values())
  const feedStart = Math.floor((now - 36 * HOUR) / HOUR) * HOUR
  const history: Segment[] = [
    { series: everything, from: now - DAYS * DAY, to: now - 30 * DAY, stepMs: DAY },
    { series: everything, from: now - 30 * DAY, to: feedStart, stepMs: HOUR },
  ]
  const perSecond = [...groups].reduce((sum, [every, g]) => sum + (g.indicators.length * 1000) / every, 0)
  // 1 % over: whole steps per series round the count down.
  const feedSeconds = Math.max(0, (1.01 * STORED - history.reduce((n, s) => n + pointsIn(s), 0)) / perSecond)
  const feedFrom = Math.min(feedStart, Math.floor(now - feedSeconds * 1000))
  history[1]!.to = feedFrom
  const feed: Segment[] = [...groups].map(([every, series]) => ({ series, from: feedFrom, to: now, stepMs: every }))

  const count = async (table: string) => {
    const rs = await storage.client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' })
    return Number((await rs.json<{ n: string }>())[0]!.n)
  }
  const loadStart = performance.now()
  if (!keep || (await count(tables.points)) === 0) for (const segment of [...history, ...feed]) await load(storage.client, tables.points, segment)
  const loadSeconds = (performance.now() - loadStart) / 1000
  const stored = await count(tables.points)
  if (stored < STORED) throw new Error(`only ${stored} points stored`)

  // What the server does in the background: compact every closed bucket into region series.
  const compactStart = performance.now()
  const regionSeries = new RegionSeries(storage.client, tables, index, 'Asia/Shanghai', createLogger('warn'))
  await regionSeries.load()
  await regionSeries.runOnce()
  const compactSeconds = (performance.now() - compactStart) / 1000
  const queries = new IndicatorQueries(storage.client, tables, index, 'Asia/Shanghai', regionSeries)
  const root = index.tree.root.code
  const wall: Record<string, (source: QuerySource) => Promise<unknown>> = {
    latest_every_indicator_by_county: (source) => queries.snapshot({ level: 'county', source }),
    series_30d_hourly_province: (source) => queries.series({ indicator: 'traffic.speed', region: root, from: now - 30 * DAY, to: now, step: '1h', source }),
    ranking_counties_mom_yoy: (source) => queries.ranking({ indicator: 'traffic.speed', level: 'county', parent: root, now, source }),
  }

  const time = async (fn: () => Promise<unknown>, runs: number) => {
    await fn() // warm-up: first reads load marks and caches
    const ms: number[] = []
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      await fn()
      ms.push(performance.now() - t0)
    }
    return ms.sort((a, b) => a - b)
  }

  for (const [query, run] of Object.entries(wall)) {
    // Both paths must give the same answer, or the comparison means nothing.
    const [fromRollup, fromRaw] = [await run('rollup'), await run('raw')]
    const same = sameAnswer(fromRollup, fromRaw)
    const rollup = await time(() => run('rollup'), ROLLUP_RUNS)
    const raw = await time(() => run('raw'), RAW_RUNS)
    const p95 = percentile(rollup, 95)
    const speedup = percentile(raw, 50) / percentile(rollup, 50)
    report({
      name: 'query',
      query,
      stored_points: stored,
      rollup_p50_ms: round(percentile(rollup, 50)),
      rollup_p95_ms: round(p95),
      raw_p50_ms: round(percentile(raw, 50)),
      raw_p95_ms: round(percentile(raw, 95)),
      speedup: round(speedup),
      same_answer: same,
      target: { max_p95_ms: 100, min_speedup: 10 },
      met: same && p95 < 100 && speedup >= 10,
    })
  }
  report({ name: 'query', phase: 'load', stored_points: stored, load_s: round(loadSeconds), region_series_catch_up_s: round(compactSeconds), live_feed_hours: round((now - feedFrom) / HOUR), minute_rows: await count(tables.points1m), hour_rows: await count(tables.points1h), day_rows: await count(tables.points1d) })
  await storage.close()
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
