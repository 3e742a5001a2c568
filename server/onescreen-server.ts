import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { CatalogIndex } from '../common/catalog-index'
import { IngestBus } from '../ingest/ingest-bus'
import { IngestPipeline, type PipelineLimits } from '../ingest/ingest-pipeline'
import { DEFAULT_DRIVER_OPTIONS, SimulationDriver } from '../ingest/simulation-driver'
import { createSimulators } from '../ingest/simulators/create-simulators'
import type { Simulator } from '../ingest/simulators/simulator'
import { bootstrapHistory } from './history-bootstrap'
import { loadCatalog } from './catalog/load-catalog'
import { Walls } from './walls/walls'
import { Departments } from './dispatch/departments'
import { CaseService } from './dispatch/case-service'
import { CaseLinks } from './dispatch/case-links'
import { ClickHouseCaseRecords } from './storage/case-tables'
import { ClickHouseDocumentRecords } from './storage/document-tables'
import { loadScorecard } from './scorecard/load-scorecard'
import { AuthService } from './auth/auth-service'
import { ClickHouseAuthStore } from './storage/auth-tables'
import type { AlertService } from './alerting/alert-service'
import { createAlerting } from './alerting/create-alerting'
import type { RuleEngine } from './alerting/rule-engine'
import type { RuleStore } from './alerting/rule-store'
import { RULES_DIR } from './alerting/rule-files'
import type { Config } from './config'
import { createApp } from './http/create-app'
import { createConnectionGuard, HTTP_SERVER_OPTIONS, type ConnectionGuard } from './http/connection-guard'
import { WriteHealth } from './http/health-router'
import type { Logger } from './logger'
import { migrate, schemaContext } from './storage/migrations'
import { repairRollups } from './storage/rollup-repair'
import { AlertFeed } from './alerting/alert-feed'
import { ClickHouseAlertEventRows } from './storage/alert-event-tables'
import { ClickHouseFeedMemory } from './storage/freshness-tables'
import { ClickHouseHistoryStorage } from './storage/history-tables'
import { activeParts } from './storage/storage-stats'
import { FreshnessTracker, STALE_AFTER_CADENCES } from './live/freshness'
import { Metrics } from './metrics'
import { LiveHub } from './live/live-hub'
import { LiveServer } from './live/live-server'
import { BacktestRows } from './storage/backtest-rows'
import { IndicatorQueries } from './storage/indicator-queries'
import { RegionSeries } from './storage/region-series'
import { PointStore } from './storage/point-store'
import { syncReferenceTables } from './storage/reference-store'
import { createStorageClient, type StorageClient } from './storage/storage-client'
import { tableNames } from './storage/tables'
import { StorageFaults, withFaults } from './storage/storage-faults'

/** Where `vite build` puts the client. */
export const CLIENT_DIR = path.resolve(import.meta.dirname, '../dist/client')

/** "Fast" indicators, whose last day is back-filled minute by minute: reported at least once a minute. */
const MINUTE_HISTORY_MAX_CADENCE_S = 60

/** What a running server offers whoever started it: where it listens, and how to stop it. */
export interface RunningServer {
  readonly url: string
  readonly catalog: CatalogIndex
  /** Where a first start on loopback wrote the demo accounts' passwords (undefined on later starts). */
  readonly credentialsFile: string | undefined
  /** Stops accepting, stores what is queued, closes sockets and the engine. */
  close(): Promise<void>
  /** The parts behind the API, for tests and benchmarks in the same process (ServerParts). */
  readonly parts: ServerParts
}

/**
 * What tests and benchmarks in the same process reach behind the HTTP API:
 * for each part, only what they read or drive, never the whole object.
 */
