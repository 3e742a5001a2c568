import http from 'node:http'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { createLogger } from '../logger'
import { addressKey, canonicalAddress, ConnectionGuard, createConnectionGuard, type ConnectionLimits } from './connection-guard'

/**
 * The caps with real sockets on loopback: connections over a cap are reset
 * before the HTTP server sees a byte, the ones admitted are served, and a
 * place frees up when a connection closes.
 */

const cleanup: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

/** An HTTP server behind a guard; `seen(n)` resolves once the server has had n connections (admitted or not). */
async function serve(limits: ConnectionLimits) {
  const guard = new ConnectionGuard(limits)
  const server = http.createServer((_req, res) => res.end('ok'))
  guard.attach(server)
  let connections = 0
  const waiting: Array<{ n: number; resolve: () => void }> = []
  const note = () => {
    connections++
    for (const w of waiting.filter((w) => connections >= w.n)) w.resolve()
  }
  server.on('connection', note)
  server.on('drop', note)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const port = (server.address() as net.AddressInfo).port
  const seen = (n: number) => new Promise<void>((resolve) => (connections >= n ? resolve() : waiting.push({ n, resolve })))
  return { guard, server, port, seen }
}

/** A TCP connection from 127.0.0.1; `closed` resolves when it ends (a refused one may end before it reports connecting). */
function dial(port: number) {
  const socket = net.connect({ port, host: '127.0.0.1' })
  socket.on('error', () => {})
  cleanup.push(() => void socket.destroy())
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return { socket, closed }
}

/** Sends a GET on an open connection; its status line. */
function get(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk) => resolve(chunk.toString().split('\r\n')[0]!))
    socket.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n')
  })
}

describe('ConnectionGuard', () => {
  it('resets connections over the per-address cap and serves the others', async () => {
    const { guard, port, seen } = await serve({ maxConnections: 100, maxPerAddress: 3, proxies: [] })
    const dialed = []
    // One at a time, so that the server takes them in this order.
    for (let i = 0; i < 5; i++) {
      dialed.push(dial(port))
      await seen(i + 1)
    }
    // The last two, in the order the server took them.
    await Promise.all([dialed[3]!.closed, dialed[4]!.closed])
    expect(guard.stats).toEqual({ open: 3, refusedPerAddress: 2, refusedTotal: 0 })
    for (const d of dialed.slice(0, 3)) expect(await get(d.socket)).toBe('HTTP/1.1 200 OK')
  })

  it('frees a place when a connection closes', async () => {
    const { guard, port, seen } = await serve({ maxConnections: 100, maxPerAddress: 1, proxies: [] })
    const first = dial(port)
    await seen(1)
    first.socket.destroy()
    await first.closed
    while (guard.stats.open > 0) await new Promise((r) => setImmediate(r))
    const second = dial(port)
    await seen(2)
    expect(await get(second.socket)).toBe('HTTP/1.1 200 OK')
    expect(guard.stats).toEqual({ open: 1, refusedPerAddress: 0, refusedTotal: 0 })
  })

  it('leaves a proxy in front alone', async () => {
    const { guard, port, seen } = await serve({ maxConnections: 100, maxPerAddress: 1, proxies: ['127.0.0.0/8'] })
    const dialed = [dial(port), dial(port), dial(port)]
    await seen(3)
    for (const d of dialed) expect(await get(d.socket)).toBe('HTTP/1.1 200 OK')
    expect(guard.stats).toEqual({ open: 3, refusedPerAddress: 0, refusedTotal: 0 })
    expect(guard.limitedKey('127.0.0.1')).toBeUndefined()
    expect(guard.limitedKey('::ffff:127.0.0.9')).toBeUndefined()
    expect(guard.limitedKey('10.0.0.1')).toBe('10.0.0.1')
  })

  it('drops connections over the total cap, proxies included', async () => {
    const { guard, port, seen } = await serve({ maxConnections: 2, maxPerAddress: 100, proxies: ['127.0.0.1'] })
    const dialed = []
    for (let i = 0; i < 3; i++) {
      dialed.push(dial(port))
      await seen(i + 1)
    }
    await dialed[2]!.closed
    expect(guard.stats).toEqual({ open: 2, refusedPerAddress: 0, refusedTotal: 1 })
  })

  it('caps the total at what the descriptor budget leaves, or lower when told', () => {
    const log = createLogger('silent')
    const limits = (open: number) => ({ limits: () => 'Max open files            2000                 2000                 files     ', openDescriptors: () => open })
    expect(createConnectionGuard({ maxPerAddress: 10, proxies: [] }, log, limits(100)).limits.maxConnections).toBe(2000 - 100 - 512)
    expect(createConnectionGuard({ maxConnections: 50, maxPerAddress: 10, proxies: [] }, log, limits(100)).limits.maxConnections).toBe(50)
    expect(createConnectionGuard({ maxConnections: 5000, maxPerAddress: 10, proxies: [] }, log, limits(100)).limits.maxConnections).toBe(2000 - 100 - 512)
  })
})

describe('addressKey', () => {
  it.each([
    ['an IPv4 address', '203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped address in hex', '::ffff:cb00:7107', '203.0.113.7'],
    ['an IPv6 address', '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['another address of the same /64', '2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['a compressed IPv6 address', '2001:db8::1', '2001:db8:0:0::/64'],
    ['a link-local address with a zone', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['IPv6 loopback', '::1', '0:0:0:0::/64'],
    ['NAT64 with a dotted tail', '64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['something else', 'not-an-address', 'not-an-address'],
  ])('keys %s', (_what, address, key) => {
    expect(addressKey(address)).toBe(key)
  })

  it.each([
    ['::', '0:0:0:0:0:0:0:0'],
    ['1::', '1:0:0:0:0:0:0:0'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0:0:0:c000:201'],
  ])('spells %s one way', (address, canonical) => {
    expect(canonicalAddress(address)).toBe(canonical)
  })
})

describe('connection settings', () => {
  it('defaults to per-address caps for every address (no proxy exempt), and the total from the budget', () => {
    expect(loadConfig({}).connections).toEqual({ maxConnections: undefined, maxPerAddress: 256, maxSocketsPerAddress: 128, proxies: [] })
  })

  it('reads them from the environment', () => {
    const env = { MAX_CONNECTIONS: '5000', MAX_CONNECTIONS_PER_ADDRESS: '50', MAX_SOCKETS_PER_ADDRESS: '20', PROXY_ADDRESSES: ' 10.0.0.5, fd00::/8 ' }
    expect(loadConfig(env).connections).toEqual({ maxConnections: 5000, maxPerAddress: 50, maxSocketsPerAddress: 20, proxies: ['10.0.0.5', 'fd00::/8'] })
    expect(loadConfig({ PROXY_ADDRESSES: '' }).connections.proxies).toEqual([])
  })

  it.each([['proxy.example'], ['10.0.0.0/33'], ['10.0.0.1/8/8'], ['::1/129']])('refuses PROXY_ADDRESSES %s, naming it', (entry) => {
    expect(() => loadConfig({ PROXY_ADDRESSES: `127.0.0.1,${entry}` })).toThrow(`PROXY_ADDRESSES: not an IP address or subnet: ${entry}`)
  })
})
