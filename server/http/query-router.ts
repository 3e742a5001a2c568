import { Router, type Response } from 'express'
import { inScope, principalOf, requireInScope, scopeOf } from '../auth/http-auth'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator, Station } from '../../common/catalog-schema'
import {
  rankingQuerySchema,
  changesQuerySchema,
  type ChangesReply,
  seriesQuerySchema,
  snapshotQuerySchema,
  type RankedRegion,
  type RankingReply,
  type SeriesReply,
  type SnapshotReply,
} from '../../common/api/query-api'
import type { IndicatorQueries, RankingRow } from '../storage/indicator-queries'
import { ROLLUP_STEPS, type RollupStep } from '../storage/tables'
import { ApiError } from './api-error'
import { parseQuery, requireIndicator, requireIndicators, requireRegion, requireStation } from './validate'
import { seriesCsv } from '../../common/series-csv'
import { startOfLocalDay } from '../../common/local-time'
import type { ComparisonPoints } from '../../common/series-align'
import type { SeriesPoint } from '../../common/api/query-api'

/**
 * The wall's reads over HTTP: GET /api/series (a region's, or with `station`
 * one station's own readings), /api/snapshot and /api/ranking.
 * Every query is checked here — parameters, catalog codes, the time range —
 * so nothing unchecked reaches the queries (and their SQL), and a mistake
 * comes back as a 400/404 that names the parameter.
 */

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/** Nominal length of each rollup step (a local day is 24 h except around DST changes, close enough for counting buckets). */
export const STEP_MS: Record<RollupStep, number> = { '1m': MINUTE_MS, '1h': HOUR_MS, '1d': DAY_MS }

/**
 * Most buckets one series may have: the "a chart never asks for more
 * than ~2,000 points" — about one point per pixel of a wall-wide chart.
 */
export const MAX_SERIES_BUCKETS = 2_000

/**
 * Longest span a series may cover: 10 years (with their leap days), the daily
 * rollup's retention. Over more than MAX_SERIES_BUCKETS days there is no
 * coarser step than 1d, so such a span is answered at 1d despite the cap.
 */
export const MAX_SERIES_SPAN_MS = 3_653 * DAY_MS

/** A series without `from` covers the last day: the wall's default chart. */
export const DEFAULT_SERIES_SPAN_MS = DAY_MS

const COARSEST_STEP = ROLLUP_STEPS[ROLLUP_STEPS.length - 1]!

export interface QueryRouterOptions {
  /** The clock for default time ranges and ranking windows; Date.now unless a test fixes it. */
  now?: () => number
  /** The zone CSV exports write local times in (with their offset); China's unless told. */
  timeZone?: string
}

/** What the router needs from the queries: an interface, so unit tests can answer with plain arrays. */
export type ReadQueries = Pick<IndicatorQueries, 'series' | 'snapshot' | 'ranking' | 'changes'>

