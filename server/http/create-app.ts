import compression from 'compression'
import express, { type Express, type RequestHandler, type Response } from 'express'
import fs from 'node:fs'
import path from 'node:path'
import type { CatalogIndex } from '../../common/catalog-index'
import type { IngestPipeline } from '../../ingest/ingest-pipeline'
import type { Logger } from '../logger'
import type { IndicatorQueries } from '../storage/indicator-queries'
import type { StorageClient } from '../storage/storage-client'
import { randomUUID } from 'node:crypto'
import { pinoHttp } from 'pino-http'
import type { Scorecard } from '../../common/scorecard'
import type { AlertService } from '../alerting/alert-service'
import type { RuleEngine } from '../alerting/rule-engine'
import type { RuleStore } from '../alerting/rule-store'
import type { FreshnessTracker } from '../live/freshness'
import type { Metrics } from '../metrics'
import { ApiError, errorHandler, notFound } from './api-error'
import helmet from 'helmet'
import { perMinute } from './rate-limit'
import type { AuthService } from '../auth/auth-service'
import type { Principal } from '../auth/auth-service'
import { authenticate, principalOf, requireAuth, requirePermission } from '../auth/http-auth'
import { createQueryGate, queryGate } from './query-gate'
import { writeGuard } from './write-guard'
import { authRouter } from './auth-router'
import { catalogRouter } from './catalog-router'
import { freshnessRouter } from './freshness-router'
import { geoRouter } from './geo-router'
import { healthRouter, type WriteHealth } from './health-router'
import { ingestRouter } from './ingest-router'
import { alertsRouter } from './alerts-router'
import { auditRouter } from './audit-router'
import { ClickHouseAuditQueries } from '../storage/audit-queries'
import { tableNames } from '../storage/tables'
import { queryRouter } from './query-router'
import { rulesRouter } from './rules-router'
import type { BacktestRows } from '../storage/backtest-rows'
import { scorecardRouter } from './scorecard-router'
import { wallsRouter } from './walls-router'
import { dispatchRouter } from './dispatch-router'
import { feedbackRouter } from './feedback-router'
import type { CaseLinks } from '../dispatch/case-links'
import type { Departments } from '../dispatch/departments'
import type { CaseService } from '../dispatch/case-service'
import type { Walls } from '../walls/walls'

export interface AppDeps {
  /** How the last writes of points went (health). */
  writeHealth?: WriteHealth
  auth: AuthService
  /** Sign-in attempts per address per minute; writes and reads per account or key per minute; queries at once. */
  limits: { loginsPerMinute: number; writesPerMinute: number; ingestPerMinute: number; readsPerMinute: number; queryConcurrency: number }
  secureCookie: boolean
  catalog: CatalogIndex
  pipeline: IngestPipeline
  storage: StorageClient
  /** The wall's reads over rollups and region series. */
  queries: IndicatorQueries
  /** The catalog directory (region boundaries are read from its geo/ folder). */
  catalogDir: string
  log: Logger
  metrics: Metrics
  freshness: FreshnessTracker
  /** Domain weights of the composite index (<catalogDir>/scorecard.json); null when the file is absent. */
  scorecard: Scorecard | null
  rules: RuleStore
  /** Walls and playlists (/api/walls, /api/playlists). */
  walls: Walls
  /** Departments and routing (/api/departments, /api/routing), and cases (/api/cases, dispatch). */
  departments: Departments
  cases: CaseService
  /** Signs and checks the links departments answer cases through. */
  caseLinks: CaseLinks
  /** The rollup rows rule backtests read (POST /api/rules/backtest); without them the route is absent. */
  backtestRows?: BacktestRows
  engine: RuleEngine
  alerting: AlertService
  now: () => number
  /** The deployment's zone (TIMEZONE): exports write local times in it. */
  timeZone: string
  /** The built client (vite build output); served when it exists. */
  clientDir: string
}

