import type http from 'node:http'
import net from 'node:net'
import type { Logger } from '../logger'
import { descriptorBudget, procDescriptorSource, type DescriptorBudget, type DescriptorSource } from './descriptor-budget'

/**
 * A TCP connection is what a client gets before it says who it is, and each
 * costs a file descriptor the embedded engine needs for its data files. So
 * connections are capped where they arrive — at the server's 'connection'
 * event, before a byte is parsed: in total (the descriptors left once storage
 * has its reserve, see descriptor-budget.ts) and per remote address (one IPv4
 * address, one IPv6 /64: whoever holds one IPv6 address holds its whole /64).
 * A connection over a cap is reset at once. Connections already open are
 * never touched by a cap: a signed-in screen keeps its socket whatever a flood
 * does. The HTTP timeouts below bound how long an open connection that sends
 * nothing useful keeps its place.
 *
 * Proxies in front are exempt from the per-address cap (their one address
 * carries many clients; per-client limits are theirs to enforce) but count
 * toward the total like everyone.
 */

/**
 * Time a connection gets to send a request's headers, from connecting (or
 * from a later request's first byte on a kept-alive connection). Headers are
 * one or two packets; a browser sends them at once, and even over a link with
 * a 1–2 s round trip they are in within 2–3 s. Node's default is 60 s, which
 * let ~19,800 connections that never sent them pile up.
 */
export const HEADERS_TIMEOUT_MS = 5_000

/**
 * How often Node checks open connections against the headers and request
 * timeouts. Node's default, 30 s, adds up to 30 s to every deadline (connections
 * lived 65–75 s against a 60 s timeout); the check walks only connections in
 * the middle of a request, so once a second is cheap.
 */
export const CONNECTIONS_CHECK_MS = 1_000

/**
 * Time to receive a whole request, body included (Node's default: 300 s). The
 * largest body is an ingest batch of 32 MB (MAX_INGEST_BODY_BYTES), ~110 s over
 * a 2.5 Mbit/s uplink; everything else is a few kB.
 */
export const REQUEST_TIMEOUT_MS = 120_000

/**
 * An idle kept-alive connection is closed after this (Node's default, kept on
 * purpose): a page's burst of reads reuses its connections within it, and a
 * wall's next read comes tens of seconds later, over a new one. A proxy in
 * front must drop its idle upstream connections sooner than this.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000

/** The timeouts above, for `http.createServer`. */
export const HTTP_SERVER_OPTIONS = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
} as const satisfies http.ServerOptions

export interface ConnectionLimits {
  /** Open connections at most, for everyone. */
  maxConnections: number
  /** Open connections at most from one address (an IPv4 address, an IPv6 /64). */
  maxPerAddress: number
  /** Addresses and subnets ("10.0.0.5", "fd00::/8") the per-address cap leaves alone: proxies in front. */
  proxies: readonly string[]
}

/** What the guard has done, for /metrics. Counters only grow. */
export interface ConnectionStats {
  /** TCP connections open now (HTTP requests, kept-alive connections, sockets). */
  open: number
  /** Connections reset because their address had maxPerAddress open. */
  refusedPerAddress: number
  /** Connections dropped because maxConnections were open (Node drops them before they reach JavaScript). */
  refusedTotal: number
}

export class ConnectionGuard {
  private readonly perAddress = new Map<string, number>()
  private readonly proxies = new net.BlockList()
  private readonly counts: ConnectionStats = { open: 0, refusedPerAddress: 0, refusedTotal: 0 }

  constructor(readonly limits: ConnectionLimits) {
    for (const entry of limits.proxies) addToBlockList(this.proxies, entry)
  }

  /** Caps `server`'s connections from now on; call before it listens. */
  attach(server: net.Server): void {
    // Node refuses these itself, closing the handle before any JavaScript object is made.
    server.maxConnections = this.limits.maxConnections
    server.on('drop', () => this.counts.refusedTotal++)
    // Before the HTTP server's own listener, which sets up a parser for the connection.
    server.prependListener('connection', (socket: net.Socket) => this.admit(socket))
  }

  /** The figures so far (a copy). */
  get stats(): ConnectionStats {
    return { ...this.counts }
  }

  /** The key an address is capped under, or undefined for a proxy in front (not capped per address). */
  limitedKey(address: string | undefined): string | undefined {
    if (address === undefined) return undefined
    const canonical = canonicalAddress(address)
    if (canonical === undefined) return address
    if (this.proxies.check(canonical, net.isIPv4(canonical) ? 'ipv4' : 'ipv6')) return undefined
    return addressKey(canonical)
  }

