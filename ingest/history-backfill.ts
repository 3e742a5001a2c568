import { historyInChunks } from './simulators/history-chunks'
import { DAY_MS, HOUR_MS, MINUTE_MS, type SeriesSpec, type SimPoint, type Simulator } from './simulators/simulator'

/**
 * Fills history so that every panel has data on a first start and year-on-year
 * comparisons are real: 13 months of daily values, 30 days hourly and the last
 * 24 hours at minute resolution, each period at the finest resolution the series
 * supports and never at two (which would count it twice). History values are
 * summaries over an interval, so they go straight into the rollup of their
 * resolution, not into the raw points.
 */

export type HistoryTarget = '1m' | '1h' | '1d' | 'latest'

export interface HistorySink {
  write(target: HistoryTarget, points: readonly SimPoint[]): Promise<void>
}

/** Days of daily history: 13 months plus the 30-day window a year-on-year change compares. */
export const HISTORY_DAYS = 400

export interface BackfillOptions {
  /** History ends here (exclusive); live publication starts from here. */
  until: number
  utcOffsetMinutes: number
  days?: number
  /** Inserts running at once. */
  maxInFlight?: number
  /**
   * Indicators that get minute history for the last day (those reported every
   * minute or faster); others get hourly history there even if their model
   * could give minutes. All, when absent.
   */
  minuteIndicators?: ReadonlySet<string>
  onProgress?: (done: { target: HistoryTarget; points: number }) => void
}

export type BackfillCounts = Record<HistoryTarget, number>

const keyOf = (p: { indicator: string; region: string; station?: string }) => `${p.indicator}|${p.region}|${p.station ?? ''}`

export async function backfillHistory(simulators: readonly Simulator[], sink: HistorySink, options: BackfillOptions): Promise<BackfillCounts> {
  const offset = options.utcOffsetMinutes * MINUTE_MS
  const floorTo = (t: number, unit: number) => Math.floor((t + offset) / unit) * unit - offset
  const until = options.until
  const today = floorTo(until, DAY_MS)
  const start = today - (options.days ?? HISTORY_DAYS) * DAY_MS
  const monthAgo = floorTo(until - 30 * DAY_MS, DAY_MS)
  const dayAgo = floorTo(until - DAY_MS, HOUR_MS)
  const thisHour = floorTo(until, HOUR_MS)
  const thisMinute = floorTo(until, MINUTE_MS)

  const counts: BackfillCounts = { '1m': 0, '1h': 0, '1d': 0, latest: 0 }
  const latest = new Map<string, SimPoint>()
  // Inserts run while the next chunk is generated: the engine and the models
  // use different cores, and two inserts keep the engine busy on both.
  const inFlight = new Set<Promise<void>>()
  const maxInFlight = options.maxInFlight ?? 2
  const send = async (target: HistoryTarget, points: SimPoint[]) => {
    if (points.length === 0) return
    for (const p of points) {
      const key = keyOf(p)
      const seen = latest.get(key)
      if (!seen || seen.ts < p.ts) latest.set(key, p)
    }
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight)
    counts[target] += points.length
    const write: Promise<void> = sink.write(target, points).then(() => {
      inFlight.delete(write)
      options.onProgress?.({ target, points: points.length })
    })
    inFlight.add(write)
  }

  for (const sim of simulators) {
    const minutesFor = (s: SeriesSpec) => !options.minuteIndicators || options.minuteIndicators.has(s.indicator)
    const finest = new Map(
      sim.series().map((s) => [keyOf(s), s.historyResolutionMs === MINUTE_MS && !minutesFor(s) ? HOUR_MS : s.historyResolutionMs]),
    )
    const only = (resolution: number) => (p: SimPoint) => finest.get(keyOf(p)) === resolution
    const plan: Array<{ from: number; to: number; resolution: number; target: HistoryTarget; keep?: (p: SimPoint) => boolean }> = [
      { from: start, to: monthAgo, resolution: DAY_MS, target: '1d' },
      { from: monthAgo, to: today, resolution: DAY_MS, target: '1d', keep: only(DAY_MS) },
      { from: monthAgo, to: dayAgo, resolution: HOUR_MS, target: '1h' },
      { from: dayAgo, to: thisHour, resolution: HOUR_MS, target: '1h', keep: only(HOUR_MS) },
      { from: dayAgo, to: thisMinute, resolution: MINUTE_MS, target: '1m', keep: only(MINUTE_MS) },
    ]
    for (const step of plan) {
      if (step.to <= step.from) continue
      for (const chunk of historyInChunks(sim, step.from, step.to, step.resolution, options.utcOffsetMinutes)) {
        await send(step.target, step.keep ? chunk.filter(step.keep) : chunk)
      }
    }
  }
  // Series whose history skips the minute rollup still need a latest value.
  await send('latest', [...latest.values()])
  await Promise.all(inFlight)
  return counts
}
