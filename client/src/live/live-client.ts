import { io, type Socket } from 'socket.io-client'
import { liveValuesOf, type ClientToServerEvents, type ResumeAck, type ServerToClientEvents, type SubscribeAck, type SubscribeRequest } from '../../../common/live-contract'
import { alertListReplySchema } from '../../../common/api/alerts-api'
import { getJson } from '../api/http'
import type { LiveStore } from './live-store'

/**
 * The socket behind a page: subscribes to a room, feeds ticks and alert events
 * into the store, and after any reconnect subscribes again (the ack brings the
 * whole current state) and resumes alerts from the last sequence number seen,
 * so a screen that lost its network for an hour misses nothing.
 */

export class LiveClient {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>
  private room: SubscribeRequest
  private seeded = false

  constructor(
    private readonly store: LiveStore,
    room: SubscribeRequest,
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.room = room
    this.socket = io({ transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 5000 })
    this.socket.on('connect', () => void this.join().catch((err: unknown) => this.onError((err as Error).message)))
    this.socket.on('disconnect', (reason) => {
      store.setConnection('reconnecting')
      // A server shutting down (SIGTERM) disconnects the namespace; socket.io does not retry that by itself.
      if (reason === 'io server disconnect') this.socket.connect()
    })
    this.socket.io.on('reconnect_attempt', () => store.setConnection('reconnecting'))
    this.socket.on('tick', (p) => {
      const probe = (globalThis as { __onescreenTickTimes?: number[] }).__onescreenTickTimes
      const t0 = probe ? performance.now() : 0
      store.applyValues(liveValuesOf(p), p.asOf, p.at)
      // Benchmarks (client_tick) measure a tick's main-thread cost: the apply and
      // the renders it causes, which React runs in tasks queued before this timer.
      if (probe) setTimeout(() => probe.push(performance.now() - t0), 0)
    })
    this.socket.on('alert', (e) => store.applyAlert(e))
  }

  /** Moves to another room (a drill-down): the ack replaces the store's values. */
  setRoom(room: SubscribeRequest): void {
    this.room = room
    if (this.socket.connected) void this.join().catch((err: unknown) => this.onError((err as Error).message))
  }

  close(): void {
    this.socket.close()
  }

  private async join(): Promise<void> {
    // Values by column: a third of the bytes of an object each, and cheaper to parse every second.
    const ack = await this.socket.emitWithAck('subscribe', { ...this.room, columns: true })
    if (!ack.ok) {
      this.onError(ack.error.message)
      return
    }
    this.store.replace(liveValuesOf(ack.state), ack.state.asOf, ack.state.at)
    if (!this.seeded) {
      await this.seedAlerts(ack)
    } else {
      const resumed: ResumeAck = await this.socket.emitWithAck('resume', { lastSeq: this.store.lastSeq })
      if (!resumed.ok) this.onError(resumed.error.message)
    }
    this.store.setConnection('live')
  }

  private async seedAlerts(ack: Extract<SubscribeAck, { ok: true }>): Promise<void> {
    try {
      const { alerts } = await getJson(`/api/alerts?region=${encodeURIComponent(this.room.region)}&state=firing,acknowledged`, alertListReplySchema)
      this.store.seedAlerts(alerts, ack.lastSeq)
      this.seeded = true
    } catch (err) {
      this.onError((err as Error).message)
    }
  }
}