  private admit(socket: net.Socket): void {
    // Gone already (reset by the peer before we got here): nothing to count.
    if (socket.remoteAddress === undefined) {
      socket.destroy()
      return
    }
    const key = this.limitedKey(socket.remoteAddress)
    if (key !== undefined) {
      const open = this.perAddress.get(key) ?? 0
      if (open >= this.limits.maxPerAddress) {
        this.counts.refusedPerAddress++
        // A reset, not a close: no FIN handshake for the flooder to drag out.
        socket.resetAndDestroy()
        return
      }
      this.perAddress.set(key, open + 1)
    }
    this.counts.open++
    socket.once('close', () => {
      this.counts.open--
      if (key === undefined) return
      const left = (this.perAddress.get(key) ?? 1) - 1
      if (left > 0) this.perAddress.set(key, left)
      else this.perAddress.delete(key)
    })
  }
}

export interface ConnectionGuardOptions {
  /** An upper bound on the total (MAX_CONNECTIONS); the descriptor budget decides when absent or higher. */
  maxConnections?: number
  maxPerAddress: number
  proxies: readonly string[]
}

/**
 * The guard for this process: the total cap is what the descriptor budget
 * leaves for connections (lowered to `maxConnections` when that is smaller).
 * Call once storage is open, before listening. Logs the budget.
 */
export function createConnectionGuard(options: ConnectionGuardOptions, log: Logger, source: DescriptorSource = procDescriptorSource): ConnectionGuard {
  const budget: DescriptorBudget = descriptorBudget(source)
  const maxConnections = Math.min(options.maxConnections ?? Infinity, budget.connections)
  const guard = new ConnectionGuard({ maxConnections, maxPerAddress: options.maxPerAddress, proxies: options.proxies })
  const figures = { ...budget, maxConnections, maxPerAddress: options.maxPerAddress, proxies: options.proxies }
  if (budget.limitFrom === 'fallback') log.warn(figures, 'open-file limit unknown (no /proc/self/limits): connections capped as if it were the fallback')
  if (budget.connections > budget.openFileLimit - budget.reserve)
    log.warn(figures, 'the open-file limit leaves storage less than its reserve; raise the hard limit (ulimit -Hn, systemd LimitNOFILE)')
  else if (options.maxConnections !== undefined && options.maxConnections > budget.connections)
    log.warn(figures, 'MAX_CONNECTIONS is more than the open-file limit leaves beside storage; lowered (raise the hard limit to allow it)')
  log.info(figures, 'connections capped')
  return guard
}

/**
 * The key an address is capped under: an IPv4 address itself (IPv4-mapped
 * IPv6 included), an IPv6 address's /64 as "a:b:c:d::/64". Anything else
 * (not an IP address) is its own key.
 */
export function addressKey(address: string): string {
  const canonical = canonicalAddress(address)
  if (canonical === undefined) return address
  if (net.isIPv4(canonical)) return canonical
  return `${canonical.split(':').slice(0, 4).join(':')}::/64`
}

/**
 * An IP address in one spelling: IPv4 dotted (IPv4-mapped IPv6 becomes its
 * IPv4 address), IPv6 as eight lowercase groups without leading zeros and
 * without a zone; undefined when it is not an IP address.
 */
export function canonicalAddress(address: string): string | undefined {
  if (net.isIPv4(address)) return address
  const bare = address.replace(/%.*$/, '')
  if (!net.isIPv6(bare)) return undefined
  const groups = ipv6Groups(bare)
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.')
  return groups.map((g) => g.toString(16)).join(':')
}

/** The eight 16-bit groups of a valid IPv6 address (without a zone). */
function ipv6Groups(address: string): number[] {
  let text = address
  // A dotted IPv4 tail ("::ffff:1.2.3.4", "64:ff9b::1.2.3.4") is the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)))
  const front = parse(head)
  if (tail === undefined) return front
  const back = parse(tail)
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back]
}

function addToBlockList(list: net.BlockList, entry: string): void {
  const [address, prefix] = entry.split('/') as [string, string | undefined]
  const canonical = canonicalAddress(address)
  if (canonical === undefined) throw new Error(`not an IP address or subnet: ${entry}`)
  const family = net.isIPv4(canonical) ? 'ipv4' : 'ipv6'
  if (prefix === undefined) list.addAddress(canonical, family)
  else list.addSubnet(canonical, Number(prefix), family)
}
