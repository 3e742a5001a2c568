import type { ClickHouseClient } from '@clickhouse/client'
import type { Logger } from '../logger'
import { BackfillMarker } from './backfill-marker'
import { ROLLUP_RETENTION_DAYS } from './migrations'
import type { RollupStep, TableNames } from './tables'

/**
 * Brings the rollups back in line with the raw points after a crash.
 *
 * One insert into `points` runs its materialized views one after another, and
 * each table commits its part on its own: `points`, then `points_1m`, then
 * `points_1h`, `points_1d` and `points_latest` (the engine commits a table's
 * part before it hands the rows on to the views below it). A process killed
 * between two commits leaves the tables below short of that insert's points —
 * for good, since the producer's retry is a duplicate (its ids are in `points`).
 *
 * So at start, before anything is accepted, every bucket the unfinished insert
 * could have touched is checked at each resolution against the level below it
 * (1m against the raw points, 1h against 1m, 1d against 1h), and what a level
 * is missing is added to it. Because a crash only ever loses a suffix of that
 * chain, a level can only be short; a shortfall is added as a correction row
 * (count and sum the difference, min, max and last value recomputed from the
 * level below, which merge to the same result however often they are added).
 * The levels are repaired from the bottom up: a correction added to 1m flows on
 * to 1h and 1d through the views, exactly like the rows it stands for, so each
 * level's difference from the one below it stays what it was measured to be.
 * A kill during the repair itself leaves another shortfall of the same kind,
 * which the next start finds (it checks the same window: nothing new is
 * accepted before the repair is done).
 *
 * Which buckets: those holding raw points received within REPAIR_WINDOW_MS of
 * the newest receipt stored. The unfinished insert's rows are in `points` (the
 * first table to commit), received at most that long before its crash, while
 * the newest receipt stored is at most the crash; if its rows never reached
 * `points`, nothing below has them either and there is nothing to repair. This
 * needs no shutdown marker (which a kill -9 could not write, and which would not
 * say where the unfinished insert was) and bounds the work by ingest volume, not
 * by the size of the store: a start after a clean stop checks the same small
 * window and finds nothing to add.
 *
 * The region series are compacted from these rollups; their own start-up check
 * (region-series.ts `load`) marks for recomputation every compacted bucket that
 * holds a point received since ten minutes before their last compaction, which
 * covers every bucket repaired here (its margin rests on the same bound as
 * REPAIR_WINDOW_MS), so they follow the repaired rollups by themselves.
 *
 * Assumes this process is the only writer to its database (true of the embedded
 * engine, and of a server as the README's deployments use it): another writer's
 * insert half-way through its views would look like a crash's leftovers.
 */

/**
 * How long before the newest stored receipt the unfinished insert's points may
 * have been received: a point waits for at most about 1.5 s of ingest in the
 * queue (`maxQueuedRows`), plus one insert (seconds; on a ClickHouse server, at
 * most its 30 s request timeout). Ten minutes is a wide margin and the same one
 * the region series' restart check relies on.
 */
export const REPAIR_WINDOW_MS = 10 * 60_000

/**
 * Where to look for the newest receipt: the last day first, which the minmax
 * index on `received` answers without reading the store; wider only when the
 * store received nothing lately.
 */
const NEWEST_RECEIPT_LOOKBACK_DAYS = [1, 31, Infinity] as const

/** How long to wait, on a ClickHouse server, for an insert of a killed process to finish first. */
const ORPHAN_INSERT_WAIT_MS = 60_000

/**
 * Buckets this close to a level's (or its source's) TTL are not checked: the
 * TTL may have dropped part of them at one level and not at the other.
 */
const TTL_MARGIN_DAYS = 1

export interface RollupRepairReport {
  /** Points received from this instant on were checked (null: no raw points). */
  since: number | null
  /** Buckets checked per resolution (series × bucket). */
  checked: Record<RollupStep, number>
  /** Buckets that were short and were completed, per resolution. */
  repaired: Record<RollupStep, number>
  /** Points that were missing, per resolution. */
  missing: Record<RollupStep, number>
  /** Series whose latest value was behind and was brought up to date. */
  latest: number
  ms: number
}

