import { describe, expect, it } from 'vitest'
import { createSimulators } from './simulators/create-simulators'
import { DAY_MS, HOUR_MS, MINUTE_MS, type SimPoint } from './simulators/simulator'
import { testCatalog } from '../test/fixtures/catalog'
import { backfillHistory, type HistoryTarget } from './history-backfill'

const UNTIL = Date.parse('2026-11-21T03:17:42Z')
const OFFSET = 480

async function run(days = 40) {
  const sims = createSimulators(testCatalog(), { seed: 7, utcOffsetMinutes: OFFSET })
  const written: Array<{ target: HistoryTarget; points: readonly SimPoint[] }> = []
  const counts = await backfillHistory(sims, { write: async (target, points) => void written.push({ target, points }) }, { until: UNTIL, utcOffsetMinutes: OFFSET, days })
  const byTarget = (t: HistoryTarget) => written.filter((w) => w.target === t).flatMap((w) => w.points)
  return { sims, counts, byTarget }
}

const localDay = (t: number) => Math.floor((t + OFFSET * MINUTE_MS) / DAY_MS)

describe('backfillHistory', () => {
  it('covers each period of each series at one resolution only, and nothing after `until`', async () => {
    const { sims, byTarget, counts } = await run()
    const all = [...byTarget('1m'), ...byTarget('1h'), ...byTarget('1d')]
    expect(all.every((p) => p.ts < UNTIL)).toBe(true)
    expect(counts['1d']).toBe(byTarget('1d').length)

    // A fast series: minutes for the last day, hours before, days before a month.
    const fast = sims.flatMap((s) => s.series()).find((s) => s.historyResolutionMs === MINUTE_MS)!
    const of = (t: HistoryTarget) => byTarget(t).filter((p) => p.indicator === fast.indicator && p.region === fast.region && p.station === fast.station)
    const minutes = of('1m')
    const hours = of('1h')
    const days = of('1d')
    // A day of minutes, less the dropouts the small test province gets many of.
    expect(minutes.length).toBeGreaterThan(600)
    expect(Math.min(...minutes.map((p) => p.ts))).toBeGreaterThanOrEqual(Math.max(...hours.map((p) => p.ts)))
    expect(Math.min(...hours.map((p) => p.ts))).toBeGreaterThan(Math.max(...days.map((p) => p.ts)))
    // No two points of this series fall in the same minute.
    const minutesSeen = new Set([...minutes, ...hours, ...days].map((p) => Math.floor(p.ts / MINUTE_MS)))
    expect(minutesSeen.size).toBe(minutes.length + hours.length + days.length)
  })

  it('gives daily-only series a value for every past day and a latest value', async () => {
    const { sims, byTarget } = await run()
    const slow = sims.flatMap((s) => s.series()).find((s) => s.historyResolutionMs === DAY_MS)!
    const days = byTarget('1d').filter((p) => p.indicator === slow.indicator && p.region === slow.region)
    expect(new Set(days.map((p) => localDay(p.ts))).size).toBe(40)
    expect(byTarget('1h').some((p) => p.indicator === slow.indicator)).toBe(false)
    const latest = byTarget('latest').find((p) => p.indicator === slow.indicator && p.region === slow.region)!
    expect(latest.ts).toBe(Math.max(...days.map((p) => p.ts)))
  })

  it('writes hourly history up to the current hour for hourly series', async () => {
    const { sims, byTarget } = await run(2)
    const hourly = sims.flatMap((s) => s.series()).find((s) => s.historyResolutionMs === HOUR_MS)
    if (!hourly) return expect(hourly).toBeDefined()
    const hours = byTarget('1h').filter((p) => p.indicator === hourly.indicator && p.region === hourly.region && p.station === hourly.station)
    expect(Math.max(...hours.map((p) => p.ts))).toBeGreaterThan(UNTIL - 2 * HOUR_MS)
  })
})