export interface ServerParts {
  /** Cases dispatched to departments (the overdue check can be run at once). */
  readonly cases: CaseService
  readonly departments: Departments
  /** The engine, to read back what was stored (and to build a store's adapter on it). */
  readonly storage: StorageClient
  /** Ingest without HTTP (simulated sources), and its counters. */
  readonly pipeline: Pick<IngestPipeline, 'ingestValues' | 'ingestBody' | 'stats'>
  /** Accepted batches, as the live hub and the rule engine receive them. */
  readonly bus: Pick<IngestBus, 'publish' | 'subscribe'>
  /** Region series compaction, run to completion on demand. */
  readonly regionSeries: Pick<RegionSeries, 'runOnce'>
  /** The latest value per series, as ticks carry it. */
  readonly hub: Pick<LiveHub, 'value'>
  /** The alert log: events appended and read back in order. */
  readonly alertLog: Pick<AlertFeed, 'append' | 'lastSeq' | 'since' | 'rejectedOnLoad'>
  /** Alerts as the duty console sees them. */
  readonly alerting: Pick<AlertService, 'list' | 'get' | 'silences' | 'history' | 'acknowledge'>
  /** The rule engine's counters. */
  readonly engine: Pick<RuleEngine, 'evaluations' | 'pending'>
  /** The stored rules, and news of their changes. */
  readonly rules: Pick<RuleStore, 'list' | 'subscribe'>
  /** Accounts and keys made without HTTP, and how sessions and keys are checked. */
  readonly auth: Pick<AuthService, 'account' | 'createAccount' | 'createKey' | 'listAccounts' | 'listKeys' | 'hashingStats' | 'session' | 'key'>
  /** The socket server (its engine, for tests of connection limits) and the session re-check. */
  readonly live: Pick<LiveServer, 'io' | 'recheckSessions'>
  /** Open and refused TCP connections. */
  readonly connections: Pick<ConnectionGuard, 'stats'>
  readonly queries: IndicatorQueries
}

export interface StartOptions {
  now?: () => number
  limits?: Partial<PipelineLimits>
  /** Faults to inject at the storage interface (tests of outages). */
  faults?: StorageFaults
}

/**
 * Brings up the whole server: catalog, storage and schema, the ingest pipeline
 * and the HTTP API. The order matters: nothing is accepted before the schema
 * exists and the dedupe window knows the ids stored before a restart.
 */
