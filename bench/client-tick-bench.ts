import fs from 'node:fs'
import { PointBatch } from '../common/point-batch'
import { loadConfig } from '../server/config'
import { createLogger } from '../server/logger'
import { startServer } from '../server/onescreen-server'
import { launchBrowser } from '../test/browser/browser'
import { login, readCredentials, tempDir } from '../test/integration/harness'
import { SESSION_COOKIE } from '../server/auth/http-auth'
import { cleanupOnSignal, percentile, report, round, runBenchMain } from './bench-env'

/**
 * `client_tick`: the wall in headless Chromium, subscribed to the province,
 * while every second about 3,000 regions and stations change (every station's
 * values, and the region aggregates they move). Measured in the page: the
 * main-thread time from a tick's arrival until the renders it caused are done
 * (p50, p95), the long tasks, and the JS heap after 1 minute against after
 * MINUTES (30 by default). Target: p95 < 16 ms per tick and heap growth < 10 %.
 */

const MINUTES = Number(process.env.BENCH_CLIENT_MINUTES ?? 30)

async function main() {
  const dataDir = tempDir('bench-client')
  const config = loadConfig({ PORT: '0', SIMULATE: '0', BACKFILL: '0', LOG_LEVEL: 'warn', DATA_DIR: dataDir, CATALOG_DIR: 'sample-data' })
  if (!fs.existsSync('dist/client/index.html')) throw new Error('build the client first: npm run build')
  const server = await startServer(config, createLogger('warn'))
  const browser = await launchBrowser()
  let feeder: NodeJS.Timeout | undefined
  const cleanup = async () => {
    clearInterval(feeder)
    await browser.close().catch(() => {})
    await server.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  cleanupOnSignal(cleanup)
  try {
    const index = server.catalog
    // Every station series changes each second (~1,900), and the region aggregates above them follow (~1,100).
    const series = index.catalog.stations.flatMap((s) =>
      (s.kind === 'traffic' ? ['traffic.speed', 'traffic.flow', 'traffic.occupancy'] : ['env.aqi', 'env.pm25', 'env.pm10', 'env.o3']).map((indicator) => ({ indicator, region: s.region, station: s.code, range: index.indicator(indicator)!.range })),
    )
    let round_ = 0
    const feed = () => {
      const ts = Date.now()
      round_++
      server.parts.bus.publish(
        new PointBatch(
          series.map((s, k) => ({ ts, indicator: s.indicator, region: s.region, station: s.station, value: Math.round((s.range[0] + ((Math.sin(round_ / 7 + k) + 1) / 2) * Math.min(s.range[1] - s.range[0], 400)) * 10) / 10 })),
          'bench',
          ts,
        ),
      )
    }
    feed()
    feeder = setInterval(feed, 1000)

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
    await context.addInitScript(() => {
      ;(globalThis as { __onescreenTickTimes?: number[] }).__onescreenTickTimes = []
      ;(globalThis as { __longTasks?: number[] }).__longTasks = []
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) (globalThis as unknown as { __longTasks: number[] }).__longTasks.push(e.duration)
      }).observe({ entryTypes: ['longtask'] })
    })
    const leader = readCredentials(dataDir).accounts.find((a) => a.role === 'leader')!
    await context.addCookies([{ name: SESSION_COOKIE, value: await login(server.url, leader.name, leader.password), url: server.url, httpOnly: true, sameSite: 'Strict' }])
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await page.goto(`${server.url}/`)
    await page.waitForSelector('[data-testid="wall"]')
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage')
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
      return usedSize
    }
    const drain = () => page.evaluate(() => (globalThis as unknown as { __onescreenTickTimes: number[] }).__onescreenTickTimes.splice(0))
    await page.waitForTimeout(60_000)
    await drain() // the first minute warms up
    const heapAt1 = await heap()
    const times: number[] = []
    const valuesPerTick = series.length
    for (let minute = 1; minute < MINUTES; minute++) {
      await page.waitForTimeout(60_000)
      times.push(...(await drain()))
    }
    const heapAtEnd = await heap()
    const longTasks = await page.evaluate(() => (globalThis as unknown as { __longTasks: number[] }).__longTasks.length)
    times.sort((a, b) => a - b)
    const growth = (heapAtEnd - heapAt1) / heapAt1
    const p95 = percentile(times, 95)
    report({
      name: 'client_tick',
      minutes: MINUTES,
      station_values_per_tick: valuesPerTick,
      ticks: times.length,
      p50_ms: round(percentile(times, 50)),
      p95_ms: round(p95),
      max_ms: round(times.at(-1) ?? NaN),
      long_tasks: longTasks,
      heap_after_1_min_mb: round(heapAt1 / 2 ** 20),
      heap_at_end_mb: round(heapAtEnd / 2 ** 20),
      heap_growth_percent: round(growth * 100),
      target: { max_p95_ms: 16, max_heap_growth_percent: 10 },
      met: times.length > 0 && p95 < 16 && growth < 0.1,
    })
  } finally {
    await cleanup()
  }
}

runBenchMain(main)