interface Level {
  step: RollupStep
  /** The rollup checked. */
  table: string
  /** The level below it, and the aggregates its view computes from it per bucket. */
  source: string
  aggregates: string
  /** Days the source keeps its rows. */
  sourceRetentionDays: number
}

const FROM_RAW = 'sum(value) AS s, count() AS c, min(value) AS lo, max(value) AS hi, argMaxState(value, ts) AS l, max(ts) AS lt'
const FROM_ROLLUP = 'sum(sum) AS s, sum(count) AS c, min(min) AS lo, max(max) AS hi, argMaxMergeState(last) AS l, max(last_ts) AS lt'

/**
 * Checks the buckets an insert cut short by a crash could have touched and
 * completes the rollups that are short. Run at start, before anything is
 * accepted and before the back-fill; `timeZone` is the zone of the daily view
 * (checked against the configuration by `migrate`).
 */
export async function repairRollups(
  client: ClickHouseClient,
  tables: TableNames,
  opts: { timeZone: string; rawRetentionDays: number },
  log: Logger,
): Promise<RollupRepairReport> {
  const started = performance.now()
  const report: RollupRepairReport = {
    since: null,
    checked: { '1m': 0, '1h': 0, '1d': 0 },
    repaired: { '1m': 0, '1h': 0, '1d': 0 },
    missing: { '1m': 0, '1h': 0, '1d': 0 },
    latest: 0,
    ms: 0,
  }
  const history = await historyEnd(client, tables)
  if (history === 'partial') {
    // Nothing was accepted before the first back-fill completes; the back-fill clears and redoes it.
    log.info('the first back-fill did not complete: no raw points to check the rollups against')
    return report
  }
  await waitForOrphanInserts(client, tables, log)
  const newest = await newestReceipt(client, tables)
  if (newest === null) return report
  const since = newest - REPAIR_WINDOW_MS
  report.since = since

  const levels: Level[] = [
    { step: '1m', table: tables.points1m, source: tables.points, aggregates: FROM_RAW, sourceRetentionDays: opts.rawRetentionDays },
    { step: '1h', table: tables.points1h, source: tables.points1m, aggregates: FROM_ROLLUP, sourceRetentionDays: ROLLUP_RETENTION_DAYS['1m'] },
    { step: '1d', table: tables.points1d, source: tables.points1h, aggregates: FROM_ROLLUP, sourceRetentionDays: ROLLUP_RETENTION_DAYS['1h'] },
  ]
  const params = { since, historyEnd: history ?? 0, tz: opts.timeZone }
  for (const level of levels) {
    const keepDays = Math.min(level.sourceRetentionDays, ROLLUP_RETENTION_DAYS[level.step]) - TTL_MARGIN_DAYS
    const keys = keysSql(tables, level.step, keepDays, history !== null)
    const rs = await client.query({
      query: `SELECT count() AS n, toUnixTimestamp(min(b)) * 1000 AS lo, toUnixTimestamp(max(b)) * 1000 AS hi,
          (SELECT count() FROM (${keysSql(tables, level.step, keepDays, history !== null, true)})) AS unchecked
        FROM (${keys})`,
      query_params: params,
      format: 'JSONEachRow',
    })
    const [window] = await rs.json<{ n: string | number; lo: string | number; hi: string | number; unchecked: string | number }>()
    if (Number(window!.unchecked) > 0)
      log.info(
        { step: level.step, buckets: Number(window!.unchecked) },
        'recent points in buckets that also hold back-filled history or near the end of retention: those buckets are not checked',
      )
    report.checked[level.step] = Number(window!.n)
    if (report.checked[level.step] === 0) continue
    const bounds = { ...params, lo: Number(window!.lo), hi: Number(window!.hi) + BUCKET_MAX_MS[level.step] }
    const { expected, actual } = comparedSql(level, keys)
    const found = await client.query({
      query: `SELECT countIf(e.c > a.c) AS short, sumIf(e.c - a.c, e.c > a.c) AS missing, countIf(e.c < a.c) AS over, sumIf(a.c - e.c, e.c < a.c) AS extra
        FROM (${expected}) AS e FULL JOIN (${actual}) AS a USING (indicator, region, station, b)`,
      query_params: bounds,
      format: 'JSONEachRow',
    })
    const [diff] = await found.json<{ short: string | number; missing: string | number; over: string | number; extra: string | number }>()
    if (Number(diff!.over) > 0)
      // Cannot come from a crash (a level commits after the one below it); left as it is, and said.
      log.error({ step: level.step, buckets: Number(diff!.over), points: Number(diff!.extra) }, `${level.table} holds more than the level below it in recent buckets; left as it is`)
    if (Number(diff!.short) === 0) continue
    await client.command({
      query: `INSERT INTO ${level.table} (indicator, region, station, ts, sum, count, min, max, last, last_ts)
        SELECT indicator, region, station, b, e.s - a.s, e.c - a.c, e.lo, e.hi, e.l, e.lt
        FROM (${expected}) AS e LEFT JOIN (${actual}) AS a USING (indicator, region, station, b)
        WHERE e.c > a.c`,
      query_params: bounds,
    })
    report.repaired[level.step] = Number(diff!.short)
    report.missing[level.step] = Number(diff!.missing)
    log.warn(
      { step: level.step, buckets: report.repaired[level.step], points: report.missing[level.step] },
      `${level.table} was short of points an insert cut short by a crash stored below it; completed`,
    )
  }
  report.latest = await repairLatest(client, tables, since)
  report.ms = Math.round(performance.now() - started)
  log.info({ ...report, since: new Date(since).toISOString() }, 'rollups checked against the raw points received before the last stop')
  return report
}