export async function startServer(config: Config, log: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const now = options.now ?? Date.now
  const catalog = loadCatalog(config.catalogDir)
  log.info(
    { indicators: catalog.catalog.indicators.length, regions: catalog.tree.size, stations: catalog.stations.size },
    'catalog loaded',
  )

  // A bad weights file stops the start before storage opens.
  const scorecard = loadScorecard(config.catalogDir, catalog)
  log.info({ domains: scorecard?.domains.map((d) => d.domain) ?? null }, scorecard ? 'scorecard weights loaded' : 'no scorecard.json: GET /api/scorecard answers 404')

  const storage = options.faults ? withFaults(createStorageClient(config.clickhouse), options.faults) : createStorageClient(config.clickhouse)
  // What to undo, newest first, when a later step of the start fails.
  const undo: Array<() => Promise<void>> = [() => storage.close()]
  try {
    const tables = tableNames(storage.database)
    const applied = await migrate(storage.client, schemaContext(storage.database, config.timeZone, config.rawRetentionDays), log)
    if (applied.length > 0) log.info({ applied }, 'schema migrated')
    // Before anything is accepted: an insert cut short by a crash leaves the rollups short of it.
    await repairRollups(storage.client, tables, { timeZone: config.timeZone, rawRetentionDays: config.rawRetentionDays }, log)
    const synced = await syncReferenceTables(storage.client, tables, catalog.catalog)
    log.info({ synced }, 'reference tables in line with the catalog')

    const store = new PointStore(storage, tables)
    const bus = new IngestBus((err) => log.error({ err }, 'an ingest bus listener failed'))
    const metrics = new Metrics()
    const writeHealth = new WriteHealth()
    let writesFailing = false
    const pipeline = new IngestPipeline({
      index: catalog,
      store,
      bus,
      now,
      limits: options.limits,
      onInsert: (ms, rows, ok, err) => {
        metrics.onInsert(ms, rows, ok)
        writeHealth.note(ok)
        // Said once when it starts and once when it ends, not for every failed batch.
        if (!ok && !writesFailing) log.error({ err }, 'storing points failed; ingest answers 503 until storage takes writes again')
        if (ok && writesFailing) log.warn('storing points works again')
        writesFailing = !ok
      },
    })
    undo.unshift(() => pipeline.close())
    // Before anything is stored: every stored batch must reach the region series' late-point check.
    const regionSeries = new RegionSeries(storage.client, tables, catalog, config.timeZone, log, { now })
    await regionSeries.load()
    bus.subscribe((batch) => regionSeries.noteBatch(batch))
    const hub = new LiveHub(catalog)
    bus.subscribe((batch) => hub.apply(batch))
    const alerts = new AlertFeed(new ClickHouseAlertEventRows(storage.client, tables), { ringSize: config.alertRingSize, now, log: log.child({ component: 'alert-log' }) })
    await alerts.load()

    // Alerting: rules from storage (seeded from the catalog's rules/ on a first start),
    // the engine judging every stored batch, alerts rebuilt from the log.
    const alertFlow = await createAlerting({
      client: storage.client,
      tables,
      index: catalog,
      seedDir: path.join(config.catalogDir, RULES_DIR),
      feed: alerts,
      bus,
      timeZone: config.timeZone,
      now,
      log,
      currentValue: (i, r, s) => hub.current(i, r, s),
    })
    undo.unshift(async () => alertFlow.stop())
    const { service: alerting, engine, rules } = alertFlow
    const freshness = new FreshnessTracker(catalog)
    bus.subscribe((batch) => freshness.apply(batch))
    // Walls and playlists, provisioned from <catalogDir>/walls and /playlists; a catalog that lost what one uses stops here.
    const walls = new Walls(catalog, new ClickHouseDocumentRecords(storage.client, tables), log.child({ component: 'walls' }), now)
    log.info(await walls.load(config.catalogDir), 'walls loaded')
    // Departments and routing (provisioned from <catalogDir>/departments.json and routing.json), and the case log.
    const departments = new Departments(catalog, new ClickHouseDocumentRecords(storage.client, tables), log.child({ component: 'dispatch' }), now)
    log.info(await departments.load(config.catalogDir), 'departments loaded')
    const cases = new CaseService({ records: new ClickHouseCaseRecords(storage.client, tables), log: log.child({ component: 'cases' }), now })
    log.info(await cases.load(), 'cases loaded')
    cases.start()
    undo.unshift(async () => cases.stop())
    // Accounts before anything listens: a non-loopback address with no real secrets stops here.
    const auth = new AuthService({ store: new ClickHouseAuthStore(storage.client, tables), index: catalog, log: log.child({ component: 'auth' }), now, sessionTtlMs: config.sessionTtlMs })
    log.info(await auth.load(), 'accounts loaded')
    const firstRun = await auth.firstRun({ loopback: isLoopback(config.host), dataDir: config.dataDir, adminPassword: config.adminPassword })
    if (firstRun.created.length > 0)
      log.warn(
        { accounts: firstRun.created, credentials: firstRun.credentialsFile },
        firstRun.credentialsFile ? `first start: demo accounts created; their passwords are in ${firstRun.credentialsFile}` : 'first start: admin account created',
      )
    const ids = await store.idsReceivedSince(now() - pipeline.dedupeTtlMs)
    pipeline.rememberIds(ids)
    log.info({ ids: ids.length }, 'dedupe window refilled')

    const simulators = createSimulators(catalog, { seed: config.simulationSeed, utcOffsetMinutes: config.utcOffsetMinutes })
    let liveFrom = now()
    if (config.backfill) {
      const history = await bootstrapHistory({
        storage: new ClickHouseHistoryStorage(storage.client, tables, store),
        simulators,
        utcOffsetMinutes: config.utcOffsetMinutes,
        minuteIndicators: new Set(catalog.catalog.indicators.filter((i) => i.cadenceSeconds <= MINUTE_HISTORY_MAX_CADENCE_S).map((i) => i.code)),
        now: liveFrom,
        log,
      })
      if (history.until !== undefined) liveFrom = history.until
      // History goes around the pipeline, straight into the rollups.
      if (history.backfilled) regionSeries.markDirty(-Infinity, liveFrom)
    }
    regionSeries.start()
    undo.unshift(() => regionSeries.stop())
    const driver = config.simulate ? startSimulation(simulators, pipeline, liveFrom, now, log) : undefined
    if (driver) undo.unshift(() => driver.stop())

    const queries = new IndicatorQueries(storage.client, tables, catalog, config.timeZone, regionSeries)
    // The hub starts from what storage holds (history included), so a screen opened now sees everything.
    const latest = await queries.latestOfEverySeries()
    for (const s of latest) hub.update(s.indicator, s.region, s.station, s.value, s.ts)
    // The engine knows each series' last word, so one that never speaks again is noticed as stale.
    alertFlow.remember(latest, hub.tick().values)
    log.info({ series: latest.length }, 'live hub filled from storage')
    // What storage remembers of each feed; a monthly feed is judged over three months.
    const longestCadence = Math.max(...catalog.catalog.indicators.map((i) => i.cadenceSeconds)) * 1000
    await freshness.load(new ClickHouseFeedMemory(storage.client, tables), now() - STALE_AFTER_CADENCES * longestCadence)
    // Made now that storage is open: its descriptors are counted into the reserve.
    const connections = createConnectionGuard(config.connections, log)
    const server = http.createServer(
      HTTP_SERVER_OPTIONS,
      createApp({
        catalog,
        pipeline,
        storage,
        queries,
        catalogDir: config.catalogDir,
        log,
        metrics,
        freshness,
        scorecard,
        now,
        timeZone: config.timeZone,
        rules,
        walls,
        departments,
        cases,
        caseLinks: CaseLinks.fromDataDir(config.dataDir),
        backtestRows: new BacktestRows(storage.client, tables, catalog, config.timeZone),
        engine,
        alerting,
        clientDir: CLIENT_DIR,
        writeHealth,
        auth,
        limits: config.limits,
        secureCookie: config.secureCookie,
      }),
    )
    connections.attach(server)
    const live = new LiveServer(
      server,
      { hub, index: catalog, alerts, log, auth },
      {
        tickMs: config.tickMs,
        now,
        onTick: metrics.onTick,
        onDelta: (values) => alertFlow.observeAggregates(values),
        maxSocketsPerAddress: config.connections.maxSocketsPerAddress,
        addressKey: (address) => connections.limitedKey(address),
      },
    )
    metrics.watchConnections(() => connections.stats, () => live.refusals)
    metrics.watch({
      ingest: () => ({ ...pipeline.stats, queueDepth: pipeline.queueDepth }),
      sockets: () => live.counts,
      openAlerts: () => alerting.openCount(),
      alertEvents: () => alerts.lastSeq,
      alertEventsRefused: () => alerts.rejectedOnLoad,
      staleIndicators: () => freshness.report(now()).stale,
      rulePointsSkipped: () => engine.skipped,
      activeParts: () => activeParts(storage.client, storage.database),
    })
    undo.unshift(async () => live.close())
    await listen(server, config.port, config.host)
    live.start()
    alertFlow.start()
    const { port } = server.address() as AddressInfo
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
    log.info({ url, storage: storage.mode }, 'OneScreen is listening')

    let closing: Promise<void> | undefined
    return {
      url,
      catalog,
      parts: { storage, pipeline, bus, regionSeries, queries, hub, alertLog: alerts, live, rules, engine, alerting, auth, connections, cases, departments },
      credentialsFile: firstRun.credentialsFile,
      close: () =>
        (closing ??= (async () => {
          await driver?.stop()
          await regionSeries.stop()
          alertFlow.stop()
          cases.stop()
          // Stop accepting; requests under way finish and are answered (their
          // points stored), idle keep-alive connections are closed as they go idle.
          const drained = new Promise<void>((resolve) => server.close(() => resolve()))
          const idle = setInterval(() => server.closeIdleConnections(), 50)
          idle.unref()
          server.closeIdleConnections()
          await live.close()
          const late = setTimeout(() => server.closeAllConnections(), 10_000)
          await drained
          clearInterval(idle)
          clearTimeout(late)
          // Then what is still queued (the simulators' last points) is stored,
          // and the alert events those points raised.
          await pipeline.close()
          await alerts.drain()
          await storage.close()
          log.info('OneScreen stopped')
        })()),
    }
  } catch (err) {
    for (const step of undo) await step().catch((e: unknown) => log.error({ err: e }, 'cleanup after a failed start failed'))
    throw err
  }
}

function startSimulation(simulators: Simulator[], pipeline: IngestPipeline, from: number, now: () => number, log: Logger): SimulationDriver {
  let lastWarning = 0
  const driver = new SimulationDriver(
    simulators,
    pipeline,
    {
      ...DEFAULT_DRIVER_OPTIONS,
      now,
      onError: (err) => log.warn({ err }, 'simulated points not stored this tick; retrying'),
      onRejected: (result) => {
        // A simulator producing invalid points is a bug: say so, but not 1000 times a second.
        if (now() - lastWarning < 60_000) return
        lastWarning = now()
        log.warn({ rejected: result.rejected, first: result.errors[0] }, 'simulated points were rejected')
      },
    },
    from,
  )
  driver.start()
  log.info({ series: simulators.reduce((n, s) => n + s.series().length, 0) }, 'simulators running')
  return driver
}

/** Whether the server listens on this machine only (where demo accounts are allowed). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
