import { describe, expect, it } from 'vitest'
import { inCurrentPeriod } from './running-value'

const at = (iso: string) => Date.parse(iso)
const SH = 'Asia/Shanghai'

describe('a running value in its period', () => {
  const lastNight = { value: 960, ts: at('2026-12-04T23:55:00+08:00') }
  const thisMorning = { value: 2, ts: at('2026-12-05T00:05:00+08:00') }

  it('is yesterday’s total just after midnight: not today’s', () => {
    expect(inCurrentPeriod(lastNight, 'day', at('2026-12-05T00:08:00+08:00'), SH)).toBeUndefined()
    expect(inCurrentPeriod(thisMorning, 'day', at('2026-12-05T00:08:00+08:00'), SH)).toBe(thisMorning)
  })

  it('is this month’s until the month ends', () => {
    expect(inCurrentPeriod(lastNight, 'month', at('2026-12-05T00:08:00+08:00'), SH)).toBe(lastNight)
    expect(inCurrentPeriod(lastNight, 'month', at('2027-01-01T00:08:00+08:00'), SH)).toBeUndefined()
  })

  it('leaves a value that is not a running one alone, however old', () => {
    expect(inCurrentPeriod(lastNight, undefined, at('2027-06-01T00:00:00+08:00'), SH)).toBe(lastNight)
  })
})