export function queryRouter(catalog: CatalogIndex, queries: ReadQueries, options: QueryRouterOptions = {}): Router {
  const now = options.now ?? Date.now
  const timeZone = options.timeZone ?? 'Asia/Shanghai'
  const router = Router()

  router.get('/series', async (req, res) => {
    const q = parseQuery(seriesQuerySchema, req.query)
    const indicator = requireIndicator(catalog, q.indicator)
    const region = requireRegion(catalog, q.region, 'region')
    const station = q.station === undefined ? undefined : requireStation(catalog, q.station)
    requireInScope(catalog, res, region, 'region')
    if (station) requireStationOf(catalog, res, station, indicator, region)
    // CSV is the analyst's export: the same points, for a spreadsheet.
    const who = principalOf(res)
    if (q.format === 'csv' && !who.permissions.has('explore'))
      throw new ApiError(403, 'forbidden', `the ${who.kind === 'account' ? who.role : 'ingest key'} role may not export data (format=csv); analysts and admins may`)
    const to = q.to ?? now()
    const from = q.from ?? to - DEFAULT_SERIES_SPAN_MS
    if (from >= to) throw new ApiError(400, 'bad_query', `from (${iso(from)}) must be before to (${iso(to)})`)
    if (to - from > MAX_SERIES_SPAN_MS)
      throw new ApiError(400, 'bad_query', `from–to spans ${Math.ceil((to - from) / DAY_MS)} days; a series may span at most 10 years (${MAX_SERIES_SPAN_MS / DAY_MS} days)`)
    const step = q.step ?? finestStep(to - from)
    const buckets = Math.ceil((to - from) / STEP_MS[step])
    if (buckets > MAX_SERIES_BUCKETS && step !== COARSEST_STEP)
      throw new ApiError(
        400,
        'step_too_fine',
        `step=${step} over this range gives ${buckets} points, more than the ${MAX_SERIES_BUCKETS} a series may have; use step=${finestStep(to - from)} or leave step out to have it chosen`,
      )
    const points = await queries.series({ indicator: indicator.code, region, ...(station && { station: station.code }), from, to, step })
    const open = openBucketStart(now(), step, timeZone)
    const partialFrom = open < to ? open : null
    const body: SeriesReply = { indicator: indicator.code, region, ...(station && { station: station.code }), step, from, to, partialFrom, points }
    res.setHeader('Cache-Control', 'no-cache')
    if (q.format === 'csv') {
      const comparison = await csvComparison(q, { from, step }, (w) => queries.series({ indicator: indicator.code, region, ...(station && { station: station.code }), ...w }))
      res.setHeader('Content-Type', 'text/csv; charset=utf-8')
      res.setHeader('Content-Disposition', `attachment; filename="${indicator.code}_${station?.code ?? region}_${step}.csv"`)
      res.send(seriesCsv(points, { indicator, region: catalog.region(region)!, ...(station && { station }), timeZone, lang: q.lang ?? 'zh', ...(comparison && { comparison }) }))
      return
    }
    res.json(body)
  })

  router.get('/snapshot', async (req, res) => {
    const q = parseQuery(snapshotQuerySchema, req.query)
    const parent = scopedParent(catalog, res, q.parent)
    const indicators = q.indicator === undefined ? undefined : requireIndicators(catalog, q.indicator)
    const { asOf, values } = await queries.snapshot({ level: q.level, parent, indicators })
    // A level above the account's region would hold its ancestors: not its to see.
    const body: SnapshotReply = { asOf, values: values.filter((v) => inScope(catalog, res, v.region)) }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })

  router.get('/ranking', async (req, res) => {
    const q = parseQuery(rankingQuerySchema, req.query)
    const indicator = requireIndicator(catalog, q.indicator)
    const parent = scopedParent(catalog, res, q.parent)
    const ranking = await queries.ranking({ indicator: indicator.code, level: q.level, parent, now: now() })
    const ranked = withRanks(ranking.rows.filter((r) => inScope(catalog, res, r.region)), catalog)
    const body: RankingReply = {
      indicator: indicator.code,
      level: q.level,
      parent: parent ?? null,
      better: indicator.better,
      top: ranked.slice(0, q.limit),
      bottom: ranked.slice(Math.max(0, ranked.length - q.limit)),
      all: ranked.length,
      running: ranking.running,
      momBasis: ranking.basis.mom,
      yoyBasis: ranking.basis.yoy,
    }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })

  router.get('/changes', async (req, res) => {
    const q = parseQuery(changesQuerySchema, req.query)
    const indicators = requireIndicators(catalog, q.indicator)
    const region = requireRegion(catalog, q.region, 'region')
    requireInScope(catalog, res, region, 'region')
    const body: ChangesReply = { region, changes: await queries.changes({ region, indicators, now: now() }) }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })

  return router
}

/** The parent asked for, which must lie in the account's region; the account's region when none is (the whole tree needs none). */
function scopedParent(catalog: CatalogIndex, res: Response, parent: string | undefined): string | undefined {
  if (parent !== undefined) {
    const code = requireRegion(catalog, parent, 'parent')
    requireInScope(catalog, res, code, 'parent')
    return code
  }
  const scope = scopeOf(res)
  return scope === catalog.tree.root.code ? undefined : scope
}

/**
 * The comparison a CSV export asked for (compareFrom, compareTo, compareStep),
 * checked as the main window is; undefined when none was.
 */
