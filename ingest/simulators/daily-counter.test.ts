import { describe, expect, it } from 'vitest'
import { DailyCounter } from './daily-counter'
import { LocalCalendar } from './local-calendar'
import { HOUR_MS, MINUTE_MS } from './simulator'

const calendar = new LocalCalendar(480)
// Busy from 9 to 18 local, quiet otherwise.
const weights = Float64Array.from({ length: 24 }, (_, h) => (h >= 9 && h < 18 ? 1 : 0.02))
const day0 = calendar.dayIndex(Date.UTC(2025, 2, 3, 12))

describe.each([3, 40, 2500])('DailyCounter with %d events a day', (expected) => {
  const counter = new DailyCounter(1, `test-${expected}`, calendar, { expectedTotal: () => expected, hourWeights: () => weights })

  it('counts up through the day, ends at the day total and resets at midnight', () => {
    for (let day = day0; day < day0 + 5; day++) {
      const start = calendar.dayStart(day)
      let previous = 0
      for (let t = start; t < start + 24 * HOUR_MS; t += 5 * MINUTE_MS) {
        const n = counter.countAt(t)
        expect(n).toBeGreaterThanOrEqual(previous)
        previous = n
      }
      expect(counter.countAt(start + 24 * HOUR_MS - 1000)).toBe(counter.total(day))
      expect(counter.countAt(start + 24 * HOUR_MS)).toBeLessThanOrEqual(counter.countAt(start + 24 * HOUR_MS + HOUR_MS))
      expect(counter.countAt(start)).toBeLessThan(Math.max(2, counter.total(day)))
    }
  })

  it('has Poisson day totals around the expected number, mostly in busy hours', () => {
    let total = 0
    let busy = 0
    const days = 60
    for (let day = day0; day < day0 + days; day++) {
      const start = calendar.dayStart(day)
      total += counter.total(day)
      busy += counter.countAt(start + 18 * HOUR_MS) - counter.countAt(start + 9 * HOUR_MS)
    }
    expect(Math.abs(total / days - expected)).toBeLessThan(4 * Math.sqrt(expected / days) + 0.5)
    expect(busy / total).toBeGreaterThan(0.85)
  })
})
