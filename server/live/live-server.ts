import type http from 'node:http'
import { Server, type Socket } from 'socket.io'
import type { CatalogIndex } from '../../common/catalog-index'
import {
  describeIssues,
  ResumeRequestSchema,
  SubscribeRequestSchema,
  toLiveColumns,
  type AckError,
  type AlertEnvelope,
  type ClientToServerEvents,
  type ResumeAck,
  type ServerToClientEvents,
  type SubscribeAck,
  type TickPayload,
} from '../../common/live-contract'
import type { Logger } from '../logger'
import { credentialOf, principalFor, type Authenticator } from '../auth/http-auth'
import type { AlertFeed } from '../alerting/alert-feed'
import type { HubValues, LiveFilter, LiveHub } from './live-hub'

/**
 * socket.io on the HTTP server's port: rooms, ticks and alert events.
 *
 * A room is a filter (region subtree, indicators, stations or not). Once per
 * tick the hub computes what changed — once, for everyone — and each room gets
 * the part of it that falls inside its filter, as one broadcast: the payload is
 * built and encoded once per room, never per socket.
 *
 * Ticks are volatile in the sense that matters: a screen that has not taken
 * the previous tick yet is skipped, so a slow screen never builds a backlog.
 * Unlike socket.io's `volatile` (which drops silently, leaving a value that
 * does not change again stale on that screen for good), a skipped socket is
 * remembered and gets its room's whole current state as soon as it keeps up.
 *
 * Alert events go to every socket whose region contains the event's region,
 * reliably and numbered.
 */

interface SocketData {
  /** The handshake's credential, checked again now and then: a session that ends closes its sockets. */
  credential: string
  /** The root of what the socket's account may see. */
  scope: string
  filter?: LiveFilter
  /** The socket takes values by column. */
  columns?: boolean
  /** A tick was held back from this socket (it was still busy with an earlier one). */
  missed?: boolean
  /** Packets made for this socket and not yet handed to its transport (engine.io's packetCreate and flush events). */
  queued?: number
}

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export interface LiveServerOptions {
  tickMs: number
  /** Called after each tick with its duration (for metrics). */
  onTick?: (ms: number, values: number) => void
  /** Called with each tick's changed values before they are sent (the rule engine judges region aggregates). */
  onDelta?: (values: HubValues['values']) => void
  /** socket.io connections at most from one address (default: no cap). */
  maxSocketsPerAddress?: number
  /**
   * The key an address is capped under, or undefined for one the cap leaves
   * alone (a proxy in front): ConnectionGuard.limitedKey. Default: the address.
   */
  addressKey?: (address: string | undefined) => string | undefined
  /** Time a new connection has to send socket.io's CONNECT (default SOCKET_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number
  /** The server's clock, stamped on every message (`at`): screens judge freshness by it. @default Date.now */
  now?: () => number
}

/** Handshakes refused, for metrics. Counters only grow. */
export interface SocketRefusals {
  /** The address already had maxSocketsPerAddress sockets. */
  perAddress: number
  /** No valid credential, or no right to view: refused at CONNECT, and the connection closed. */
  unauthenticated: number
}

/**
 * Time a new connection has to send socket.io's CONNECT (socket.io's default:
 * 45 s, for which every handshake without a credential was held). A client
 * sends CONNECT as soon as its transport opens; 10 s leaves a slow link and a
 * busy server (thousands of screens reconnecting at once) plenty.
 */
export const SOCKET_CONNECT_TIMEOUT_MS = 10_000

export class LiveServer {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
  /** Tick rooms by name: the filter each stands for. */
  private readonly rooms = new Map<string, { filter: LiveFilter; columns: boolean }>()
  private timer: NodeJS.Timeout | undefined
  private recheck: NodeJS.Timeout | undefined
  private readonly unsubscribeAlerts: () => void
  /** Open engine connections by address key. */
  private readonly socketsByAddress = new Map<string, number>()
  private readonly refused: SocketRefusals = { perAddress: 0, unauthenticated: 0 }

