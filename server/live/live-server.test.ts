import http from 'node:http'
import type { AddressInfo, Socket as NetSocket } from 'node:net'
import { io, Manager, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { liveValueCount, liveValuesOf, type ClientToServerEvents, type LiveValue, type ServerToClientEvents, type TickPayload } from '../../common/live-contract'
import { PointBatch } from '../../common/point-batch'
import { testCatalog } from '../../test/fixtures/catalog'
import { createLogger } from '../logger'
import { LiveHub } from './live-hub'
import { LiveServer, type LiveServerOptions } from './live-server'
import { account, fakeAuth } from '../../test/fixtures/principals'

/**
 * The tick path with real sockets and no storage: a screen that stops reading
 * is skipped instead of piling up ticks, and once it reads again it gets its
 * room's whole state, so nothing it missed stays stale.
 */

const index = testCatalog()
const cleanup: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

async function setup(options: Partial<LiveServerOptions> = {}) {
  const hub = new LiveHub(index)
  const httpServer = http.createServer()
  const alerts = { lastSeq: 0, subscribe: () => () => {}, since: async () => [] }
  const live = new LiveServer(httpServer, { hub, index, alerts: alerts as never, log: createLogger('silent'), auth: fakeAuth(account(index.tree.root.code)) }, { tickMs: 60_000, ...options })
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => new Promise<void>((resolve) => httpServer.close(() => resolve())))
  cleanup.push(() => live.close())
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
  return { hub, live, url }
}

function connect(url: string): Socket<ServerToClientEvents, ClientToServerEvents> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: 'test' } })
  cleanup.push(() => void socket.disconnect())
  return socket
}

/** Whether a socket gets connected or refused. */
function outcome(socket: Socket): Promise<'connected' | Error> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'))
    socket.once('connect_error', resolve)
  })
}

/**
 * A bare engine.io connection, with no socket.io socket on it: socket.io-client
 * closes the connection itself when its socket is refused, which would hide
 * whether the server does. `closed` resolves when the server closes it.
 */
async function openEngine(url: string) {
  const manager = new Manager(url, { transports: ['websocket'], reconnection: false, autoConnect: false })
  cleanup.push(() => void manager.engine?.close())
  await new Promise<void>((resolve, reject) => manager.open((err) => (err ? reject(err) : resolve())))
  const closed = new Promise<void>((resolve) => manager.engine.once('close', () => resolve()))
  const received: string[] = []
  manager.engine.on('message', (m) => received.push(String(m)))
  return { engine: manager.engine, closed, received }
}

