import path from 'node:path'
import { backtestReplySchema } from '../common/api/rules-api'
import { parseRule } from '../server/alerting/rule-validation'
import { backtestSeries, runBacktest } from '../server/alerting/backtest'
import { BacktestRows } from '../server/storage/backtest-rows'
import { tableNames } from '../server/storage/tables'
import { REPO_ROOT, startTestServer } from '../test/integration/harness'
import { cleanupOnSignal, report, round, runBenchMain } from './bench-env'

/**
 * `backtest`: POST /api/rules/backtest of a rule over 30 days of the sample
 * province's 500 traffic detectors (speed, one value an hour each: 360,000
 * buckets), against the real server and engine. Target: ≤ 3 s. Beside it, in
 * the same run, the parts: the engine alone scanning the same rollup rows,
 * and the read of those rows.
 */

const DAYS = 30
const HOUR = 3_600_000
const TARGET_MS = 3_000
const RUNS = 3

runBenchMain(async () => {
  const server = await startTestServer({ CATALOG_DIR: path.join(REPO_ROOT, 'sample-data') })
  cleanupOnSignal(() => server.stop())
  try {
    const detectors = server.catalog.stationsOfKind('traffic')
    const now = Math.floor(Date.now() / HOUR) * HOUR
    const from = now - DAYS * 24 * HOUR
    // One reading an hour per detector: a daily rhythm, with a slowdown now and then.
    const loadStarted = performance.now()
    for (let h = 0; h < DAYS * 24; h += 24) {
      const points: object[] = []
      for (let k = h; k < h + 24; k++)
        for (const [i, d] of detectors.entries()) {
          const slow = (k * 7 + i * 13) % 997 === 0
          points.push({ ts: from + k * HOUR + 60_000, indicator: 'traffic.speed', region: d.region, station: d.code, value: slow ? 12 : 45 + 15 * Math.sin((2 * Math.PI * (k % 24)) / 24) })
        }
      const r = await server.pipeline.ingestValues(points, 'bench')
      if (r.rejected > 0) throw new Error(`${r.rejected} points rejected`)
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000

    const rule = { name: { zh: '车速过低', en: 'Speed too low' }, indicator: 'traffic.speed', scope: { stationKind: 'traffic' }, condition: { kind: 'threshold', op: 'below', value: 20 }, severity: 'warning', message: { zh: '{station} {value}', en: '{station} {value}' } }
    const times: number[] = []
    let reply = null
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now()
      const res = await server.fetch('/api/rules/backtest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rule, from, to: now }) })
      if (res.status !== 200) throw new Error(`backtest answered ${res.status}: ${await res.text()}`)
      reply = backtestReplySchema.parse(await res.json())
      times.push(performance.now() - started)
    }

    // The parts, in the same run: reading the rows, and the engine alone over them.
    const rows = new BacktestRows(server.storage.client, tableNames('onescreen'), server.catalog, 'Asia/Shanghai')
    const parsed = parseRule({ id: 'bench', ...rule }, server.catalog)
    const series = backtestSeries(server.catalog, parsed)
    const readStarted = performance.now()
    const read = await rows.raw(server.catalog.indicator('traffic.speed')!, { regions: [...new Set(series.stations.map((s) => s.region))], stations: series.stations.map((s) => s.code), from, to: now, step: '1h', limit: 1_000_001 })
    const readMs = performance.now() - readStarted
    const engineStarted = performance.now()
    const outcome = runBacktest(server.catalog, parsed, read, 'Asia/Shanghai')
    const engineMs = performance.now() - engineStarted

    const best = Math.min(...times)
    report({
      name: 'backtest',
      days: DAYS,
      series: reply!.seriesCount,
      step: reply!.step,
      buckets: read.length,
      alerts: reply!.alerts.length,
      api_ms_best: round(best),
      api_ms_runs: times.map((t) => round(t)),
      read_ms: round(readMs),
      engine_only_ms: round(engineMs),
      engine_alerts_match: outcome.alerts.length === reply!.alerts.length,
      target_ms: TARGET_MS,
      pass: best <= TARGET_MS && outcome.alerts.length === reply!.alerts.length,
      load_s: round(loadSeconds),
    })
  } finally {
    await server.stop()
  }
})