/** The longest bucket of each resolution (a local day can be 25 hours). */
const BUCKET_MAX_MS: Record<RollupStep, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 25 * 3_600_000 }

/** A resolution's bucket of a time, as the rollup stores it (DateTime, UTC); `{tz}` is the daily view's zone. */
function bucketOf(step: RollupStep, column: string): string {
  if (step === '1m') return `toDateTime(toStartOfMinute(${column}), 'UTC')`
  if (step === '1h') return `toDateTime(toStartOfHour(${column}), 'UTC')`
  return `toDateTime(toStartOfDay(${column}, {tz:String}), 'UTC')`
}

/**
 * The series × buckets of `step` that hold points received in the window and
 * can be checked (`unchecked`: those that cannot). A bucket cannot be checked
 * where the rollup also holds history written straight into it (the back-fill
 * writes each resolution only before the bucket of that resolution holding its
 * end, see ingest/history-backfill.ts), nor near the end of the retention of the
 * level or the level below it.
 */
function keysSql(t: TableNames, step: RollupStep, keepDays: number, history: boolean, unchecked = false): string {
  const b = bucketOf(step, 'ts')
  const checkable = [
    `${b} >= ${bucketOf(step, `now64(3) - toIntervalDay(${keepDays})`)}`,
    ...(history ? [`${b} >= ${bucketOf(step, 'fromUnixTimestamp64Milli({historyEnd:Int64})')}`] : []),
  ].join(' AND ')
  return `SELECT DISTINCT indicator, region, station, ${b} AS b FROM ${t.points}
    WHERE received >= fromUnixTimestamp64Milli({since:Int64}) AND ${unchecked ? `NOT (${checkable})` : checkable}`
}

/** Per series and bucket of the keys: what the level below adds up to, and what the level holds. */
function comparedSql(level: Level, keys: string): { expected: string; actual: string } {
  const b = bucketOf(level.step, 'ts')
  const range = `ts >= fromUnixTimestamp64Milli({lo:Int64}) AND ts < fromUnixTimestamp64Milli({hi:Int64})`
  return {
    expected: `SELECT indicator, region, station, ${b} AS b, ${level.aggregates}
      FROM ${level.source} WHERE ${range} AND (indicator, region, station, ${b}) IN (${keys})
      GROUP BY indicator, region, station, b`,
    actual: `SELECT indicator, region, station, ts AS b, sum(sum) AS s, sum(count) AS c
      FROM ${level.table} WHERE ${range} AND (indicator, region, station, ts) IN (${keys})
      GROUP BY indicator, region, station, b`,
  }
}

