import fs from 'node:fs'
import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents } from '../common/live-contract'
import { loadCatalog } from '../server/catalog/load-catalog'
import { login, readCredentials, spawnServer, tempDir } from '../test/integration/harness'
import { startFlood, type Flood } from '../test/integration/tcp-flood'
import { cleanupOnSignal, percentile, report, round, runBenchMain } from './bench-env'

/**
 * `connection_flood`: the real server in its own process (defaults, the
 * sample province, its simulators running) while CONNECTIONS (10,000) TCP
 * connections that never finish their headers are dialed from ADDRESSES (4)
 * loopback addresses (127.0.0.2…), each dialed again 250 ms after the server
 * closes it, for SECONDS (20). A signed-in screen on 127.0.0.1 counts its
 * ticks (a producer there posts a changing value five times a second over
 * HTTP, so that every tick has something to send); a reader there asks for a
 * series twice a second. Measured: ticks per
 * second during the flood (and in the 5 s before), the reads answered and
 * their p99, the server's open descriptors (/proc/<pid>/fd) before and at
 * most, and what the flood saw (refused at once, closed by the headers
 * timeout, the longest held). Target: ticks ≥ 0.9/s (TICK_MS 1000), every
 * read answered 200 and every post stored.
 */

const CONNECTIONS = Number(process.env.BENCH_FLOOD_CONNECTIONS ?? 10_000)
const ADDRESSES = Number(process.env.BENCH_FLOOD_ADDRESSES ?? 4)
const SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 20)
const MIN_TICKS_PER_S = 0.9
const BEFORE_MS = 5_000
const READ_EVERY_MS = 500
const POST_EVERY_MS = 200

const descriptorsOf = (pid: number) => fs.readdirSync(`/proc/${pid}/fd`).length

async function main() {
  const index = loadCatalog('sample-data')
  const root = index.tree.root.code
  const dataDir = tempDir('bench-flood')
  // LOG_LEVEL info: spawnServer waits for the "listening" line, and the caps are logged.
  const server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info', SIMULATE: '1' })
  let screen: Socket<ServerToClientEvents, ClientToServerEvents> | undefined
  let flood: Flood | undefined
  let sampler: NodeJS.Timeout | undefined
  let producer: NodeJS.Timeout | undefined
  const cleanup = async () => {
    clearInterval(sampler)
    clearInterval(producer)
    flood?.kill()
    screen?.close()
    await server.terminate()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  cleanupOnSignal(cleanup)
  try {
    const pid = server.child.pid!
    const caps = JSON.parse(server.output().split('\n').find((l) => l.includes('"connections capped"')) ?? '{}') as { maxConnections?: number; reserve?: number; maxPerAddress?: number }
    const credentials = readCredentials(dataDir)
    const leader = credentials.accounts.find((a) => a.role === 'leader')!
    const token = await login(server.url, leader.name, leader.password)
    const ticks: number[] = []
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token } })
    screen = s
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve())
      s.once('connect_error', reject)
    })
    s.on('tick', () => ticks.push(Date.now()))
    const ack = await s.emitWithAck('subscribe', { region: root, columns: true })
    if (!ack.ok) throw new Error(ack.error.message)
    const detector = index.stationsOfKind('traffic')[0]!
    let posts = 0
    let postsStored = 0
    let postsInFlight = 0
    producer = setInterval(() => {
      posts++
      postsInFlight++
      const point = { ts: Date.now() - 1000, indicator: 'traffic.flow', region: detector.region, station: detector.code, value: posts % 500 }
      fetch(`${server.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${credentials.ingestKey}` }, body: JSON.stringify(point) })
        .then(async (r) => ((await r.json()) as { accepted?: number }).accepted === 1 && postsStored++)
        .catch(() => {})
        .finally(() => postsInFlight--)
    }, POST_EVERY_MS)

    const beforeFrom = Date.now()
    await new Promise((r) => setTimeout(r, BEFORE_MS))
    const fdsBefore = descriptorsOf(pid)
    let fdsMax = fdsBefore
    sampler = setInterval(() => (fdsMax = Math.max(fdsMax, descriptorsOf(pid))), 100)

    const { hostname, port } = new URL(server.url)
    flood = await startFlood({
      host: hostname,
      port: Number(port),
      connections: CONNECTIONS,
      localAddresses: Array.from({ length: ADDRESSES }, (_, i) => `127.0.0.${i + 2}`),
      durationMs: SECONDS * 1000,
      redialMs: 250,
      maxDials: 10_000_000,
    })
    const from = Date.now()
    const reads: Array<{ status: number; ms: number }> = []
    while (Date.now() < from + SECONDS * 1000 - READ_EVERY_MS) {
      const t0 = performance.now()
      const status = await fetch(`${server.url}/api/series?indicator=env.aqi&region=${root}`, { headers: { authorization: `Bearer ${token}` } }).then(
        async (r) => (await r.arrayBuffer(), r.status),
        () => 0,
      )
      reads.push({ status, ms: performance.now() - t0 })
      await new Promise((r) => setTimeout(r, READ_EVERY_MS))
    }
    const seen = await flood.done
    const to = Date.now()
    clearInterval(sampler)
    clearInterval(producer)
    // The last posts' answers.
    for (let i = 0; i < 200 && postsInFlight > 0; i++) await new Promise((r) => setTimeout(r, 50))

    const rate = (a: number, b: number) => ticks.filter((t) => t >= a && t <= b).length / ((b - a) / 1000)
    const ticksPerS = rate(from, to)
    const readsOk = reads.filter((r) => r.status === 200).length
    report({
      name: 'connection_flood',
      connections: CONNECTIONS,
      addresses: ADDRESSES,
      seconds: round((to - from) / 1000),
      ticks_per_s: round(ticksPerS, 2),
      ticks_per_s_before: round(rate(beforeFrom, beforeFrom + BEFORE_MS), 2),
      api_reads: reads.length,
      api_reads_ok: readsOk,
      api_read_p99_ms: round(percentile(reads.map((r) => r.ms).sort((a, b) => a - b), 99)),
      posts,
      posts_stored: postsStored,
      server_fds_before: fdsBefore,
      server_fds_max: fdsMax,
      server_max_connections: caps.maxConnections,
      server_fd_reserve: caps.reserve,
      server_max_per_address: caps.maxPerAddress,
      flood_dials: seen.dials,
      flood_refused: seen.refused,
      flood_timed_out: seen.timedOut,
      flood_held_max_ms: seen.heldMaxMs,
      target: { min_ticks_per_s: MIN_TICKS_PER_S, api_reads_ok: 'all', posts_stored: 'all' },
      met: ticksPerS >= MIN_TICKS_PER_S && reads.length > 0 && readsOk === reads.length && postsStored === posts,
    })
  } finally {
    await cleanup()
  }
}

runBenchMain(main)
