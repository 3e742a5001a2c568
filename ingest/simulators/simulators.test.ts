import { describe, expect, it } from 'vitest'
import type { Domain } from '../../common/catalog-schema'
import { createSimulators } from './create-simulators'
import { historyInChunks } from './history-chunks'
import { bySeries, seriesKeyOf } from './point-grouping'
import { DAY_MS, HISTORY_RESOLUTIONS, HOUR_MS, LAST_STAMP_BEFORE_END_MS, MINUTE_MS, type SimPoint, type Simulator } from './simulator'
import { createTestIndex } from './test-catalog'

const index = createTestIndex()
const options = { seed: 7, utcOffsetMinutes: 480 }
const simulators = createSimulators(index, options)
const simulator = (domain: Domain): Simulator => simulators.find((s) => s.domain === domain)!
// An arbitrary moment, not on any round number.
const T = Date.UTC(2025, 2, 11, 1, 23, 45, 678)

/** How long a history check covers at each resolution. */
const HISTORY_SPAN = { [MINUTE_MS]: 3 * HOUR_MS, [HOUR_MS]: 3 * DAY_MS, [DAY_MS]: 20 * DAY_MS } as const

const byTime = (a: SimPoint, b: SimPoint) => a.ts - b.ts || seriesKeyOf(a).localeCompare(seriesKeyOf(b))

describe.each(index.domainList.map((d) => d.code))('the %s simulator', (domain) => {
  const sim = simulator(domain)

  it('is reproducible from its seed, and another seed gives other values', () => {
    const again = createSimulators(index, options).find((s) => s.domain === domain)!
    const other = createSimulators(index, { ...options, seed: 8 }).find((s) => s.domain === domain)!
    const live = sim.live(T, T + 20 * MINUTE_MS)
    expect(live.length).toBeGreaterThan(0)
    expect(again.live(T, T + 20 * MINUTE_MS)).toEqual(live)
    expect(other.live(T, T + 20 * MINUTE_MS).map((p) => p.value)).not.toEqual(live.map((p) => p.value))
    const history = sim.history(T - 10 * DAY_MS, T, DAY_MS)
    expect(again.history(T - 10 * DAY_MS, T, DAY_MS)).toEqual(history)
    expect(other.history(T - 10 * DAY_MS, T, DAY_MS).map((p) => p.value)).not.toEqual(history.map((p) => p.value))
    expect(again.anomalies(T - DAY_MS, T)).toEqual(sim.anomalies(T - DAY_MS, T))
  })

  it('publishes every series on its own fixed slots inside (from, to]', () => {
    const from = T
    const to = T + 30 * MINUTE_MS
    const points = sim.live(from, to)
    const periods = new Map(sim.series().map((s) => [seriesKeyOf(s), s.publishEveryMs]))
    const offsets = new Set<number>()
    for (const [key, list] of bySeries(points)) {
      const period = periods.get(key)!
      expect(period).toBeDefined()
      const offset = list[0]!.ts % period
      offsets.add(offset)
      for (const p of list) {
        expect(p.ts).toBeGreaterThan(from)
        expect(p.ts).toBeLessThanOrEqual(to)
        expect(p.ts % period).toBe(offset)
      }
    }
    // Series do not all fire on the same millisecond.
    expect(offsets.size).toBeGreaterThan(1)
    expect(points.map((p) => p.ts)).toEqual([...points.map((p) => p.ts)].sort((a, b) => a - b))
  })

  it('gives the same points however the live window is cut, in whatever order it is asked', () => {
    const whole = sim.live(T, T + 10 * MINUTE_MS)
    const late = sim.live(T + 4 * MINUTE_MS, T + 10 * MINUTE_MS)
    const early = sim.live(T, T + 4 * MINUTE_MS)
    expect([...early, ...late].sort(byTime)).toEqual([...whole].sort(byTime))
  })

  it.each(HISTORY_RESOLUTIONS)('keeps values finite, in range and at the precision of the indicator (history at %d ms too)', (res) => {
    const points = [...sim.live(T, T + 15 * MINUTE_MS), ...sim.history(T - HISTORY_SPAN[res], T, res)]
    for (const p of points) {
      const indicator = index.indicator(p.indicator)!
      expect(Number.isFinite(p.value)).toBe(true)
      expect(p.value).toBeGreaterThanOrEqual(indicator.range[0])
      expect(p.value).toBeLessThanOrEqual(indicator.range[1])
      const scaled = p.value * 10 ** indicator.precision
      expect(Math.abs(scaled - Math.round(scaled))).toBeLessThan(1e-6)
    }
  })

  it.each(HISTORY_RESOLUTIONS)('gives at most one history point per series per interval at %d ms, stamped by the indicator', (res) => {
    const from = T - HISTORY_SPAN[res]
    const points = sim.history(from, T, res)
    for (const [key, list] of bySeries(points)) {
      const indicator = index.indicator(key.split('|')[0]!)!
      const starts = list.map((p) => (indicator.temporal === 'mean' ? p.ts : p.ts + LAST_STAMP_BEFORE_END_MS - res))
      expect(new Set(starts).size).toBe(starts.length)
      for (const start of starts) {
        // Local-aligned (UTC+8 is a whole number of hours; a day starts at 16:00 UTC) and whole inside [from, to).
        expect((start + 8 * HOUR_MS) % res).toBe(0)
        expect(start).toBeGreaterThanOrEqual(from)
        expect(start + res).toBeLessThanOrEqual(T)
      }
    }
  })

  it('splits history into chunks that add up to the whole', () => {
    // Poverty figures are monthly, so they have no hourly history.
    const res = domain === 'poverty' ? DAY_MS : HOUR_MS
    const from = T - 30 * res
    const chunks = [...historyInChunks(sim, from, T, res, options.utcOffsetMinutes, 7)]
    expect(chunks.length).toBeGreaterThan(1)
    expect(chunks.flat().sort(byTime)).toEqual(sim.history(from, T, res).sort(byTime))
  })

  it('refuses a resolution the rollups do not keep', () => {
    expect(() => sim.history(T - DAY_MS, T, 5 * MINUTE_MS)).toThrow(RangeError)
  })
})

describe('the simulators together', () => {
  it('cover every station and every leaf region of the catalog, whatever the province', () => {
    const specs = simulators.flatMap((s) => s.series())
    const leaves = index.tree.leaves(index.tree.root.code).map((r) => r.code)
    for (const station of index.catalog.stations) {
      const kinds = index.catalog.indicators.filter((i) => i.stationKind === station.kind)
      for (const i of kinds) expect(specs).toContainEqual(expect.objectContaining({ indicator: i.code, station: station.code, region: station.region }))
    }
    for (const i of index.catalog.indicators.filter((i) => i.stationKind === undefined)) {
      expect(specs.filter((s) => s.indicator === i.code).map((s) => s.region).sort()).toEqual([...leaves].sort())
    }
  })

  it.each([
    [MINUTE_MS, ['traffic.speed', 'traffic.flow', 'traffic.occupancy', 'traffic.congestion_index', 'traffic.incidents', 'traffic.bus_punctuality', 'env.aqi', 'env.pm25', 'env.pm10', 'env.o3']],
    [HOUR_MS, index.catalog.indicators.filter((i) => i.domain !== 'poverty').map((i) => i.code)],
    [DAY_MS, index.catalog.indicators.map((i) => i.code)],
  ])('publish at %d ms the series that mean something there', (res, expected) => {
    const seen = new Set(simulators.flatMap((s) => s.history(T - 2 * DAY_MS, T, res)).map((p) => p.indicator))
    expect([...seen].sort()).toEqual([...expected].sort())
  })
})