/**
 * `points_latest` is fed from 1m by a view of its own, which a crash may have
 * cut off too: a series whose latest value is older than a point received in
 * the window gets that point's state (argMax merges to the same result however
 * often a state is added, so adding it is safe).
 */
async function repairLatest(client: ClickHouseClient, t: TableNames, since: number): Promise<number> {
  const recent = `SELECT indicator, region, station, argMaxState(value, ts) AS l, max(ts) AS lt FROM ${t.points}
    WHERE received >= fromUnixTimestamp64Milli({since:Int64}) GROUP BY indicator, region, station`
  const known = `SELECT indicator, region, station, max(last_ts) AS lt FROM ${t.latest}
    WHERE (indicator, region, station) IN (SELECT indicator, region, station FROM ${t.points} WHERE received >= fromUnixTimestamp64Milli({since:Int64}))
    GROUP BY indicator, region, station`
  const rs = await client.query({
    query: `SELECT count() AS n FROM (${recent}) AS r LEFT JOIN (${known}) AS k USING (indicator, region, station) WHERE r.lt > k.lt`,
    query_params: { since },
    format: 'JSONEachRow',
  })
  const [row] = await rs.json<{ n: string | number }>()
  const behind = Number(row!.n)
  if (behind === 0) return 0
  await client.command({
    query: `INSERT INTO ${t.latest} (indicator, region, station, last, last_ts)
      SELECT indicator, region, station, r.l, r.lt FROM (${recent}) AS r LEFT JOIN (${known}) AS k USING (indicator, region, station) WHERE r.lt > k.lt`,
    query_params: { since },
  })
  return behind
}

/**
 * Where back-filled history ends (null: there is none), or 'partial' while the
 * first back-fill has not completed (the rollups then hold history only).
 */
async function historyEnd(client: ClickHouseClient, t: TableNames): Promise<number | null | 'partial'> {
  const rs = await client.query({ query: `EXISTS TABLE ${t.backfill}`, format: 'JSONEachRow' })
  const [exists] = await rs.json<{ result: number | string }>()
  if (Number(exists?.result ?? 0) === 0) return null
  const state = await new BackfillMarker(client, t.backfill).read()
  if (!state) return null
  return state.completed ? state.until : 'partial'
}

/** The newest time of receipt of a stored point, epoch ms (null: no points). */
async function newestReceipt(client: ClickHouseClient, t: TableNames): Promise<number | null> {
  for (const days of NEWEST_RECEIPT_LOOKBACK_DAYS) {
    const rs = await client.query({
      query: `SELECT count() AS n, toUnixTimestamp64Milli(max(received)) AS r FROM ${t.points}
        ${days === Infinity ? '' : `WHERE received >= now64(3) - toIntervalDay(${days})`}`,
      format: 'JSONEachRow',
    })
    const [row] = await rs.json<{ n: string | number; r: string | number }>()
    if (Number(row!.n) > 0) return Number(row!.r)
  }
  return null
}

/**
 * On a ClickHouse server, an insert the killed process sent may still be
 * running its views; repairing under it would count its points twice. The
 * embedded engine died with the process, and has none.
 */
async function waitForOrphanInserts(client: ClickHouseClient, t: TableNames, log: Logger): Promise<void> {
  const deadline = performance.now() + ORPHAN_INSERT_WAIT_MS
  let said = false
  for (;;) {
    const rs = await client.query({
      query: `SELECT count() AS n FROM system.processes WHERE query_kind = 'Insert' AND position(query, {table:String}) > 0`,
      query_params: { table: t.points },
      format: 'JSONEachRow',
    })
    const [row] = await rs.json<{ n: string | number }>()
    if (Number(row!.n) === 0) return
    if (performance.now() > deadline) {
      log.warn('inserts into the raw points are still running on the server; checking the rollups anyway')
      return
    }
    if (!said) log.info('waiting for inserts still running on the server before checking the rollups')
    said = true
    await new Promise((r) => setTimeout(r, 500))
  }
}
