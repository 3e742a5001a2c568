import { describe, expect, it } from 'vitest'
import type { Domain } from '../../common/catalog-schema'
import { createSimulators } from './create-simulators'
import { anomalyCover, mean, seriesKeyOf } from './point-grouping'
import { DAY_MS, HOUR_MS, MINUTE_MS, type ScheduledAnomaly, type SimPoint, type Simulator } from './simulator'
import { createTestIndex } from './test-catalog'

const index = createTestIndex()
const simulators = createSimulators(index, { seed: 13, utcOffsetMinutes: 480 })
const simulator = (domain: Domain): Simulator => simulators.find((s) => s.domain === domain)!
const T = Date.UTC(2025, 6, 15, 2, 0) // 10:00 local on a Tuesday

/**
 * Anomalies of a kind on an indicator in [from, to) that no other anomaly of
 * their series overlaps (with a margin); for kinds that add to the value, no
 * pollution episode of their city either.
 */
function isolated(sim: Simulator, kind: ScheduledAnomaly['kind'], indicator: string, from: number, to: number, margin: number): ScheduledAnomaly[] {
  const all = sim.anomalies(from - DAY_MS, to + DAY_MS)
  const additive = kind === 'spike' || kind === 'levelShift'
  return all.filter(
    (a) =>
      a.kind === kind &&
      a.indicator === indicator &&
      a.start >= from &&
      a.end <= to &&
      !all.some((b) => b !== a && seriesKeyOf(b) === seriesKeyOf(a) && b.start < a.end + margin && b.end > a.start - margin) &&
      // Episodes move every pollutant of a city's stations.
      !(additive && all.some((b) => b.kind === 'episode' && b.start < a.end + margin && b.end > a.start - margin && index.tree.isWithin(a.region, b.region))),
  )
}

function pointsOf(sim: Simulator, a: ScheduledAnomaly, from: number, to: number): SimPoint[] {
  return sim.live(from, to).filter((p) => seriesKeyOf(p) === seriesKeyOf(a))
}

