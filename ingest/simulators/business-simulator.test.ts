import { describe, expect, it } from 'vitest'
import { createSimulators } from './create-simulators'
import { LocalCalendar } from './local-calendar'
import { bySeries, anomalyCover, mean } from './point-grouping'
import { resolveZone } from './region-profile'
import { DAY_MS, HOUR_MS, type SimPoint, type Simulator } from './simulator'
import { createTestIndex } from './test-catalog'

const index = createTestIndex()
const business: Simulator = createSimulators(index, { seed: 21, utcOffsetMinutes: 480 }).find((s) => s.domain === 'business')!
const calendar = new LocalCalendar(480)
const localMidnight = (y: number, m: number, d: number) => Date.UTC(y, m, d) - 8 * HOUR_MS
const zoneOf = (p: SimPoint) => resolveZone(index.tree, p.region)

function daily(indicator: string, from: number, days: number): SimPoint[] {
  return business.history(from, from + days * DAY_MS, DAY_MS).filter((p) => p.indicator === indicator)
}

describe('the business simulator', () => {
  it('counts today’s registrations and ratings up through the day and starts again at midnight', () => {
    const from = localMidnight(2025, 4, 19) // a Monday
    const anomalous = anomalyCover(business.anomalies(from, from + 3 * DAY_MS))
    for (const [key, list] of bySeries(business.live(from, from + 3 * DAY_MS))) {
      if (!key.startsWith('biz.new_entities') && !key.startsWith('biz.ratings')) continue
      for (let i = 1; i < list.length; i++) {
        const [a, b] = [list[i - 1]!, list[i]!]
        if (calendar.dayIndex(a.ts) === calendar.dayIndex(b.ts)) expect(b.value).toBeGreaterThanOrEqual(a.value)
        else if (a.value > 50 && !anomalous(b)) expect(b.value).toBeLessThan(a.value / 4)
      }
    }
  })

  it('does its work in office hours', () => {
    const from = localMidnight(2025, 4, 19)
    let office = 0
    let night = 0
    for (const list of bySeries(business.history(from, from + 5 * DAY_MS, HOUR_MS).filter((p) => p.indicator === 'biz.new_entities')).values()) {
      const at = (t: number) => list.find((p) => p.ts === t - 1000)?.value ?? Number.NaN
      for (let d = 0; d < 5; d++) {
        const day = from + d * DAY_MS
        office += at(day + 12 * HOUR_MS) - at(day + 9 * HOUR_MS) + at(day + 18 * HOUR_MS) - at(day + 14 * HOUR_MS)
        night += at(day + 7 * HOUR_MS)
      }
    }
    expect(office).toBeGreaterThan(10 * night)
  })

  it('registers far fewer entities at weekends', () => {
    const days = daily('biz.new_entities', localMidnight(2025, 4, 5), 28)
    const weekend = days.filter((p) => calendar.isRestDay(calendar.dayIndex(p.ts)))
    const weekday = days.filter((p) => !calendar.isRestDay(calendar.dayIndex(p.ts)))
    expect(mean(weekend.map((p) => p.value))).toBeLessThan(0.3 * mean(weekday.map((p) => p.value)))
  })

  it('registers more and faster in the Pearl River Delta than in the north', () => {
    const from = localMidnight(2025, 4, 5)
    const entities = daily('biz.new_entities', from, 28)
    const startup = daily('biz.startup_days', from, 28)
    const byZone = (points: SimPoint[], zone: string) => mean(points.filter((p) => zoneOf(p) === zone).map((p) => p.value))
    expect(byZone(entities, 'prd')).toBeGreaterThan(2 * byZone(entities, 'north'))
    expect(byZone(startup, 'prd')).toBeLessThan(byZone(startup, 'north'))
  })

  it('grows a few percent a year and keeps improving its rates', () => {
    const total = (year: number, indicator: string) => daily(indicator, localMidnight(year, 0, 1), 365).map((p) => p.value)
    const growth = mean(total(2025, 'biz.new_entities')) / mean(total(2024, 'biz.new_entities'))
    expect(growth).toBeGreaterThan(1.01)
    expect(growth).toBeLessThan(1.12)
    expect(mean(total(2026, 'biz.online_rate'))).toBeGreaterThan(mean(total(2024, 'biz.online_rate')))
    expect(mean(total(2026, 'biz.startup_days'))).toBeLessThan(mean(total(2024, 'biz.startup_days')))
  })

  it('keeps satisfaction a high share, as good ratings are', () => {
    const values = daily('biz.satisfaction', localMidnight(2025, 4, 5), 28).map((p) => p.value)
    expect(mean(values)).toBeGreaterThan(98.5)
    expect(Math.max(...values)).toBeLessThanOrEqual(100)
  })
})
