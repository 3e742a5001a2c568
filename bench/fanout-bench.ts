import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { io } from 'socket.io-client'
import { liveValueCount, type TickPayload } from '../common/live-contract'
import { PointBatch } from '../common/point-batch'
import { loadConfig } from '../server/config'
import { createLogger } from '../server/logger'
import { startServer } from '../server/onescreen-server'
import { login, readCredentials, tempDir } from '../test/integration/harness'
import { ClientPool } from './client-pool'
import { cleanupOnSignal, percentile, report, round, runBenchMain } from './bench-env'

/**
 * `fanout`: CLIENTS socket clients, in PROCESSES processes apart from the
 * server, subscribed to the province; every tick carries ~500 changed values.
 * Measured: messages delivered per second, the delay from a tick's send time
 * to its arrival (p50, p99), and the server process's CPU. Then, in the same
 * run, a bare socket.io server (no hub, no rooms logic) broadcasts the same
 * payload at the same rate to the same clients: the limit. Target: ≥ 0.8 × the
 * bare server's throughput at p99 ≤ 500 ms.
 *
 * Points reach the hub through the ingest bus directly: this measures fan-out,
 * not ingest (the `ingest` and `e2e_latency` benchmarks measure those).
 */

const CLIENTS = Number(process.env.BENCH_FANOUT_CLIENTS ?? 2000)
const PROCESSES = Number(process.env.BENCH_FANOUT_PROCESSES ?? 4)
const SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 20)
const WARMUP_SECONDS = 5
const TICK_MS = 1000
/** Detectors changing per tick: with the regions above them, about 500 changed values. */
const DETECTORS_PER_TICK = 395
/** Values by column, as the wall asks for them; `BENCH_FANOUT_FORM=objects` measures the default form (an object per value). */
const COLUMNS = process.env.BENCH_FANOUT_FORM !== 'objects'

interface Phase {
  messages_per_s: number
  delivered_share: number
  values_per_message: number
  p50_ms: number
  p99_ms: number
  cpu_percent: number
}

/** CPU used by this process over a phase, as a percentage of one core. */
async function measurePhase(pool: ClientPool, expectedPerSecond: number): Promise<Phase> {
  await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000))
  await pool.all({ measure: true }, 'measuring')
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await new Promise((r) => setTimeout(r, SECONDS * 1000))
  const reports = await pool.all<{ delays: number[]; messages: number; values: number }>({ report: true }, 'delays')
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const delays = reports.flatMap((r) => r.delays).sort((a, b) => a - b)
  const messages = reports.reduce((n, r) => n + r.messages, 0)
  const values = reports.reduce((n, r) => n + r.values, 0)
  return {
    messages_per_s: round(messages / wall),
    delivered_share: round(messages / wall / expectedPerSecond, 3),
    values_per_message: round(values / Math.max(1, messages)),
    p50_ms: round(percentile(delays, 50)),
    p99_ms: round(percentile(delays, 99)),
    cpu_percent: round(((cpu.user + cpu.system) / 1e6 / wall) * 100),
  }
}

async function main() {
  const dataDir = tempDir('bench-fanout')
  const pool = new ClientPool()
  // The screens all come from this machine's one address, standing in for thousands of clients: exempt it from the per-address caps.
  const config = loadConfig({ PROXY_ADDRESSES: '127.0.0.1', PORT: '0', SIMULATE: '0', BACKFILL: '0', LOG_LEVEL: 'warn', TICK_MS: String(TICK_MS), DATA_DIR: dataDir, CATALOG_DIR: 'sample-data' })
  const server = await startServer(config, createLogger('warn'))
  let bare: { io: Server; http: http.Server } | undefined
  let feeder: NodeJS.Timeout | undefined
  const cleanup = async () => {
    clearInterval(feeder)
    pool.kill()
    if (bare) {
      bare.io.disconnectSockets(true)
      bare.io.engine.close()
      bare.http.closeAllConnections()
      bare.http.close()
    }
    await server.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  cleanupOnSignal(cleanup)
  try {
    const index = server.catalog
    const detectors = index.stationsOfKind('traffic')
    const root = index.tree.root.code
    // Feed: a different set of detectors each second, each with a new flow value.
    let round_ = 0
    feeder = setInterval(() => {
      const ts = Date.now()
      const points = Array.from({ length: DETECTORS_PER_TICK }, (_, i) => {
        const d = detectors[(round_ * DETECTORS_PER_TICK + i) % detectors.length]!
        return { ts, indicator: 'traffic.flow', region: d.region, station: d.code, value: 500 + ((round_ * 7 + i) % 900) }
      })
      round_++
      server.parts.bus.publish(new PointBatch(points, 'bench', ts))
    }, TICK_MS)

    // One in-process listener keeps a real tick, for the bare server to send the same bytes.
    const leader = readCredentials(dataDir).accounts.find((a) => a.role === 'leader')!
    const token = await login(server.url, leader.name, leader.password)
    const probe = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token } })
    let sample: TickPayload | undefined
    probe.on('tick', (p) => {
      if (!sample || liveValueCount(p) > liveValueCount(sample)) sample = p
    })
    await new Promise<void>((resolve) => probe.emit('subscribe', { region: root, columns: COLUMNS }, () => resolve()))

    await pool.start(PROCESSES)
    const per = (i: number) => Math.floor(CLIENTS / PROCESSES) + (i < CLIENTS % PROCESSES ? 1 : 0)
    await pool.all({}, 'connected', (i) => ({ connect: server.url, clients: per(i), region: root, subscribe: true, token, columns: COLUMNS }))
    const ours = await measurePhase(pool, CLIENTS * (1000 / TICK_MS))
    await pool.all({ close: true }, 'closed')
    clearInterval(feeder)
    probe.disconnect()
    if (!sample) throw new Error('no tick was seen')

    // The limit: bare socket.io, same options, same payload, same rate, same clients.
    const httpServer = http.createServer()
    const bareIo = new Server(httpServer, { serveClient: false, perMessageDeflate: false, maxHttpBufferSize: 64 * 1024 })
    bare = { io: bareIo, http: httpServer }
    bareIo.on('connection', (socket) => void socket.join('all'))
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    const bareUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
    const payload = sample
    const broadcaster = setInterval(() => bareIo.to('all').volatile.emit('tick', { ...payload, at: Date.now() }), TICK_MS)
    await pool.all({}, 'connected', (i) => ({ connect: bareUrl, clients: per(i), region: root, subscribe: false }))
    const limit = await measurePhase(pool, CLIENTS * (1000 / TICK_MS))
    clearInterval(broadcaster)
    await pool.all({ close: true }, 'closed')

    const ratio = ours.messages_per_s / limit.messages_per_s
    report({
      name: 'fanout',
      clients: CLIENTS,
      client_processes: PROCESSES,
      tick_ms: TICK_MS,
      values_per_tick: ours.values_per_message,
      values_form: COLUMNS ? 'columns' : 'objects',
      onescreen: ours,
      bare_socket_io: limit,
      throughput_ratio: round(ratio, 3),
      target: { min_ratio: 0.8, max_p99_ms: 500 },
      met: ratio >= 0.8 && ours.p99_ms <= 500,
    })
  } finally {
    await cleanup()
  }
}

runBenchMain(main)
