import { describe, expect, it } from 'vitest'
import type { Domain } from '../../common/catalog-schema'
import { createSimulators } from './create-simulators'
import { bySeries, anomalyCover, mean, seriesKeyOf } from './point-grouping'
import { DAY_MS, HOUR_MS, LAST_STAMP_BEFORE_END_MS, MINUTE_MS, type SimPoint, type Simulator } from './simulator'
import { createTestIndex } from './test-catalog'

const index = createTestIndex()
const simulators = createSimulators(index, { seed: 3, utcOffsetMinutes: 480 })
const simulator = (domain: Domain): Simulator => simulators.find((s) => s.domain === domain)!
// 2025-06-10 07:00 local, a Tuesday morning: traffic is building up.
const MORNING = Date.UTC(2025, 5, 9, 23, 0)

/** Live points of the interval [start, start + res) of each series, keyed like the history points. */
function liveByInterval(sim: Simulator, from: number, to: number, res: number): Map<string, SimPoint[]> {
  const out = new Map<string, SimPoint[]>()
  // A slot at the very end of an interval reports on it (slots are in (a, a + res]).
  for (const p of sim.live(from, to)) {
    const start = Math.ceil(p.ts / res) * res - res
    const key = `${seriesKeyOf(p)}@${start}`
    const list = out.get(key)
    if (list) list.push(p)
    else out.set(key, [p])
  }
  return out
}

