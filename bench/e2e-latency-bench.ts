import fs from 'node:fs'
import { io, type Socket } from 'socket.io-client'
import { liveValuesOf, type ClientToServerEvents, type ServerToClientEvents, type SubscribeAck } from '../common/live-contract'
import { loadCatalog } from '../server/catalog/load-catalog'
import { login, readCredentials, spawnServer, tempDir } from '../test/integration/harness'
import { percentile, report, round } from './bench-env'

/**
 * `e2e_latency`: points posted over HTTP at RATE points/s to the real server
 * (its own process, the sample province, simulators off); a socket client
 * subscribed to the province notes when each station value arrives. Every
 * posted point is measured: from the start of the POST that carried it until
 * the first tick showing its series at its time or later (a tick carries the
 * latest value of a series, so a point overwritten within one tick is seen as
 * the newer one). The tick interval is the floor: a value waits for the next
 * tick. Target: p99 ≤ tick + 250 ms.
 */

const RATE = Number(process.env.BENCH_E2E_RATE ?? 20_000)
const SECONDS = Number(process.env.BENCH_E2E_SECONDS ?? 30)
const WARMUP_SECONDS = 5
/** Requests per second: 20 bodies of 1,000 points. */
const POSTS_PER_SECOND = 20
const TICK_MS = 1000

async function main() {
  const index = loadCatalog('sample-data')
  const detectors = index.stationsOfKind('traffic')
  const dataDir = tempDir('bench-e2e')
  const server = await spawnServer({ DATA_DIR: dataDir, TICK_MS: String(TICK_MS), LOG_LEVEL: 'info' })
  const cleanup = async () => {
    await server.terminate()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  // Interrupted: the server process and its data go too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)))
  try {
    const credentials = readCredentials(dataDir)
    const admin = credentials.accounts.find((a) => a.role === 'admin')!
    const token = await login(server.url, admin.name, admin.password)
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token } })
    /** Per series: points posted and not yet seen, oldest first, as [event time, POST start]. */
    const pending = new Map<string, Array<[number, number]>>()
    const latencies: number[] = []
    let measuring = false
    socket.on('tick', (payload) => {
      const now = performance.now()
      for (const v of liveValuesOf(payload)) {
        if (!v.station) continue
        const queue = pending.get(`${v.indicator}|${v.station}`)
        if (!queue) continue
        let seen = 0
        while (seen < queue.length && queue[seen]![0] <= v.ts) {
          if (measuring) latencies.push(now - queue[seen]![1])
          seen++
        }
        queue.splice(0, seen)
      }
    })
    const ack = await new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', { region: index.tree.root.code, indicators: ['traffic.flow', 'traffic.speed'], columns: true }, resolve))
    if (!ack.ok) throw new Error(ack.error.message)

    const perPost = Math.round(RATE / POSTS_PER_SECOND)
    let cursor = 0
    let posted = 0
    let failed = 0
    const post = async () => {
      const ts = Date.now()
      const lines: string[] = []
      const t0 = performance.now()
      for (let i = 0; i < perPost; i++) {
        const d = detectors[cursor++ % detectors.length]!
        const indicator = i % 2 === 0 ? 'traffic.flow' : 'traffic.speed'
        // Within each indicator's valid range: a rejected point would never be seen.
        const value = indicator === 'traffic.flow' ? Math.round(Math.random() * 3000) : Math.round(Math.random() * 1200) / 10
        lines.push(JSON.stringify({ ts, indicator, region: d.region, station: d.code, value }))
        const key = `${indicator}|${d.code}`
        const queue = pending.get(key)
        if (queue) queue.push([ts, t0])
        else pending.set(key, [[ts, t0]])
      }
      const res = await fetch(`${server.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${credentials.ingestKey}` }, body: lines.join('\n') })
      const reply = (await res.json()) as { accepted?: number }
      if (res.ok && reply.accepted === perPost) posted += perPost
      else failed++
    }
    const started = performance.now()
    const inFlight = new Set<Promise<void>>()
    for (let k = 0; performance.now() - started < (WARMUP_SECONDS + SECONDS) * 1000; k++) {
      if (!measuring && performance.now() - started >= WARMUP_SECONDS * 1000) measuring = true
      const p = post().finally(() => inFlight.delete(p))
      inFlight.add(p)
      // Paced by the clock, not by replies: a slow reply must not slow the producer.
      const next = started + ((k + 1) * 1000) / POSTS_PER_SECOND
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())))
    }
    await Promise.all(inFlight)
    // The rate posted, over the time spent posting (not the wait for the last ticks below).
    const elapsed = (performance.now() - started) / 1000
    await new Promise((r) => setTimeout(r, 2 * TICK_MS))
    socket.disconnect()
    // The server's own view: how long inserts and ticks took (Prometheus sums and counts).
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text()
    const mean = (name: string, labels = '') => {
      const read = (suffix: string) => Number(new RegExp(`^${name}_${suffix}${labels.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1])
      return round((read('sum') / read('count')) * 1000)
    }
    const unseen = [...pending.values()].reduce((n, q) => n + q.length, 0)
    latencies.sort((a, b) => a - b)
    const p99 = percentile(latencies, 99)
    report({
      name: 'e2e_latency',
      offered_points_per_s: RATE,
      posted_points_per_s: Math.round(posted / elapsed),
      failed_posts: failed,
      samples: latencies.length,
      never_seen: unseen,
      tick_ms: TICK_MS,
      p50_ms: round(percentile(latencies, 50)),
      p99_ms: round(p99),
      max_ms: round(latencies.at(-1) ?? NaN),
      server_insert_mean_ms: mean('onescreen_insert_duration_seconds', '{outcome="ok"}'),
      server_tick_mean_ms: mean('onescreen_tick_duration_seconds'),
      server_points_parts: Number(/^onescreen_storage_active_parts\{table="points"\} (\S+)$/m.exec(metrics)?.[1]),
      target: { max_p99_ms: TICK_MS + 250 },
      met: failed === 0 && unseen === 0 && latencies.length > 0 && p99 <= TICK_MS + 250,
    })
  } finally {
    await cleanup()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
