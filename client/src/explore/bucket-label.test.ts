import { describe, expect, it } from 'vitest'
import { bucketLabel, showsBand } from './bucket-label'

describe('bucketLabel', () => {
  // 2026-11-21 00:00 in China.
  const midnight = Date.parse('2026-11-21T00:00:00+08:00')

  it.each([
    ['1d', 'zh', '2026/11/21'],
    ['1d', 'en', '21/11/2026'],
    ['1h', 'zh', '2026/11/21 00:00'],
    ['1h', 'en', '21/11/2026, 00:00'],
  ] as const)('a %s bucket in %s reads %s', (step, lang, expected) => {
    expect(bucketLabel(midnight, step, lang, 'Asia/Shanghai')).toBe(expected)
  })
})

describe('showsBand', () => {
  it.each([
    [{ rule: 'sum' as const }, false],
    [{ rule: 'mean' as const }, true],
    [{ rule: 'weightedMean' as const, weightBy: 'traffic.flow' }, true],
    [{ rule: 'max' as const }, true],
  ])('%o → %s', (aggregation, expected) => {
    expect(showsBand({ aggregation })).toBe(expected)
  })
})