async function csvComparison(
  q: { format?: string; compareFrom?: number; compareTo?: number; compareStep?: RollupStep },
  main: { from: number; step: RollupStep },
  read: (w: { from: number; to: number; step: RollupStep }) => Promise<SeriesPoint[]>,
): Promise<ComparisonPoints | undefined> {
  const given = [q.compareFrom, q.compareTo].filter((v) => v !== undefined).length
  if (given === 0 && q.compareStep === undefined) return undefined
  if (q.format !== 'csv') throw new ApiError(400, 'bad_query', 'compareFrom, compareTo and compareStep are for a CSV export (format=csv)')
  if (given !== 2) throw new ApiError(400, 'bad_query', 'compareFrom and compareTo go together: give both, or neither')
  const [from, to] = [q.compareFrom!, q.compareTo!]
  if (from >= to) throw new ApiError(400, 'bad_query', `compareFrom (${iso(from)}) must be before compareTo (${iso(to)})`)
  if (to - from > MAX_SERIES_SPAN_MS) throw new ApiError(400, 'bad_query', `compareFrom–compareTo spans ${Math.ceil((to - from) / DAY_MS)} days; at most ${MAX_SERIES_SPAN_MS / DAY_MS}`)
  const step = q.compareStep ?? main.step
  const buckets = Math.ceil((to - from) / STEP_MS[step])
  if (buckets > MAX_SERIES_BUCKETS && step !== COARSEST_STEP)
    throw new ApiError(400, 'step_too_fine', `compareStep=${step} over the comparison window gives ${buckets} points, more than the ${MAX_SERIES_BUCKETS} a series may have`)
  return { points: await read({ from, to, step }), offset: main.from - from, step }
}

/** The start of the bucket holding `now` at `step`: a local midnight for days, as the daily rollup buckets them. */
export function openBucketStart(now: number, step: RollupStep, timeZone: string): number {
  return step === '1d' ? startOfLocalDay(now, timeZone) : Math.floor(now / STEP_MS[step]) * STEP_MS[step]
}

/** The finest step at which `span` fits in MAX_SERIES_BUCKETS buckets; 1d when none does. */
export function finestStep(span: number): RollupStep {
  return ROLLUP_STEPS.find((s) => Math.ceil(span / STEP_MS[s]) <= MAX_SERIES_BUCKETS) ?? COARSEST_STEP
}

/** Rows arrive best first; equal values share the better rank (competition ranking). */
function withRanks(rows: readonly RankingRow[], catalog: CatalogIndex): RankedRegion[] {
  const out: RankedRegion[] = []
  rows.forEach((row, i) => {
    const previous = out[i - 1]
    const rank = previous !== undefined && previous.value === row.value ? previous.rank : i + 1
    out.push({ region: row.region, name: catalog.region(row.region)!.name, value: row.value, ts: row.ts, mom: row.mom, yoy: row.yoy, rank })
  })
  return out
}

/**
 * A station's series is read only where its region could be: inside the
 * account's scope (refused as a region outside it is), within the region asked
 * for, and for an indicator measured at stations of its kind — otherwise the
 * chart would be silently empty.
 */
function requireStationOf(catalog: CatalogIndex, res: Response, station: Station, indicator: Indicator, region: string): void {
  if (!inScope(catalog, res, station.region)) {
    const scope = scopeOf(res)
    throw new ApiError(403, 'outside_scope', `station: station ${station.code} stands in region ${station.region}, outside this account's region ${scope} (${catalog.region(scope)?.name.zh ?? scope})`)
  }
  if (!catalog.tree.isWithin(station.region, region))
    throw new ApiError(400, 'station_outside_region', `station ${station.code} stands in region ${station.region}, which is not within region ${region}`)
  if (indicator.stationKind === undefined) throw new ApiError(400, 'bad_query', `indicator ${indicator.code} is reported by regions, not measured at stations; leave station out`)
  if (indicator.stationKind !== station.kind)
    throw new ApiError(400, 'bad_query', `station ${station.code} is one of the ${station.kind} stations; ${indicator.code} is measured at ${indicator.stationKind} stations`)
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms)
}
