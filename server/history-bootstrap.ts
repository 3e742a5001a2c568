import type { ClickHouseClient } from '@clickhouse/client'
import { backfillHistory, type HistorySink } from '../ingest/history-backfill'
import type { Simulator } from '../ingest/simulators/simulator'
import type { Logger } from './logger'
import { BackfillMarker } from './storage/backfill-marker'
import type { PointStore } from './storage/point-store'
import type { TableNames } from './storage/tables'

/**
 * On a first start, fills the rollups with the simulators' history before the
 * server accepts anything. A first start that died half-way left only partial
 * history behind (nothing else is accepted before it completes), so it is
 * cleared and done again. Storage that already holds data is never back-filled:
 * history would overlap what is there.
 */
export async function bootstrapHistory(deps: {
  client: ClickHouseClient
  tables: TableNames
  store: PointStore
  simulators: readonly Simulator[]
  utcOffsetMinutes: number
  /** Indicators that get the last day at minute resolution. */
  minuteIndicators: ReadonlySet<string>
  now: number
  log: Logger
}): Promise<{ backfilled: boolean; until?: number }> {
  const { client, tables, log } = deps
  const marker = new BackfillMarker(client, tables.backfill)
  await marker.ensureTable()
  const state = await marker.read()
  if (state?.completed) return { backfilled: false }
  const rollupTables = [tables.points1m, tables.points1h, tables.points1d, tables.latest]
  if (state) {
    log.warn({ until: new Date(state.until).toISOString() }, 'the first back-fill did not complete; clearing its partial history and starting again')
    for (const t of rollupTables) await client.command({ query: `TRUNCATE TABLE ${t}` })
  } else if (await holdsData(client, tables)) {
    log.info('storage already holds data; history is not back-filled')
    return { backfilled: false }
  }

  const until = state?.until ?? deps.now
  await marker.record(until, false)
  const started = performance.now()
  const sink: HistorySink = { write: (target, points) => deps.store.insertHistory(target, points) }
  log.info({ until: new Date(until).toISOString() }, 'back-filling history (first start)')
  const counts = await backfillHistory(deps.simulators, sink, {
    until,
    utcOffsetMinutes: deps.utcOffsetMinutes,
    minuteIndicators: deps.minuteIndicators,
  })
  const points = counts['1m'] + counts['1h'] + counts['1d']
  await marker.record(until, true, points)
  log.info({ ...counts, seconds: Math.round((performance.now() - started) / 100) / 10 }, 'history back-filled')
  return { backfilled: true, until }
}

async function holdsData(client: ClickHouseClient, tables: TableNames): Promise<boolean> {
  const rs = await client.query({
    query: `SELECT (SELECT count() FROM ${tables.points}) + (SELECT count() FROM ${tables.points1d}) AS n`,
    format: 'JSONEachRow',
  })
  const [row] = await rs.json<{ n: string | number }>()
  return Number(row?.n ?? 0) > 0
}
