import { describe, expect, it } from 'vitest'
import { createSimulators } from './create-simulators'
import { LocalCalendar } from './local-calendar'
import { bySeries, anomalyCover, mean } from './point-grouping'
import { resolveZone } from './region-profile'
import { DAY_MS, HOUR_MS, MINUTE_MS, type Simulator } from './simulator'
import { createTestIndex } from './test-catalog'
import { fundamentalDiagram, type TrafficState } from './traffic-model'

const index = createTestIndex({ detectorsPerLeaf: 8 })
const traffic: Simulator = createSimulators(index, { seed: 11, utcOffsetMinutes: 480 }).find((s) => s.domain === 'traffic')!
const calendar = new LocalCalendar(480)
const june = (d: number) => calendar.dayIndex(Date.UTC(2025, 5, d, 12))
const WEEKDAYS = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13].map(june)
const WEEKENDS = [7, 8, 14, 15].map(june)
const zoneOf = (region: string) => resolveZone(index.tree, region)

/** Mean of one indicator over the minute around a local time on each of some days (anomalous points left out). */
function meanAt(indicator: string, hour: number, days: number[], zone?: string): number {
  const values: number[] = []
  for (const day of days) {
    const t = calendar.dayStart(day) + hour * HOUR_MS
    const anomalous = anomalyCover(traffic.anomalies(t - MINUTE_MS, t + MINUTE_MS))
    for (const p of traffic.live(t - 30_000, t + 30_000))
      if (p.indicator === indicator && (zone === undefined || zoneOf(p.region) === zone) && !anomalous(p)) values.push(p.value)
  }
  return mean(values)
}

describe('the traffic simulator', () => {
  it('has morning and evening rush hours on working days', () => {
    const night = meanAt('traffic.flow', 3, WEEKDAYS)
    expect(meanAt('traffic.flow', 8, WEEKDAYS)).toBeGreaterThan(4 * night)
    expect(meanAt('traffic.flow', 18, WEEKDAYS)).toBeGreaterThan(4 * night)
    expect(meanAt('traffic.flow', 12, WEEKDAYS)).toBeLessThan(meanAt('traffic.flow', 18, WEEKDAYS))
  })

  it('has lighter weekends without the sharp morning peak', () => {
    expect(meanAt('traffic.flow', 8, WEEKENDS)).toBeLessThan(0.5 * meanAt('traffic.flow', 8, WEEKDAYS))
    expect(meanAt('traffic.flow', 15, WEEKENDS)).toBeGreaterThan(meanAt('traffic.flow', 8, WEEKENDS))
  })

  it.each([8, 18])('is slower, denser and more congested at %d:00 than at night', (hour) => {
    expect(meanAt('traffic.speed', hour, WEEKDAYS)).toBeLessThan(0.85 * meanAt('traffic.speed', 3, WEEKDAYS))
    expect(meanAt('traffic.occupancy', hour, WEEKDAYS)).toBeGreaterThan(3 * meanAt('traffic.occupancy', 3, WEEKDAYS))
    expect(meanAt('traffic.congestion_index', hour, WEEKDAYS)).toBeGreaterThan(meanAt('traffic.congestion_index', 3, WEEKDAYS) + 0.15)
    expect(meanAt('traffic.bus_punctuality', hour, WEEKDAYS)).toBeLessThan(meanAt('traffic.bus_punctuality', 3, WEEKDAYS))
  })

  it('is busier and more congested in the Pearl River Delta than in the north', () => {
    expect(meanAt('traffic.flow', 8, WEEKDAYS, 'prd')).toBeGreaterThan(1.3 * meanAt('traffic.flow', 8, WEEKDAYS, 'north'))
    expect(meanAt('traffic.congestion_index', 18, WEEKDAYS, 'prd')).toBeGreaterThan(meanAt('traffic.congestion_index', 18, WEEKDAYS, 'north') + 0.2)
  })

  it('keeps speed and occupancy consistent: the denser the road, the slower', () => {
    const start = calendar.dayStart(WEEKDAYS[0]!)
    const series = bySeries(traffic.history(start, start + DAY_MS, MINUTE_MS))
    const station = index.stationsOfKind('traffic').find((s) => zoneOf(s.region) === 'prd')!.code
    const key = (indicator: string) => `${indicator}|${index.station(station)!.region}|${station}`
    const speed = series.get(key('traffic.speed'))!.map((p) => p.value)
    const occupancy = series.get(key('traffic.occupancy'))!.map((p) => p.value)
    expect(correlation(speed, occupancy)).toBeLessThan(-0.7)
  })

  it('counts more incidents in the rush hours than at night', () => {
    let rush = 0
    let night = 0
    for (const day of WEEKDAYS) {
      const start = calendar.dayStart(day)
      const counts = bySeries(traffic.history(start, start + DAY_MS, HOUR_MS).filter((p) => p.indicator === 'traffic.incidents'))
      for (const list of counts.values()) {
        // Each hourly point is the count at the end of its hour.
        const at = (h: number) => list.find((p) => p.ts === start + h * HOUR_MS - 1000)?.value ?? Number.NaN
        rush += at(9) - at(7) + (at(19) - at(17))
        night += at(5) - at(1)
      }
    }
    expect(rush).toBeGreaterThan(3 * night)
  })
})

