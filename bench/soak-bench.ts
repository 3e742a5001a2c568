import fs from 'node:fs'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import type { ClickHouseClientConfigOptions } from '@clickhouse/client'
import { loadCatalog } from '../server/catalog/load-catalog'
import { login, readCredentials, spawnServer, tempDir } from '../test/integration/harness'
import { report, round, runBenchMain } from './bench-env'
import { ClientPool } from './client-pool'

/**
 * `soak`: MINUTES (10) at RATE (50,000) points/s over HTTP with an ingest key,
 * into the real server in its own process (the sample province, its
 * simulators running too), while SOCKETS (200) signed-in screens are
 * subscribed to the province's aggregates. Measured: the server's resident memory each
 * 10 s (growth from the end of the warm-up to the end), the rate held, every
 * error (a reply other than 200, a refused point, a socket that drops), and lost points:
 * points acknowledged minus points stored, counted in storage after the
 * server has stopped. Memory is the median of the minute after the warm-up
 * against the median of the last minute. Target: the rate held (98 %), 0 lost, 0 errors,
 * memory flat (under 10 % growth) after warm-up.
 */

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10)
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 50_000)
const SOCKETS = Number(process.env.BENCH_SOAK_SOCKETS ?? 200)
/** Requests per second: 10 bodies of RATE/10 points, from 4 producers at once at most. */
const POSTS_PER_SECOND = 10
const WARMUP_MINUTES = Math.min(2, MINUTES / 2)
const MAX_GROWTH = 0.1

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : NaN
}

async function main() {
  const index = loadCatalog('sample-data')
  const series = index.catalog.stations.flatMap((s) =>
    (s.kind === 'traffic' ? ['traffic.speed', 'traffic.flow'] : ['env.aqi', 'env.pm25']).map((indicator) => ({ indicator, region: s.region, station: s.code, range: index.indicator(indicator)!.range })),
  )
  const dataDir = tempDir('bench-soak')
  // LOG_LEVEL info: spawnServer waits for the "listening" line.
  // The screens all come from this machine's one address, standing in for many clients: exempt it from the per-address caps.
  const server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info', SIMULATE: '1', PROXY_ADDRESSES: '127.0.0.1' })
  const pool = new ClientPool()
  let producer: NodeJS.Timeout | undefined
  let sampler: NodeJS.Timeout | undefined
  const cleanup = async () => {
    clearInterval(producer)
    clearInterval(sampler)
    pool.kill()
    await server.terminate()
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () =>
      void cleanup().finally(() => {
        fs.rmSync(dataDir, { recursive: true, force: true })
        process.exit(130)
      }),
    )
  try {
    const credentials = readCredentials(dataDir)
    const leader = credentials.accounts.find((a) => a.role === 'leader')!
    const token = await login(server.url, leader.name, leader.password)
    const errors: string[] = []
    // The screens in a process of their own: parsing 200 sockets' ticks must not slow the producer.
    await pool.start(1)
    await pool.all({}, 'connected', () => ({ connect: server.url, clients: SOCKETS, region: index.tree.root.code, subscribe: true, token, stations: false }))
    await pool.all({ measure: true }, 'measuring')

    let acknowledged = 0
    let posted = 0
    let inFlight = 0
    /** Posts not sent because 16 were still waiting: the server not keeping up with RATE. */
    let skipped = 0
    let round_ = 0
    const perPost = Math.round(RATE / POSTS_PER_SECOND)
    const post = async () => {
      // Many producers at once, as in a province; beyond 16 requests waiting, the server is not keeping up.
      if (inFlight >= 16) {
        skipped++
        return
      }
      inFlight++
      const ts = Date.now()
      const k0 = round_++ * perPost
      const lines: string[] = []
      for (let i = 0; i < perPost; i++) {
        const s = series[(k0 + i) % series.length]!
        // Each series gets distinct times: a new millisecond per pass over the series.
        lines.push(JSON.stringify({ ts: ts - 1000 + Math.floor((k0 + i) / series.length) % 1000, indicator: s.indicator, region: s.region, station: s.station, value: s.range[0] + ((k0 + i) % 97) / 97 * (s.range[1] - s.range[0]) * 0.5 }))
      }
      posted += perPost
      try {
        const res = await fetch(`${server.url}/api/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${credentials.ingestKey}` },
          body: lines.join('\n'),
        })
        const body = (await res.json()) as { accepted?: number; rejected?: number; error?: { message: string } }
        if (res.status !== 200) errors.push(`ingest ${res.status}: ${body.error?.message ?? ''}`)
        else {
          acknowledged += body.accepted ?? 0
          if (body.rejected) errors.push(`${body.rejected} points rejected`)
        }
      } catch (err) {
        errors.push(`ingest failed: ${(err as Error).message}`)
      } finally {
        inFlight--
      }
    }
    const rss: Array<{ at: number; bytes: number }> = []
    const started = Date.now()
    producer = setInterval(() => void post(), 1000 / POSTS_PER_SECOND)
    sampler = setInterval(() => rss.push({ at: Date.now() - started, bytes: rssOf(server.child.pid!) }), 10_000)
    await new Promise((r) => setTimeout(r, MINUTES * 60_000))
    clearInterval(producer)
    clearInterval(sampler)
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 50))
    const seconds = (Date.now() - started) / 1000
    const [screens] = await pool.all<{ messages: number; dropped: number }>({ report: true }, 'delays')
    if (screens!.dropped > 0) errors.push(`${screens!.dropped} sockets dropped`)
    await pool.all({ close: true }, 'closed')
    const exit = await server.terminate()
    if (exit !== 0) errors.push(`server exited with ${exit}`)

    // Counted in storage once the server is gone: what it said it stored is there.
    const chdb = createChdbConnection({ path: `${dataDir}/clickhouse` })
    const client = createClient({ connection: chdb as unknown as ClickHouseClientConfigOptions['connection'] })
    const rs = await client.query({ query: `SELECT count() AS n FROM onescreen.points WHERE source = 'http'`, format: 'JSONEachRow' })
    const stored = Number((await rs.json<{ n: string }>())[0]!.n)
    await client.close()

    // Medians of a minute at each end: the engine's merges make single samples jump by 100 MB and more.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
    const warm = WARMUP_MINUTES * 60_000
    const base = median(rss.filter((r) => r.at >= warm && r.at < warm + 60_000).map((r) => r.bytes))
    const end = median(rss.filter((r) => r.at >= seconds * 1000 - 60_000).map((r) => r.bytes))
    const growth = (end - base) / base
    const lost = acknowledged - stored
    report({
      name: 'soak',
      minutes: MINUTES,
      target_points_per_s: RATE,
      points_per_s: Math.round(acknowledged / seconds),
      sockets: SOCKETS,
      ticks_received: screens!.messages,
      skipped_posts: skipped,
      posted,
      acknowledged,
      stored,
      lost,
      errors: errors.length,
      first_errors: errors.slice(0, 5),
      rss_after_warmup_mb: round(base / 2 ** 20),
      rss_last_minute_mb: round(end / 2 ** 20),
      rss_max_mb: round(Math.max(...rss.map((r) => r.bytes)) / 2 ** 20),
      rss_growth_percent: round(growth * 100),
      target: { lost: 0, errors: 0, max_rss_growth_percent: MAX_GROWTH * 100 },
      met: lost === 0 && errors.length === 0 && growth < MAX_GROWTH && acknowledged / seconds >= 0.98 * RATE,
    })
  } finally {
    await cleanup().catch(() => {})
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

runBenchMain(main)
