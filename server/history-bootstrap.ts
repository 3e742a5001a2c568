import { backfillHistory, type HistorySink } from '../ingest/history-backfill'
import type { Simulator } from '../ingest/simulators/simulator'
import type { Logger } from './logger'
import type { BackfillState } from './storage/backfill-marker'

/**
 * On a first start, fills the rollups with the simulators' history before the
 * server accepts anything. A first start that died half-way left only partial
 * history behind (nothing else is accepted before it completes), so it is
 * cleared and done again. Storage that already holds data is never back-filled:
 * history would overlap what is there.
 */

/** What history needs of storage (the ClickHouse adapter is server/storage/history-tables.ts). */
export interface HistoryStorage extends HistorySink {
  /** The back-fill's record: up to when it covers, and whether it completed (null: never started). */
  readMarker(): Promise<BackfillState | null>
  recordMarker(until: number, completed: boolean, points?: number): Promise<void>
  /** Removes what a back-fill wrote (the rollups). */
  clearHistory(): Promise<void>
  /** Whether storage holds any points at all. */
  holdsData(): Promise<boolean>
}

export async function bootstrapHistory(deps: {
  storage: HistoryStorage
  simulators: readonly Simulator[]
  utcOffsetMinutes: number
  /** Indicators that get the last day at minute resolution. */
  minuteIndicators: ReadonlySet<string>
  now: number
  log: Pick<Logger, 'info' | 'warn'>
}): Promise<{ backfilled: boolean; until?: number }> {
  const { storage, log } = deps
  const state = await storage.readMarker()
  if (state?.completed) return { backfilled: false }
  if (state) {
    log.warn({ until: new Date(state.until).toISOString() }, 'the first back-fill did not complete; clearing its partial history and starting again')
    await storage.clearHistory()
  } else if (await storage.holdsData()) {
    log.info('storage already holds data; history is not back-filled')
    return { backfilled: false }
  }

  const until = state?.until ?? deps.now
  await storage.recordMarker(until, false)
  const started = performance.now()
  log.info({ until: new Date(until).toISOString() }, 'back-filling history (first start)')
  const counts = await backfillHistory(deps.simulators, storage, {
    until,
    utcOffsetMinutes: deps.utcOffsetMinutes,
    minuteIndicators: deps.minuteIndicators,
  })
  const points = counts['1m'] + counts['1h'] + counts['1d']
  await storage.recordMarker(until, true, points)
  log.info({ ...counts, seconds: Math.round((performance.now() - started) / 100) / 10 }, 'history back-filled')
  return { backfilled: true, until }
}