describe('traffic disruptions', () => {
  const from = calendar.dayStart(june(2))
  const to = from + 14 * DAY_MS
  const planted = traffic.anomalies(from, to).filter((a) => a.kind === 'episode')
  const slowdowns = planted.filter((a) => a.indicator === 'traffic.speed')
  const pileups = planted.filter((a) => a.indicator === 'traffic.incidents')
  const within = (region: string, city: string) => index.tree.isWithin(region, city)

  it('plants city-wide slowdowns and incident pile-ups every day or so, each named in the answer key', () => {
    expect(slowdowns.length).toBeGreaterThanOrEqual(10)
    expect(pileups.length).toBeGreaterThanOrEqual(60)
    for (const s of slowdowns) {
      expect(index.tree.get(s.region)?.level).toBe('city')
      expect(s.magnitude).toBeLessThanOrEqual(-30)
      // The whole chain it moves is named: speed, occupancy, congestion and buses.
      const chain = planted.filter((a) => a.region === s.region && a.start === s.start).map((a) => a.indicator)
      expect(chain.sort()).toEqual(['traffic.bus_punctuality', 'traffic.congestion_index', 'traffic.occupancy', 'traffic.speed'])
    }
  })

  it("slows every detector of the slowed city, and raises its regions' congestion", () => {
    // Against the same minutes a week later (same weekday, no slowdown there then).
    const s = slowdowns.find((a) => a.start >= from && a.end <= to - 7 * DAY_MS && !slowdowns.some((b) => b.region === a.region && b.start < a.end + 7 * DAY_MS && b.end > a.start + 7 * DAY_MS))!
    const mid = s.start + (s.end - s.start) / 2
    const around = (t: number, indicator: string, inCity: boolean) =>
      traffic.live(t - 2 * MINUTE_MS, t + 2 * MINUTE_MS).filter((p) => p.indicator === indicator && within(p.region, s.region) === inCity)
    const ratio = (indicator: string, inCity: boolean) =>
      mean(around(mid, indicator, inCity).map((p) => p.value)) / mean(around(mid + 7 * DAY_MS, indicator, inCity).map((p) => p.value))
    const expected = 1 + s.magnitude / 100
    expect(around(mid, 'traffic.speed', true).length).toBeGreaterThan(0)
    expect(ratio('traffic.speed', true)).toBeLessThan(expected + 0.15)
    expect(ratio('traffic.congestion_index', true)).toBeGreaterThan(1 / expected - 0.15)
    // Elsewhere the week-on-week change is the everyday one.
    expect(Math.abs(ratio('traffic.speed', false) - 1)).toBeLessThan(0.15)
  })

  it('adds a pile-up to its region’s count of incidents today, within its span, and keeps it until midnight', () => {
    const p = pileups.find((a) => calendar.dayIndex(a.start) === calendar.dayIndex(a.end) && a.start >= from && a.end <= to)!
    const count = (t: number) => traffic.history(t - MINUTE_MS, t, MINUTE_MS).find((h) => h.indicator === 'traffic.incidents' && h.region === p.region)!.value
    const before = count(p.start)
    const after = count(p.end + MINUTE_MS)
    expect(after - before).toBeGreaterThanOrEqual(p.magnitude)
    const lastMinute = calendar.dayStart(calendar.dayIndex(p.start)) + DAY_MS - MINUTE_MS
    expect(count(lastMinute)).toBeGreaterThanOrEqual(after)
  })
})

describe('fundamentalDiagram', () => {
  const state: TrafficState = { density: 0, flowRatio: 0, speedRatio: 1 }
  it.each([0, 0.2, 0.5, 0.8, 0.99, 1, 1.01, 1.3, 3])('at demand %d stays on the diagram: flow = 4k(1 − k), speed = 1 − k', (x) => {
    const { density, flowRatio, speedRatio } = fundamentalDiagram(x, state)
    expect(flowRatio).toBeCloseTo(4 * density * (1 - density), 12)
    expect(speedRatio).toBeCloseTo(1 - density, 12)
    expect(flowRatio).toBeLessThanOrEqual(1)
    if (x <= 1) expect(flowRatio).toBeCloseTo(x, 12)
    else expect(speedRatio).toBeLessThan(0.5)
  })

  it('slows down steadily as demand grows', () => {
    let previous = 1.01
    for (let x = 0; x <= 2; x += 0.05) {
      const speed = fundamentalDiagram(x, state).speedRatio
      expect(speed).toBeLessThan(previous)
      previous = speed
    }
  })
})

function correlation(a: number[], b: number[]): number {
  const ma = mean(a)
  const mb = mean(b)
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb)
    aa += (a[i]! - ma) ** 2
    bb += (b[i]! - mb) ** 2
  }
  return ab / Math.sqrt(aa * bb)
}