describe('scheduled anomalies', () => {
  it('include a traffic detector dropout and a stuck detector every hour', () => {
    const traffic = simulator('traffic')
    for (let h = 0; h < 24; h++) {
      const from = T + h * HOUR_MS
      const detectors = traffic.anomalies(from, from + HOUR_MS).filter((a) => a.station !== undefined)
      expect(detectors.some((a) => a.kind === 'dropout')).toBe(true)
      expect(detectors.some((a) => a.kind === 'stuck')).toBe(true)
    }
  })

  it('put a few anomalies in every half hour across the province', () => {
    for (let k = 0; k < 48; k++) {
      const from = T + k * 30 * MINUTE_MS
      const occurrences = new Set(
        simulators.flatMap((s) => s.anomalies(from, from + 30 * MINUTE_MS)).map((a) => `${a.kind}|${a.station ?? a.region}|${a.start}`),
      )
      expect(occurrences.size).toBeGreaterThanOrEqual(3)
    }
  })

  it('lists only anomalies overlapping the window asked for', () => {
    for (const sim of simulators)
      for (const a of sim.anomalies(T, T + HOUR_MS)) {
        expect(a.start).toBeLessThan(T + HOUR_MS)
        expect(a.end).toBeGreaterThan(T)
      }
  })

  it.each([
    ['traffic', 'traffic.flow'],
    ['traffic', 'traffic.speed'],
    ['environment', 'env.pm10'],
    ['environment', 'env.pm25'],
    ['business', 'biz.startup_days'],
    ['poverty', 'pov.income_per_capita'],
  ] as const)('show a %s spike on %s at its time and not outside', (domain, indicator) => {
    const sim = simulator(domain)
    const spikes = isolated(sim, 'spike', indicator, T, T + DAY_MS, 40 * MINUTE_MS).slice(0, 5)
    expect(spikes.length).toBeGreaterThan(0)
    for (const spike of spikes) {
      const points = pointsOf(sim, spike, spike.start - 30 * MINUTE_MS, spike.end + 30 * MINUTE_MS)
      const inside = points.filter((p) => p.ts >= spike.start && p.ts < spike.end)
      const outside = points.filter((p) => p.ts < spike.start || p.ts >= spike.end)
      expect(inside.length).toBeGreaterThan(0)
      const usual = median(outside.map((p) => p.value))
      for (const p of inside) expect(p.value - usual).toBeGreaterThan(0.6 * spike.magnitude)
      for (const p of outside) expect(Math.abs(p.value - usual)).toBeLessThan(0.4 * spike.magnitude)
    }
  })

  it.each([
    ['traffic', 'traffic.speed'],
    ['environment', 'env.aqi'],
  ] as const)('repeat one exact value while a %s sensor is stuck (%s)', (domain, indicator) => {
    const sim = simulator(domain)
    const stuck = isolated(sim, 'stuck', indicator, T, T + DAY_MS, 0).slice(0, 5)
    expect(stuck.length).toBeGreaterThan(0)
    for (const a of stuck) {
      const before = pointsOf(sim, a, a.start - HOUR_MS, a.start)
      const during = pointsOf(sim, a, a.start, a.end - 1)
      expect(during.length).toBeGreaterThan(3)
      expect(new Set(during.map((p) => p.value))).toEqual(new Set([a.magnitude]))
      expect(new Set(before.map((p) => p.value)).size).toBeGreaterThan(1)
    }
  })

  it.each([
    ['traffic', 'traffic.flow'],
    ['environment', 'env.pm25'],
    ['business', 'biz.new_entities'],
    ['poverty', 'pov.employment_rate'],
  ] as const)('publish nothing from a %s series while it drops out, live or in history (%s)', (domain, indicator) => {
    const sim = simulator(domain)
    const dropouts = isolated(sim, 'dropout', indicator, T, T + 2 * DAY_MS, 0).slice(0, 5)
    expect(dropouts.length).toBeGreaterThan(0)
    for (const a of dropouts) {
      const points = pointsOf(sim, a, a.start - HOUR_MS, a.end + HOUR_MS)
      expect(points.filter((p) => p.ts >= a.start && p.ts < a.end)).toEqual([])
      expect(points.some((p) => p.ts < a.start)).toBe(true)
      expect(points.some((p) => p.ts >= a.end)).toBe(true)
      if (domain !== 'traffic' && domain !== 'environment') continue
      // Minutes wholly inside the dropout are missing from history; the others are there.
      const minutes = sim.history(a.start - 10 * MINUTE_MS, a.end + 10 * MINUTE_MS, MINUTE_MS).filter((p) => seriesKeyOf(p) === seriesKeyOf(a))
      const inside = (p: SimPoint) => p.ts >= a.start && p.ts + MINUTE_MS <= a.end
      expect(minutes.filter(inside)).toEqual([])
      expect(minutes.length).toBeGreaterThanOrEqual(18)
    }
  })

  it.each([
    ['business', 'biz.online_rate', DAY_MS],
    ['traffic', 'traffic.bus_punctuality', 7 * DAY_MS],
    ['poverty', 'pov.employment_rate', DAY_MS],
  ] as const)('move the mean of a %s series during a level shift (%s)', (domain, indicator, comparedWithEarlier) => {
    const sim = simulator(domain)
    const shifts = isolated(sim, 'levelShift', indicator, T, T + 3 * DAY_MS, 0).slice(0, 4)
    expect(shifts.length).toBeGreaterThan(0)
    const earlierAnomalous = anomalyCover(sim.anomalies(T - comparedWithEarlier, T + 3 * DAY_MS))
    for (const a of shifts) {
      const during = pointsOf(sim, a, a.start, a.end - 1)
      // The same hours of an earlier day, as the series usually is then.
      const usual = pointsOf(sim, a, a.start - comparedWithEarlier, a.end - comparedWithEarlier - 1).filter((p) => !earlierAnomalous(p))
      const shift = mean(during.map((p) => p.value)) - mean(usual.map((p) => p.value))
      expect(Math.abs(shift - a.magnitude)).toBeLessThan(0.35 * Math.abs(a.magnitude))
    }
  })
})

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