  constructor(
    httpServer: http.Server,
    private readonly deps: { hub: LiveHub; index: CatalogIndex; alerts: AlertFeed; log: Logger; auth: Authenticator },
    private readonly options: LiveServerOptions,
  ) {
    this.io = new Server(httpServer, {
      serveClient: false,
      // Same origin only: the wall is served from this port (Vite proxies in development).
      cors: undefined,
      // Ticks are JSON of up to a few hundred kB; compressing each for thousands
      // of sockets would cost more CPU than the loopback or LAN saves.
      perMessageDeflate: false,
      maxHttpBufferSize: 64 * 1024,
      // Our clients (the wall's and every program's) open a WebSocket straight
      // away. Long-polling would only add sessions held between requests with
      // buffers of their own — for anyone, before any credential is seen (the
      // token comes in CONNECT) — so its handshakes are refused (400).
      transports: ['websocket'],
      connectTimeout: options.connectTimeoutMs ?? SOCKET_CONNECT_TIMEOUT_MS,
      allowRequest: (req, callback) => {
        // Cookies ride along with a WebSocket from any page, so a socket from another site's page is refused outright.
        const origin = req.headers.origin
        const host = req.headers.host
        if (origin !== undefined && (host === undefined || !sameHost(origin, host))) return callback('cross-origin socket', false)
        // Cheap, before the WebSocket handshake; the count is checked again once the connection exists.
        const key = this.addressKeyOf(req.socket.remoteAddress)
        if (key !== undefined && (this.socketsByAddress.get(key) ?? 0) >= this.maxSocketsPerAddress) {
          this.refused.perAddress++
          return callback('too many sockets from this address', false)
        }
        callback(null, true)
      },
    })
    this.io.engine.on('connection', (conn: LiveSocket['conn']) => this.countSocket(conn))
    // The same credentials as HTTP (the session cookie, or a token in the handshake's auth), and the right to view.
    this.io.use((socket, next) => {
      // The refusal (CONNECT_ERROR) goes out on the next tick; then the connection is closed instead of being held until connectTimeout.
      const refuse = (message: string) => {
        this.refused.unauthenticated++
        next(new Error(message))
        setImmediate(() => socket.conn.close())
      }
      const given = (socket.handshake.auth as { token?: unknown } | undefined)?.token
      const credential = typeof given === 'string' ? given : credentialOf(socket.handshake.headers)
      const principal = principalFor(deps.auth, credential)
      if (!principal || principal.kind !== 'account') return refuse('unauthenticated: sign in first')
      if (!principal.permissions.has('view')) return refuse('forbidden: this account may not view the dashboards')
      socket.data.credential = credential!
      socket.data.scope = principal.region
      next()
    })
    this.io.of('/').adapter.on('delete-room', (room: string) => this.rooms.delete(room))
    this.io.on('connection', (socket) => this.onConnection(socket))
    this.unsubscribeAlerts = deps.alerts.subscribe((envelope) => this.broadcastAlert(envelope))
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.options.tickMs)
    this.recheck = setInterval(() => this.recheckSessions(), SESSION_RECHECK_MS)
    this.recheck.unref()
  }

  /** Closes the sockets whose session has ended (signed out, expired, account disabled or changed). */
  recheckSessions(): void {
    for (const socket of this.io.of('/').sockets.values()) {
      const p = principalFor(this.deps.auth, socket.data.credential)
      if (!p || p.kind !== 'account' || p.region !== socket.data.scope) socket.disconnect(true)
    }
  }

  /** Number of connected sockets and of tick rooms, for metrics. */
  get counts(): { sockets: number; rooms: number } {
    return { sockets: this.io.of('/').sockets.size, rooms: this.rooms.size }
  }

  /** Handshakes refused so far, for metrics. */
  get refusals(): SocketRefusals {
    return { ...this.refused }
  }

  private get maxSocketsPerAddress(): number {
    return this.options.maxSocketsPerAddress ?? Infinity
  }

  private addressKeyOf(address: string | undefined): string | undefined {
    return this.options.addressKey ? this.options.addressKey(address) : address
  }

  /** Counts an engine connection against its address until it closes; one over the cap (handshakes that raced past allowRequest) is closed. */
  private countSocket(conn: LiveSocket['conn']): void {
    const key = this.addressKeyOf(conn.remoteAddress)
    if (key === undefined) return
    const open = (this.socketsByAddress.get(key) ?? 0) + 1
    this.socketsByAddress.set(key, open)
    conn.once('close', () => {
      const left = (this.socketsByAddress.get(key) ?? 1) - 1
      if (left > 0) this.socketsByAddress.set(key, left)
      else this.socketsByAddress.delete(key)
    })
    if (open > this.maxSocketsPerAddress) {
      this.refused.perAddress++
      conn.close()
    }
  }

  /** Computes the changes once and sends each room its part. */
  tick(): void {
    const started = performance.now()
    const delta = this.deps.hub.tick()
    if (delta.values.length > 0) this.options.onDelta?.(delta.values)
    const sockets = this.io.of('/').sockets
    const members = this.io.of('/').adapter.rooms
    for (const [room, { filter, columns }] of this.rooms) {
      const values = delta.values.length > 0 ? delta.values.filter((v) => this.deps.hub.matches(v, filter)) : []
      if (values.length === 0) continue
      const busy: string[] = []
      for (const id of members.get(room) ?? []) {
        const socket = sockets.get(id)
        if (socket && backlogged(socket)) {
          busy.push(id)
          socket.data.missed = true
        }
      }
      const at = (this.options.now ?? Date.now)()
      this.io.to(room).except(busy).emit('tick', { asOf: delta.asOf, at, values: columns ? toLiveColumns(values, at) : values })
    }
    // Screens that were skipped and keep up again get their room's whole state.
    for (const socket of sockets.values()) {
      if (!socket.data.missed || !socket.data.filter || backlogged(socket)) continue
      socket.data.missed = false
      socket.emit('tick', stateMessage(this.deps.hub.state(socket.data.filter), socket.data.columns === true, (this.options.now ?? Date.now)()))
    }
    this.options.onTick?.(performance.now() - started, delta.values.length)
  }

  /** Disconnects every socket and stops ticking. The HTTP server is closed by its owner. */
  async close(): Promise<void> {
    clearInterval(this.timer)
    clearInterval(this.recheck)
    this.unsubscribeAlerts()
    this.io.disconnectSockets(true)
    // io.close() would also close the HTTP server; its owner does that, after draining.
    this.io.engine.close()
    this.io.removeAllListeners()
    await Promise.resolve()
  }

  private onConnection(socket: LiveSocket): void {
    // engine.io queues packets while the transport is still writing earlier ones, and hands the
    // queue over in one flush when it is free: counted from its public events.
    socket.data.queued = 0
    socket.conn.on('packetCreate', () => (socket.data.queued = (socket.data.queued ?? 0) + 1))
    socket.conn.on('flush', () => (socket.data.queued = 0))
    // An emit with an ack but no payload hands the ack over as the payload: answer it all the same.
    socket.on('subscribe', (request: unknown, ack?: unknown) => {
      if (typeof ack !== 'function' && typeof request === 'function') [request, ack] = [undefined, request]
      if (typeof ack !== 'function') return
      ;(ack as (a: SubscribeAck) => void)(this.subscribe(socket, request))
    })
    socket.on('resume', (request: unknown, ack?: unknown) => {
      if (typeof ack !== 'function' && typeof request === 'function') [request, ack] = [undefined, request]
      if (typeof ack !== 'function') return
      const reply = ack as (a: ResumeAck) => void
      this.resume(socket, request).then(reply, (err: unknown) => {
        this.deps.log.error({ err }, 'resume failed')
        reply(refusal('internal', 'the missed alert events could not be read; try again'))
      })
    })
  }

  private subscribe(socket: LiveSocket, request: unknown): SubscribeAck {
    const parsed = SubscribeRequestSchema.safeParse(request)
    if (!parsed.success) return refusal('invalid_subscription', describeIssues(parsed.error))
    const { region, indicators, stations = true, columns = false } = parsed.data
    if (!this.deps.index.region(region)) return refusal('unknown_region', `unknown region ${region}`)
    if (!this.deps.index.tree.isWithin(region, socket.data.scope))
      return refusal('outside_scope', `region ${region} is outside this account's region ${socket.data.scope}`)
    const unknown = (indicators ?? []).filter((i) => !this.deps.index.indicator(i))
    if (unknown.length > 0) return refusal('unknown_indicator', `unknown indicator${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`)

    const wanted = indicators ? [...new Set(indicators)].sort() : null
    const filter: LiveFilter = { region, indicators: wanted ? new Set(wanted) : null, stations }
    const room = `tick:${region}|${wanted?.join(',') ?? '*'}|${stations ? 's' : ''}|${columns ? 'c' : ''}`
    for (const joined of socket.rooms) if (joined !== socket.id) void socket.leave(joined)
    this.rooms.set(room, { filter, columns })
    void socket.join([room, alertRoom(region)])
    socket.data.filter = filter
    socket.data.columns = columns
    const state = stateMessage(this.deps.hub.state(filter), columns, (this.options.now ?? Date.now)())
    return { ok: true, room: { region, indicators: wanted, stations, columns }, state, lastSeq: this.deps.alerts.lastSeq }
  }

  private async resume(socket: LiveSocket, request: unknown): Promise<ResumeAck> {
    const parsed = ResumeRequestSchema.safeParse(request)
    if (!parsed.success) return refusal('invalid_resume', describeIssues(parsed.error))
    const filter = socket.data.filter
    if (!filter) return refusal('not_subscribed', 'subscribe to a region before resuming, so the missed events can be chosen')
    const missed = await this.deps.alerts.since(parsed.data.lastSeq, (e) => this.deps.index.tree.isWithin(e.region, filter.region))
    for (const envelope of missed) socket.emit('alert', envelope)
    return { ok: true, replayed: missed.length, lastSeq: this.deps.alerts.lastSeq }
  }

  private broadcastAlert(envelope: AlertEnvelope): void {
    // Every room whose region contains the event's region; a socket in several hears it once.
    const rooms = this.deps.index.tree.lineage(envelope.event.region).map((r) => alertRoom(r.code))
    if (rooms.length > 0) this.io.to(rooms).emit('alert', envelope)
  }
}

/** A room's whole state as a message sent now. */
function stateMessage(state: HubValues, columns: boolean, at: number): TickPayload {
  return { asOf: state.asOf, at, values: columns ? toLiveColumns(state.values, at) : state.values }
}

/** Still sending an earlier message: packets wait for the transport (see onConnection). */
function backlogged(socket: LiveSocket): boolean {
  return (socket.data.queued ?? 0) > 0
}

/** How often connected sockets' sessions are checked again. */
const SESSION_RECHECK_MS = 15_000

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}

function alertRoom(region: string): string {
  return `alerts:${region}`
}

function refusal(code: string, message: string): AckError {
  return { ok: false, error: { code, message } }
}
