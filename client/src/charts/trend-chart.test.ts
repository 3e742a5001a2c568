import { describe, expect, it } from 'vitest'
import { axisNumber } from './trend-chart'

describe('axis numbers', () => {
  it.each([
    [150_000, 0, 'zh', '15万'],
    [180_000, 0, 'en', '180k'],
    [65_000, 0, 'zh', '6.5万'],
    [230_000_000, 0, 'zh', '2.3亿'],
    [2_300_000, 0, 'en', '2.3M'],
    [1.25, 2, 'zh', '1.25'],
    [9_999, 0, 'zh', '9999'],
  ] as const)('%d at %d decimals in %s is %s', (v, precision, lang, shown) => {
    expect(axisNumber(v, precision, lang)).toBe(shown)
  })
})
