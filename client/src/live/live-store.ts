import { applyEvent, emptyBook, type Alert, type AlertBook } from '../../../common/alert-state'
import type { AlertEnvelope, LiveValue } from '../../../common/live-contract'

/**
 * What a screen knows live: the latest value of every region and station in
 * its room, the alerts, and the connection. One store per page; ticks are
 * applied in one pass and listeners are told once per tick, so a tick of
 * thousands of values costs one render, not thousands.
 */

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'offline'

export function valueKey(indicator: string, region: string, station?: string): string {
  return station ? `${indicator}|${region}|${station}` : `${indicator}|${region}`
}

type Listener = () => void

/** Alerts a screen keeps in memory (open ones are never dropped). */
const MAX_ALERTS = 2000

export class LiveStore {
  readonly values = new Map<string, LiveValue>()
  /** Server time of the last tick or state received. */
  lastMessageAt = 0
  /** Newest event time of the data. */
  asOf: number | null = null
  /** Bumped on every change of values: a cheap "did anything change" for memos and deck.gl updateTriggers. */
  version = 0
  alertsVersion = 0
  connection: Connection = 'connecting'
  readonly book: AlertBook = emptyBook()
  /** Highest alert sequence number applied. */
  lastSeq = 0
  /** Called for each newly raised alert (sound, notification). */
  onRaised: ((alert: Alert) => void) | null = null
  private readonly listeners = new Set<Listener>()

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** A room's whole state (after subscribing): replaces what was there. */
  replace(values: readonly LiveValue[], asOf: number | null, at: number): void {
    this.values.clear()
    this.applyValues(values, asOf, at)
  }

  applyValues(values: readonly LiveValue[], asOf: number | null, at: number): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!
      this.values.set(valueKey(v.indicator, v.region, v.station), v)
    }
    if (asOf !== null && (this.asOf === null || asOf > this.asOf)) this.asOf = asOf
    this.lastMessageAt = at
    this.version++
    this.emit()
  }

  get(indicator: string, region: string, station?: string): LiveValue | undefined {
    return this.values.get(valueKey(indicator, region, station))
  }

  setConnection(c: Connection): void {
    if (this.connection === c) return
    this.connection = c
    this.emit()
  }

  /** Current alerts from the API (a fresh page), before events from the socket. */
  seedAlerts(alerts: readonly Alert[], lastSeq: number): void {
    for (const a of alerts) this.book.alerts.set(a.id, { ...a })
    this.lastSeq = Math.max(this.lastSeq, lastSeq)
    this.alertsVersion++
    this.emit()
  }

  /** An alert event; a repeat (same seq, around a resume) changes nothing. */
  applyAlert(envelope: AlertEnvelope): void {
    if (envelope.seq <= this.lastSeq) return
    this.lastSeq = envelope.seq
    applyEvent(this.book, envelope)
    this.forgetOldResolved()
    this.alertsVersion++
    if (envelope.event.type === 'raised') {
      const a = this.book.alerts.get(envelope.event.alertId)
      if (a) this.onRaised?.(a)
    }
    this.emit()
  }

  /** A screen left open for days keeps the open alerts and the most recent resolved ones, not all of history. */
  private forgetOldResolved(): void {
    if (this.book.alerts.size <= MAX_ALERTS) return
    const resolved = [...this.book.alerts.values()].filter((a) => a.state === 'resolved').sort((a, b) => a.updatedAt - b.updatedAt)
    for (const a of resolved.slice(0, this.book.alerts.size - MAX_ALERTS)) this.book.alerts.delete(a.id)
    for (const [id, s] of this.book.silences) if (s.endedAt !== null && this.book.silences.size > MAX_ALERTS) this.book.silences.delete(id)
  }

  alerts(): Alert[] {
    return [...this.book.alerts.values()]
  }

  private emit(): void {
    for (const l of this.listeners) l()
  }
}