export function createApp(deps: AppDeps): Express {
  const queries = createQueryGate(deps.limits.queryConcurrency)
  deps.metrics.watchQueue('query_gate', 'Heavy queries (series, snapshots, rankings, scorecards)', () => queries.stats)
  deps.metrics.watchQueue('password_hashing', 'Password hashes (sign-ins, password changes)', () => deps.auth.hashingStats)
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', false)
  // Nothing from any other origin: scripts, styles, fonts, images, workers and
  // sockets come from this server (the map's worker is a blob, its tiles are
  // bundled GeoJSON). No CORS headers are ever sent, so other sites' pages
  // cannot read the API; the socket checks Origin itself (live-server.ts).
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // ECharts and React set style attributes; maplibre injects none from outside.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          childSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // The page loads nothing cross-origin; isolation would only break a proxy's error pages.
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: deps.secureCookie,
    }),
  )
  app.use(compression())
  // One log line per request, with an id the reply carries too (X-Request-Id)
  // and every log line of that request repeats.
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id']
        const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID()
        res.setHeader('X-Request-Id', id)
        return id
      },
      // Producers push many times a second and scrapers poll: their successes are debug noise.
      customLogLevel: (req, res, err) =>
        (err || res.statusCode >= 500) && res.statusCode !== 503 ? 'error' : res.statusCode >= 400 ? 'warn' : /^\/(api\/ingest|api\/health|metrics)\b/.test(req.url ?? '') ? 'debug' : 'info',
      serializers: {
        // A case link's token is a credential: the log shows /r/… instead.
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/\/r\/[^/?#]+/, '/r/…') }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  )
  app.use(authenticate(deps.auth))
  // Prometheus scrapes with a token of an admin of the whole tree: the figures are the deployment's.
  app.use('/metrics', requirePermission('admin'), requireWholeTree(deps.catalog))
  app.use(deps.metrics.router())

  const api = express.Router()
  // Before any route: writes come from this site's pages or from programs, with JSON bodies.
  api.use(writeGuard({ ownContentType: (req) => req.path === '/ingest' }))
  // Public: whether the server is up (no internals), and signing in.
  api.use(healthRouter(deps.storage, deps.pipeline, deps.log, deps.writeHealth, (res) => isWholeTreeAdmin(deps.catalog, res)))
  api.use(authRouter(deps.auth, { loginsPerMinute: deps.limits.loginsPerMinute, secureCookie: deps.secureCookie }))
  // A department answers its case through a signed link, without an account.
  api.use(feedbackRouter({ index: deps.catalog, links: deps.caseLinks, cases: deps.cases, departments: deps.departments, alerts: deps.alerting, now: deps.now }))
  api.use(requireAuth)
  // Every write is rate-limited per account or key (429 with Retry-After), ingest separately; reads too.
  api.post('/ingest', writeLimit(deps.limits.ingestPerMinute))
  const writeLimiter = writeLimit(deps.limits.writesPerMinute)
  api.use(['/alerts', '/silences', '/rules', '/users', '/keys', '/me', '/walls', '/playlists', '/departments', '/routing', '/cases'], (req, res, next) => (req.method === 'GET' ? next() : writeLimiter(req, res, next)))
  const readLimiter = perMinute(
    deps.limits.readsPerMinute,
    'rate_limited',
    `more than ${deps.limits.readsPerMinute} reads a minute from this account; slow down`,
    (_req, res) => `read:${principalOf(res).name}`,
  )
  api.use((req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? readLimiter(req, res, next) : next()))
  api.use(ingestRouter(deps.pipeline, deps.catalog))
  // Everything else is for people who may see the dashboards.
  api.use(requirePermission('view'))
  api.use(catalogRouter(deps.catalog))
  api.use(geoRouter(deps.catalog, deps.catalogDir, deps.log))
  // Reads that make the engine work take turns per account (query-gate.ts).
  api.use(['/series', '/snapshot', '/ranking', '/scorecard'], queryGate(queries))
  api.use(queryRouter(deps.catalog, deps.queries, { now: deps.now, timeZone: deps.timeZone }))
  api.use(freshnessRouter(deps.freshness, deps.now))
  api.use(scorecardRouter({ catalog: deps.catalog, queries: deps.queries, scorecard: deps.scorecard, now: deps.now }))
  api.use(rulesRouter(deps.rules, deps.catalog, deps.backtestRows && { rows: deps.backtestRows, now: deps.now, timeZone: deps.timeZone }, (region) => deps.alerting.lastRaisedByRule(region)))
  api.use(wallsRouter(deps.walls))
  api.use(dispatchRouter({ index: deps.catalog, links: deps.caseLinks, departments: deps.departments, cases: deps.cases, alerts: deps.alerting, now: deps.now }))
  api.use(alertsRouter({ service: deps.alerting, engine: deps.engine, index: deps.catalog, now: deps.now }))
  const auditQueries = new ClickHouseAuditQueries(deps.storage.client, tableNames(deps.storage.database), deps.catalog.tree.root.code)
  api.use(auditRouter({ queries: auditQueries, auth: deps.auth, index: deps.catalog, now: deps.now, timeZone: deps.timeZone }))
  api.use(notFound)
  app.use('/api', api)

  if (fs.existsSync(path.join(deps.clientDir, 'index.html'))) {
    app.use(express.static(deps.clientDir, { index: false, maxAge: '1h' }))
    // The client routes (/, /explore, /duty) are rendered by the one page.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-cache')
      // The build can vanish under a running server (a rebuild in progress): say so, not 500.
      res.sendFile(path.join(deps.clientDir, 'index.html'), (err) => {
        if (err && !res.headersSent) next(new ApiError(503, 'client_unavailable', 'the page is not built right now (npm run build); try again shortly', { retryAfterSeconds: 10 }))
      })
    })
  } else {
    deps.log.warn({ clientDir: deps.clientDir }, 'no built client found; run `npm run build` to serve the wall')
  }
  app.use(notFound)
  app.use(errorHandler(deps.log))
  return app
}

/** Whether the request is an admin's whose scope is the whole tree (the deployment's operator). */
function isWholeTreeAdmin(catalog: CatalogIndex, res: Response): boolean {
  const p = res.locals.principal as Principal | null | undefined
  return p?.kind === 'account' && p.permissions.has('admin') && p.region === catalog.tree.root.code
}

/** Process-wide figures are for the deployment's operators, not a city's admin. */
function requireWholeTree(catalog: CatalogIndex): RequestHandler {
  return (_req, res, next) => {
    if (!isWholeTreeAdmin(catalog, res))
      throw new ApiError(403, 'outside_scope', `these figures cover the whole deployment; only an admin of ${catalog.tree.root.code} (${catalog.tree.root.name.zh}) may read them`)
    next()
  }
}

/** At most `limit` writes a minute per account or key. */
function writeLimit(limit: number) {
  return perMinute(limit, 'rate_limited', `more than ${limit} writes a minute from this account or key; slow down`, (_req, res) => principalOf(res).name)
}
