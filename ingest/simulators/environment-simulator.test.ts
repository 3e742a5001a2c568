import { describe, expect, it } from 'vitest'
import { hourlyAqi } from './aqi'
import { createSimulators } from './create-simulators'
import { LocalCalendar } from './local-calendar'
import { bySeries, mean } from './point-grouping'
import { cityOf, resolveZone } from './region-profile'
import { DAY_MS, HOUR_MS, MINUTE_MS, type SimPoint, type Simulator } from './simulator'
import { createTestIndex } from './test-catalog'

const index = createTestIndex({ airStationsPerLeaf: 2 })
const environment: Simulator = createSimulators(index, { seed: 5, utcOffsetMinutes: 480 }).find((s) => s.domain === 'environment')!
const calendar = new LocalCalendar(480)
const localMidnight = (y: number, m: number, d: number) => Date.UTC(y, m, d) - 8 * HOUR_MS

/** Hourly history of one indicator over `days` days from a local midnight, by local hour of day. */
function byHourOfDay(indicator: string, from: number, days: number): Map<number, number[]> {
  const out = new Map<number, number[]>()
  for (const p of environment.history(from, from + days * DAY_MS, HOUR_MS)) {
    if (p.indicator !== indicator) continue
    const h = Math.floor(calendar.hourOfDay(p.ts))
    const list = out.get(h) ?? []
    list.push(p.value)
    out.set(h, list)
  }
  return out
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function monthlyMean(indicator: string, year: number, month: number, filter: (p: SimPoint) => boolean = () => true): number {
  const from = localMidnight(year, month, 1)
  const to = localMidnight(year, month + 1, 1)
  return mean(environment.history(from, to, DAY_MS).filter((p) => p.indicator === indicator && filter(p)).map((p) => p.value))
}

describe('the environment simulator', () => {
  const spring = byHourOfDay('env.pm25', localMidnight(2025, 2, 1), 60)
  const autumn = byHourOfDay('env.o3', localMidnight(2025, 8, 1), 60)

  it('has PM2.5 higher in the morning than in mid-afternoon', () => {
    // Medians: the severe demonstration episodes land on odd hours, 7:00 and 15:00 alike.
    expect(median(spring.get(7)!)).toBeGreaterThan(1.15 * median(spring.get(15)!))
  })

  it('has ozone peaking mid-afternoon, with sunlight', () => {
    expect(mean(autumn.get(15)!)).toBeGreaterThan(2 * mean(autumn.get(6)!))
    expect(mean(autumn.get(15)!)).toBeGreaterThan(mean(autumn.get(10)!))
  })

  it('has worse particles in the dry season and worse ozone in autumn', () => {
    expect(monthlyMean('env.pm25', 2025, 0)).toBeGreaterThan(1.4 * monthlyMean('env.pm25', 2025, 6))
    expect(monthlyMean('env.o3', 2025, 8)).toBeGreaterThan(1.3 * monthlyMean('env.o3', 2025, 2))
  })

  it('has more ozone in the Pearl River Delta and cleaner air in the northern mountains', () => {
    const inZone = (zone: string) => (p: SimPoint) => resolveZone(index.tree, p.region) === zone
    expect(monthlyMean('env.o3', 2025, 8, inZone('prd'))).toBeGreaterThan(monthlyMean('env.o3', 2025, 8, inZone('north')))
    expect(monthlyMean('env.pm25', 2024, 11, inZone('prd'))).toBeGreaterThan(monthlyMean('env.pm25', 2024, 11, inZone('north')))
  })

  it.each([
    ['live', (t: number) => environment.live(t, t + 2 * HOUR_MS)],
    ['hourly history', (t: number) => environment.history(t, t + 2 * DAY_MS, HOUR_MS)],
  ])('derives the AQI from the pollutants it publishes (%s)', (_name, points) => {
    const byStationTime = new Map<string, Map<string, number>>()
    for (const p of points(localMidnight(2025, 0, 10))) {
      if (!p.station) continue
      const key = `${p.station}@${p.ts}`
      const m = byStationTime.get(key) ?? new Map<string, number>()
      m.set(p.indicator, p.value)
      byStationTime.set(key, m)
    }
    let checked = 0
    for (const m of byStationTime.values()) {
      if (m.size < 4) continue
      expect(m.get('env.aqi')).toBe(hourlyAqi(m.get('env.pm25')!, m.get('env.pm10')!, m.get('env.o3')!))
      checked++
    }
    expect(checked).toBeGreaterThan(50)
  })

  it.each([
    Date.UTC(2025, 0, 15, 0, 0),
    Date.UTC(2025, 3, 2, 7, 13, 9),
    Date.UTC(2025, 5, 21, 12, 59, 59),
    Date.UTC(2025, 7, 8, 3, 1),
    Date.UTC(2025, 9, 30, 17, 44, 30),
    Date.UTC(2025, 11, 24, 22, 5, 1),
  ])('reaches an AQI above 200 somewhere within two hours of starting at %d', (t0) => {
    const aqi = environment.live(t0, t0 + 2 * HOUR_MS).filter((p) => p.indicator === 'env.aqi')
    expect(Math.max(...aqi.map((p) => p.value))).toBeGreaterThan(200)
  })

  it('spreads episodes over a city and its neighbours, several a season', () => {
    const from = localMidnight(2025, 0, 1)
    const episodes = environment.anomalies(from, from + 90 * DAY_MS).filter((a) => a.kind === 'episode')
    const spells = new Set(episodes.filter((a) => a.end - a.start > DAY_MS).map((a) => `${a.indicator}@${a.start}`))
    expect(spells.size).toBeGreaterThanOrEqual(3)
    const cities = new Set(index.tree.children(index.tree.root.code).map((c) => c.code))
    for (const e of episodes) expect(cities.has(e.region)).toBe(true)
    // An episode reaches beyond its centre city.
    const reach = new Map<string, number>()
    for (const e of episodes) reach.set(`${e.indicator}@${e.start}`, (reach.get(`${e.indicator}@${e.start}`) ?? 0) + 1)
    expect(Math.max(...reach.values())).toBeGreaterThan(1)
  })

  it('raises PM2.5 at every station of a city during its severe episode', () => {
    const t0 = localMidnight(2025, 3, 2) + 10 * HOUR_MS
    const burst = environment
      .anomalies(t0, t0 + 4 * HOUR_MS)
      .find((a) => a.kind === 'episode' && a.indicator === 'env.pm25' && a.magnitude > 150 && a.end - a.start < 3 * HOUR_MS)!
    expect(burst).toBeDefined()
    const middle = burst.start + (burst.end - burst.start) / 2
    const pm25 = environment.live(middle - 10 * MINUTE_MS, middle).filter((p) => p.indicator === 'env.pm25')
    const inCity = pm25.filter((p) => cityOf(index.tree, p.region) === burst.region).map((p) => p.value)
    const elsewhere = pm25.filter((p) => cityOf(index.tree, p.region) !== burst.region).map((p) => p.value)
    expect(inCity.length).toBeGreaterThan(0)
    expect(Math.min(...inCity)).toBeGreaterThan(150)
    expect(mean(inCity)).toBeGreaterThan(mean(elsewhere) + 100)
  })

  it('reports today’s polluter exceedances as a count that only grows until midnight', () => {
    const from = localMidnight(2025, 4, 12)
    for (const list of bySeries(environment.live(from, from + DAY_MS).filter((p) => p.indicator === 'env.polluter_exceedances')).values())
      for (let i = 1; i < list.length; i++) expect(list[i]!.value).toBeGreaterThanOrEqual(list[i - 1]!.value)
  })
})