describe('live and history agree', () => {
  const traffic = simulator('traffic')
  const environment = simulator('environment')

  it.each([
    ['traffic.flow', 0.08, 25],
    ['traffic.speed', 0.05, 1.5],
    ['traffic.occupancy', 0.1, 0.5],
    ['traffic.congestion_index', 0.05, 0.02],
  ])('a minute of %s history is the mean of that minute of live points', (indicator, relative, absolute) => {
    const from = MORNING
    const to = MORNING + 30 * MINUTE_MS
    const anomalous = anomalyCover(traffic.anomalies(from, to))
    const live = liveByInterval(traffic, from, to, MINUTE_MS)
    let compared = 0
    for (const h of traffic.history(from, to, MINUTE_MS)) {
      if (h.indicator !== indicator || anomalous(h) || anomalous({ ...h, ts: h.ts + MINUTE_MS - 1 })) continue
      const points = live.get(`${seriesKeyOf(h)}@${h.ts}`)!
      const m = mean(points.map((p) => p.value))
      expect(Math.abs(h.value - m)).toBeLessThanOrEqual(relative * Math.abs(m) + absolute)
      compared++
    }
    expect(compared).toBeGreaterThan(100)
  })

  it('a minute of air history is exactly what the station published in that minute', () => {
    const from = MORNING
    const to = MORNING + 2 * HOUR_MS
    const anomalies = environment.anomalies(from, to)
    const live = liveByInterval(environment, from, to, MINUTE_MS)
    let compared = 0
    for (const h of environment.history(from, to, MINUTE_MS)) {
      const points = live.get(`${seriesKeyOf(h)}@${h.ts}`)
      // A spike or drift on one pollutant moves the station's AQI too; skip the station then.
      if (!points || anomalies.some((a) => a.station === h.station && a.start < h.ts + MINUTE_MS && a.end > h.ts)) continue
      expect(points.map((p) => p.value)).toEqual([h.value])
      compared++
    }
    expect(compared).toBeGreaterThan(50)
  })

  it('an hour of air history is the hourly value published at the end of that hour', () => {
    const from = MORNING
    const to = MORNING + 12 * HOUR_MS
    const anomalies = environment.anomalies(from, to)
    const lastSlotOfHour = new Map<string, SimPoint>()
    for (const p of environment.live(from, to)) {
      // Slots in the last five minutes of an hour report all of its twelve blocks.
      const hourStart = Math.ceil(p.ts / HOUR_MS) * HOUR_MS - HOUR_MS
      if (p.ts > hourStart + 55 * MINUTE_MS) lastSlotOfHour.set(`${seriesKeyOf(p)}@${hourStart}`, p)
    }
    let compared = 0
    for (const h of environment.history(from, to, HOUR_MS)) {
      const p = lastSlotOfHour.get(`${seriesKeyOf(h)}@${h.ts}`)
      if (!p || anomalies.some((a) => a.station === h.station && a.start < h.ts + HOUR_MS && a.end > h.ts)) continue
      expect(p.value).toBe(h.value)
      compared++
    }
    expect(compared).toBeGreaterThan(20)
  })

  it.each([
    ['business', ['biz.new_entities', 'biz.ratings']],
    ['traffic', ['traffic.incidents']],
    ['environment', ['env.polluter_exceedances']],
  ] as const)('a day of %s running counts is the count at the end of that day', (domain, indicators) => {
    const sim = simulator(domain)
    const day = Date.UTC(2025, 5, 8, 16) // 2025-06-09 00:00 local
    const daily = sim.history(day, day + DAY_MS, DAY_MS).filter((p) => indicators.includes(p.indicator as never))
    const hourly = bySeries(sim.history(day, day + DAY_MS, HOUR_MS))
    const live = bySeries(sim.live(day, day + DAY_MS + 10 * MINUTE_MS))
    expect(daily.length).toBe(indicators.length * index.tree.leaves(index.tree.root.code).length)
    for (const d of daily) {
      expect(d.ts).toBe(day + DAY_MS - LAST_STAMP_BEFORE_END_MS)
      const lastHour = hourly.get(seriesKeyOf(d))!.at(-1)!
      expect(lastHour.ts).toBe(d.ts)
      expect(lastHour.value).toBe(d.value)
      const points = live.get(seriesKeyOf(d))!
      const today = points.filter((p) => p.ts < day + DAY_MS)
      const tomorrow = points.filter((p) => p.ts >= day + DAY_MS)
      // Counts only grow through the day, up to the day's total, and start again after midnight.
      for (let i = 1; i < today.length; i++) expect(today[i]!.value).toBeGreaterThanOrEqual(today[i - 1]!.value)
      expect(today.at(-1)!.value).toBeLessThanOrEqual(d.value)
      expect(today.at(-1)!.value).toBeGreaterThanOrEqual(hourly.get(seriesKeyOf(d))!.at(-2)!.value)
      if (tomorrow.length > 0 && d.value > 20) expect(tomorrow[0]!.value).toBeLessThan(d.value / 2)
    }
  })

  it.each(['business', 'poverty'] as const)('a %s history point lies between the live values around its stamp', (domain) => {
    const sim = simulator(domain)
    const day = Date.UTC(2025, 5, 11, 16) // 2025-06-12 00:00 local
    const res = domain === 'poverty' ? DAY_MS : HOUR_MS
    const history = sim.history(day, day + DAY_MS, res).filter((p) => p.indicator === 'biz.new_entities' || p.indicator === 'pov.fund_disbursement_rate')
    const live = bySeries(sim.live(day, day + DAY_MS + 10 * MINUTE_MS))
    const anomalous = anomalyCover(sim.anomalies(day, day + DAY_MS + 10 * MINUTE_MS))
    let compared = 0
    for (const h of history) {
      const points = live.get(seriesKeyOf(h))!
      const before = points.filter((p) => p.ts <= h.ts).at(-1)
      const after = points.find((p) => p.ts > h.ts)
      // Business counts start again at midnight; monthly poverty figures carry on.
      if (!before || !after || anomalous(h) || (domain === 'business' && after.ts >= day + DAY_MS)) continue
      expect(h.value).toBeGreaterThanOrEqual(before.value)
      expect(h.value).toBeLessThanOrEqual(after.value)
      compared++
    }
    expect(compared).toBeGreaterThan(5)
  })
})
