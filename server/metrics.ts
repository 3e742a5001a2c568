import { Router } from 'express'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/**
 * Operational metrics in Prometheus text format at GET /metrics. Counters and
 * gauges read the components' own figures at scrape time (nothing counts twice);
 * latencies are histograms fed as they happen.
 */

export interface MetricSources {
  ingest: () => { accepted: number; rejected: number; duplicates: number; backpressured: number; queueDepth: number }
  sockets: () => { sockets: number; rooms: number }
  openAlerts: () => number
  alertEvents: () => number
  /** Stored alert events left out of the state because they do not parse. */
  alertEventsRefused: () => number
  staleIndicators: () => number
  /** Points the rule engine passed over: older than the last judged (late), or at the same time (duplicate). */
  rulePointsSkipped: () => { late: number; duplicate: number }
  /** Active data parts per table: inserts slow down (by the engine's design) when merges fall behind. */
  activeParts: () => Promise<Array<{ table: string; parts: number }>>
}

export class Metrics {
  readonly registry = new Registry()
  private readonly insertSeconds: Histogram
  private readonly tickSeconds: Histogram
  private readonly tickValues: Counter

  constructor() {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry, prefix: 'onescreen_' })
    this.insertSeconds = new Histogram({
      name: 'onescreen_insert_duration_seconds',
      help: 'Time to store one batch of points (insert and materialized views)',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    })
    this.tickSeconds = new Histogram({
      name: 'onescreen_tick_duration_seconds',
      help: 'Time to compute one live tick and hand it to the rooms',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    })
    this.tickValues = new Counter({ name: 'onescreen_tick_values_total', help: 'Changed values sent by live ticks (before room filtering)', registers })
  }

  onInsert = (ms: number, _rows: number, ok: boolean): void => {
    this.insertSeconds.observe({ outcome: ok ? 'ok' : 'failed' }, ms / 1000)
  }

  onTick = (ms: number, values: number): void => {
    this.tickSeconds.observe(ms / 1000)
    this.tickValues.inc(values)
  }

  /** Registers the figures read at scrape time. */
  watch(sources: MetricSources): void {
    const registers = [this.registry]
    const total = (name: string, help: string, read: () => number) => {
      let last = 0
      new Counter({
        name,
        help,
        registers,
        collect() {
          const now = read()
          if (now > last) this.inc(now - last)
          last = now
        },
      })
    }
    const gauge = (name: string, help: string, read: () => number) => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read())
        },
      })
    }
    total('onescreen_points_accepted_total', 'Points accepted and stored', () => sources.ingest().accepted)
    total('onescreen_points_rejected_total', 'Points rejected (kept in the dead letter with their reason)', () => sources.ingest().rejected)
    total('onescreen_points_duplicate_total', 'Points dropped as repeats of a stored id', () => sources.ingest().duplicates)
    total('onescreen_ingest_backpressured_total', 'Ingest requests answered 503 because the queue was full', () => sources.ingest().backpressured)
    gauge('onescreen_ingest_queue_rows', 'Points waiting for or being inserted', () => sources.ingest().queueDepth)
    gauge('onescreen_sockets', 'Connected sockets', () => sources.sockets().sockets)
    gauge('onescreen_rooms', 'Live rooms (distinct subscriptions)', () => sources.sockets().rooms)
    gauge('onescreen_alerts_open', 'Alerts not resolved', () => sources.openAlerts())
    total('onescreen_alert_events_total', 'Alert events logged', () => sources.alertEvents())
    total('onescreen_alert_events_refused_total', 'Stored alert events that do not parse, left out of the alert state (see the log)', () => sources.alertEventsRefused())
    total('onescreen_rule_points_late_total', 'Points a rule passed over as older than the last one it judged for the series (event time)', () => sources.rulePointsSkipped().late)
    total('onescreen_rule_points_duplicate_total', 'Points a rule passed over as a second reading at the same time as the last one judged', () => sources.rulePointsSkipped().duplicate)
    gauge('onescreen_indicators_stale', 'Indicators with no fresh source', () => sources.staleIndicators())
    new Gauge({
      name: 'onescreen_storage_active_parts',
      help: 'Active data parts per table (many small parts mean merges are behind and inserts will be delayed)',
      labelNames: ['table'],
      registers,
      async collect() {
        this.reset()
        for (const { table, parts } of await sources.activeParts().catch(() => [])) this.set({ table }, parts)
      },
    })
  }

  /**
   * A work queue's figures (password hashing, heavy queries): running and
   * waiting now, and refused since start, as `onescreen_<name>_running`,
   * `_queued` and `_refused_total`.
   */
  watchQueue(name: string, what: string, read: () => { running: number; queued: number; refused: number }): void {
    const registers = [this.registry]
    new Gauge({ name: `onescreen_${name}_running`, help: `${what} running now`, registers, collect() { this.set(read().running) } })
    new Gauge({ name: `onescreen_${name}_queued`, help: `${what} waiting for their turn`, registers, collect() { this.set(read().queued) } })
    let last = 0
    new Counter({
      name: `onescreen_${name}_refused_total`,
      help: `${what} refused because their caller's or everyone's queue was full`,
      registers,
      collect() {
        const now = read().refused
        if (now > last) this.inc(now - last)
        last = now
      },
    })
  }

  /** TCP connections (open, refused by the per-address or total cap) and socket handshakes refused. */
  watchConnections(
    connections: () => { open: number; refusedPerAddress: number; refusedTotal: number },
    sockets: () => { perAddress: number; unauthenticated: number },
  ): void {
    const registers = [this.registry]
    new Gauge({ name: 'onescreen_connections_open', help: 'Open TCP connections', registers, collect() { this.set(connections().open) } })
    const refused = (name: string, help: string, read: () => number) => {
      let last = 0
      new Counter({
        name,
        help,
        registers,
        collect() {
          const now = read()
          if (now > last) this.inc(now - last)
          last = now
        },
      })
    }
    refused('onescreen_connections_refused_per_address_total', 'Connections reset because their address held its share already', () => connections().refusedPerAddress)
    refused('onescreen_connections_refused_total_cap_total', 'Connections dropped because the server held all the connections its descriptors allow', () => connections().refusedTotal)
    refused('onescreen_sockets_refused_per_address_total', 'Socket handshakes refused because their address held its share already', () => sockets().perAddress)
    refused('onescreen_sockets_refused_unauthenticated_total', 'Socket handshakes refused for want of a valid credential', () => sockets().unauthenticated)
  }

  router(): Router {
    const router = Router()
    router.get('/metrics', async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store')
      res.type(this.registry.contentType).send(await this.registry.metrics())
    })
    return router
  }
}
