import type { ClickHouseClient } from '@clickhouse/client'
import type { Logger } from '../logger'
import type { SchemaContext } from './migrations'

/**
 * Two settings are built into the schema: RAW_RETENTION_DAYS is the raw
 * points' TTL, and TIMEZONE cuts the days of the daily rollup (its view, and the
 * view back-fill writes daily history through). At start the schema's own
 * values — read back from its DDL, so there is no second record to drift from
 * it — are compared with the configuration:
 *
 * - another RAW_RETENTION_DAYS is applied: the TTL is modified (the engine then
 *   recomputes when each part expires, in the background), and logged with the
 *   old and new values;
 * - another TIMEZONE stops the start, with a message naming both zones. A daily
 *   bucket sums one local day; it cannot be re-cut into another zone's days,
 *   and most days are stored only as daily values (hourly rollups are kept 800
 *   days, back-filled history before the last month is daily only). Recreating
 *   the view would leave old days at the old midnight and new ones at the new,
 *   while the queries, the region series and "today" would all cut days at the
 *   new one: the silent disagreement this check exists to prevent. So the store
 *   keeps the zone it was built with, and the configuration must name it.
 *
 * After this check the configured zone is the zone of the stored days, which is
 * what the region series (region-series.ts) and the queries
 * (indicator-queries.ts, series-sql.ts) are given: storage and queries agree.
 */

export class SchemaSettingsError extends Error {
  override readonly name = 'SchemaSettingsError'
}

/** The TTL of the raw points, as migration 1 creates it and a retention change rewrites it. */
export function rawPointsTtl(rawRetentionDays: number): string {
  return `toDateTime(ts) + INTERVAL ${rawRetentionDays} DAY`
}

export interface BuiltSettings {
  /** The raw points' retention in days (undefined: no points table yet). */
  rawRetentionDays?: number
  /** The zone of the daily views, by view (empty: none yet). */
  timeZones: Array<{ view: string; timeZone: string }>
}

/** Reads the settings the existing schema was built with. */
export async function readBuiltSettings(client: ClickHouseClient, ctx: SchemaContext): Promise<BuiltSettings> {
  const t = ctx.tables
  const names = { points: unqualified(t.points), dayViews: [`${unqualified(t.points1d)}_mv`, `${unqualified(t.points)}_history_1d_mv`] }
  const rs = await client.query({
    query: `SELECT name, create_table_query AS ddl FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}`,
    query_params: { db: ctx.database, names: [names.points, ...names.dayViews] },
    format: 'JSONEachRow',
  })
  const ddl = new Map((await rs.json<{ name: string; ddl: string }>()).map((r) => [r.name, r.ddl]))
  const built: BuiltSettings = { timeZones: [] }
  const points = ddl.get(names.points)
  if (points !== undefined) {
    // The engine writes `INTERVAL 90 DAY` back as `toIntervalDay(90)`.
    const m = /\bTTL toDateTime\(ts\) \+ (?:toIntervalDay\((\d+)\)|INTERVAL (\d+) DAY)/.exec(points)
    if (!m) throw new SchemaSettingsError(`cannot tell the raw retention ${t.points} was built with: its TTL is not the one OneScreen makes (${points})`)
    built.rawRetentionDays = Number(m[1] ?? m[2])
  }
  for (const view of names.dayViews) {
    const text = ddl.get(view)
    if (text === undefined) continue
    const m = /toStartOfDay\(ts, '([^']+)'\)/.exec(text)
    if (!m) throw new SchemaSettingsError(`cannot tell the time zone ${ctx.database}.${view} was built with (${text})`)
    built.timeZones.push({ view: `${ctx.database}.${view}`, timeZone: m[1]! })
  }
  return built
}

/**
 * Compares the schema's settings with `ctx` (the configuration): applies a
 * changed raw retention, refuses a changed time zone. Run before pending
 * migrations, so that none of them builds on a zone the store does not use.
 */
export async function reconcileSettings(client: ClickHouseClient, ctx: SchemaContext, log: Logger): Promise<void> {
  const built = await readBuiltSettings(client, ctx)
  for (const { view, timeZone } of built.timeZones) {
    if (sameZone(timeZone, ctx.timeZone)) continue
    throw new SchemaSettingsError(
      `TIMEZONE is ${ctx.timeZone}, but this store's days start at midnight in ${timeZone} (${view}); ` +
        `stored days cannot be re-cut into another zone's days. ` +
        `Set TIMEZONE=${timeZone} to start on this store, or start with a new DATA_DIR (or CLICKHOUSE_DATABASE on a server) to use ${ctx.timeZone}.`,
    )
  }
  if (built.rawRetentionDays !== undefined && built.rawRetentionDays !== ctx.rawRetentionDays) {
    await client.command({ query: `ALTER TABLE ${ctx.tables.points} MODIFY TTL ${rawPointsTtl(ctx.rawRetentionDays)}` })
    log.warn(
      { table: ctx.tables.points, from: built.rawRetentionDays, to: ctx.rawRetentionDays },
      `RAW_RETENTION_DAYS changed from ${built.rawRetentionDays} to ${ctx.rawRetentionDays}: raw points are now kept ${ctx.rawRetentionDays} days`,
    )
  }
}

/** The same zone, perhaps under another name (`PRC`, `Asia/Shanghai`). */
function sameZone(a: string, b: string): boolean {
  if (a === b) return true
  try {
    const canonical = (z: string) => new Intl.DateTimeFormat('en', { timeZone: z }).resolvedOptions().timeZone
    return canonical(a) === canonical(b)
  } catch {
    return false
  }
}

function unqualified(table: string): string {
  return table.slice(table.indexOf('.') + 1)
}