/** The TCP socket under a connected socket.io client (websocket transport). */
function tcpOf(socket: Socket): NetSocket {
  return (socket.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket
}

/** Many detectors' worth of new values: big ticks fill a socket's buffers fast. */
function bigBatch(round: number): PointBatch {
  const points = Array.from({ length: 20_000 }, (_, i) => ({
    ts: 1_790_000_000_000 + round * 1000,
    indicator: 'traffic.flow',
    region: i % 2 ? '990101' : '990102',
    station: `TD-FAKE-${round}-${i}`,
    value: round * 100 + (i % 97),
  }))
  return new PointBatch(points)
}

describe('LiveServer ticks', () => {
  it('skips a screen that has stopped reading, then heals it with the whole state', async () => {
    const { hub, live, url } = await setup()
    const slow = connect(url)
    const ticks: TickPayload[] = []
    slow.on('tick', (p) => ticks.push(p))
    await new Promise<void>((resolve) => slow.emit('subscribe', { region: '990000', indicators: ['traffic.flow'] }, () => resolve()))

    // The screen stops reading; ticks of ~2 MB each soon cannot be written to it.
    tcpOf(slow).pause()
    for (let round = 1; round <= 12; round++) {
      hub.apply(bigBatch(round))
      live.tick()
    }
    const serverSide = [...live.io.of('/').sockets.values()][0]!
    expect(serverSide.data.missed).toBe(true)
    // Bounded: at most the tick being written and one queued, never all twelve.
    expect((serverSide.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length).toBeLessThanOrEqual(1)

    tcpOf(slow).resume()
    // Keep ticking (nothing new) until the screen has caught up and been healed.
    const deadline = Date.now() + 10_000
    while (serverSide.data.missed && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
      live.tick()
    }
    expect(serverSide.data.missed).toBe(false)
    // The healing message is the whole state: it may take a moment to arrive and be read.
    const full = hub.state({ region: '990000', indicators: new Set(['traffic.flow']), stations: true }).values.length
    const until = Date.now() + 15_000
    while ((ticks.length === 0 || liveValueCount(ticks.at(-1)!) !== full) && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    const last = ticks.at(-1)!
    const byKey = new Map(liveValuesOf(last).map((v: LiveValue) => [`${v.region}|${v.station ?? ''}`, v.value]))
    expect(byKey.get('990101|TD-FAKE-12-1')).toBe(12 * 100 + 1)
    expect(byKey.get('990000|')).toBe(hub.value('traffic.flow', '990000')!.value)
    expect(liveValueCount(last)).toBe(hub.state({ region: '990000', indicators: new Set(['traffic.flow']), stations: true }).values.length)
  }, 30_000)

  it('sends a screen that keeps up every delta and nothing twice', async () => {
    const { hub, live, url } = await setup()
    const screen = connect(url)
    const ticks: TickPayload[] = []
    screen.on('tick', (p) => ticks.push(p))
    await new Promise<void>((resolve) => screen.emit('subscribe', { region: '990100', indicators: ['traffic.flow'] }, () => resolve()))
    for (let round = 1; round <= 3; round++) {
      hub.apply(new PointBatch([{ ts: 1_790_000_000_000 + round, indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001', value: round }]))
      live.tick()
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(ticks.map((t) => liveValuesOf(t).find((v) => v.station === 'TD-990101-001')?.value)).toEqual([1, 2, 3])
  })
})

describe('LiveServer handshakes', () => {
  it('refuses a long-polling handshake and holds nothing for it', async () => {
    const { live, url } = await setup()
    const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { connection: 'close' } })
    await res.arrayBuffer()
    expect(res.status).toBe(400)
    expect(live.io.engine.clientsCount).toBe(0)
  })

  it('closes a connection as soon as its CONNECT is refused for want of a credential', async () => {
    // Held an hour otherwise: a close can only come from the refusal.
    const { live, url } = await setup({ connectTimeoutMs: 3_600_000 })
    const { engine, closed, received } = await openEngine(url)
    expect(live.io.engine.clientsCount).toBe(1)
    engine.send('0{}')
    await closed
    expect(received).toEqual([expect.stringMatching(/^4\{"message":"unauthenticated/)])
    expect(live.refusals.unauthenticated).toBe(1)
    while (live.io.engine.clientsCount > 0) await new Promise((r) => setImmediate(r))
  })

  it('closes a connection that never sends CONNECT after the connect timeout', async () => {
    const { live, url } = await setup({ connectTimeoutMs: 100 })
    const { closed } = await openEngine(url)
    await closed
    while (live.io.engine.clientsCount > 0) await new Promise((r) => setImmediate(r))
  })

  it('caps sockets per address, and frees a place when one closes', async () => {
    const { live, url } = await setup({ maxSocketsPerAddress: 2 })
    const [a, b] = [connect(url), connect(url)]
    expect(await outcome(a)).toBe('connected')
    expect(await outcome(b)).toBe('connected')
    const third = connect(url)
    expect(await outcome(third)).toBeInstanceOf(Error)
    expect(live.refusals.perAddress).toBe(1)
    a.disconnect()
    while (live.io.engine.clientsCount > 1) await new Promise((r) => setTimeout(r, 10))
    expect(await outcome(connect(url))).toBe('connected')
  })

  it('leaves an address alone that addressKey exempts', async () => {
    const { live, url } = await setup({ maxSocketsPerAddress: 1, addressKey: () => undefined })
    const sockets = [connect(url), connect(url), connect(url)]
    for (const s of sockets) expect(await outcome(s)).toBe('connected')
    expect(live.refusals.perAddress).toBe(0)
  })
})
