import { describe, expect, it } from 'vitest'
import { createSimulators } from './create-simulators'
import { LocalCalendar } from './local-calendar'
import { bySeries, anomalyCover, mean } from './point-grouping'
import { resolveZone } from './region-profile'
import { DAY_MS, HOUR_MS, type SimPoint, type Simulator } from './simulator'
import { createTestIndex } from './test-catalog'

const index = createTestIndex()
const poverty: Simulator = createSimulators(index, { seed: 31, utcOffsetMinutes: 480 }).find((s) => s.domain === 'poverty')!
const calendar = new LocalCalendar(480)
const localMidnight = (y: number, m: number, d: number) => Date.UTC(y, m, d) - 8 * HOUR_MS
const year2025 = poverty.history(localMidnight(2025, 0, 1), localMidnight(2026, 0, 1), DAY_MS)
const anomalous = anomalyCover(poverty.anomalies(localMidnight(2025, 0, 1), localMidnight(2026, 0, 1)))
const series = (indicator: string) => [...bySeries(year2025.filter((p) => p.indicator === indicator && !anomalous(p))).values()]
const monthOf = (p: SimPoint) => calendar.civil(calendar.dayIndex(p.ts)).month

describe('the poverty simulator', () => {
  it('disburses the year’s funds from nothing in January towards 95 % in December, some counties lagging', () => {
    const yearEnds: number[] = []
    for (const list of series('pov.fund_disbursement_rate')) {
      for (let i = 1; i < list.length; i++) expect(list[i]!.value).toBeGreaterThanOrEqual(list[i - 1]!.value)
      expect(list[0]!.value).toBeLessThan(3)
      expect(list.filter((p) => monthOf(p) === 6).at(-1)!.value).toBeLessThan(60)
      yearEnds.push(list.at(-1)!.value)
    }
    expect(Math.min(...yearEnds)).toBeGreaterThan(55)
    expect(Math.max(...yearEnds)).toBeLessThanOrEqual(100)
    expect(mean(yearEnds)).toBeGreaterThan(80)
  })

  it('eliminates risks through the year', () => {
    for (const list of series('pov.at_risk_households')) {
      expect(list.at(-1)!.value).toBeLessThan(0.7 * list[0]!.value)
    }
    for (const list of series('pov.risk_elimination_rate')) {
      expect(list.at(-1)!.value).toBeGreaterThan(list[0]!.value + 10)
    }
  })

  it('moves stocks within a month only upwards, as new households are identified', () => {
    for (const list of series('pov.monitored_households'))
      for (let i = 1; i < list.length; i++) if (monthOf(list[i]!) === monthOf(list[i - 1]!)) expect(list[i]!.value).toBeGreaterThanOrEqual(list[i - 1]!.value)
  })

  it('monitors few households in the delta and many in the mountain counties', () => {
    const households = (zone: string) =>
      mean(year2025.filter((p) => p.indicator === 'pov.monitored_households' && resolveZone(index.tree, p.region) === zone).map((p) => p.value))
    expect(households('prd')).toBeLessThan(0.2 * households('north'))
    expect(households('prd')).toBeLessThan(0.2 * households('east'))
  })

  it('raises incomes year on year', () => {
    const income = (year: number) =>
      mean(poverty.history(localMidnight(year, 0, 1), localMidnight(year + 1, 0, 1), DAY_MS).filter((p) => p.indicator === 'pov.income_per_capita').map((p) => p.value))
    expect(income(2026)).toBeGreaterThan(1.03 * income(2025))
  })

  it('publishes nothing finer than a day in history, its figures being monthly', () => {
    expect(poverty.history(localMidnight(2025, 0, 1), localMidnight(2025, 0, 3), HOUR_MS)).toEqual([])
  })
})
