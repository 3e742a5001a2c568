import { describe, expect, it } from 'vitest'
import { NumberFormatter } from './number-format'

describe('NumberFormatter', () => {
  const zh = new NumberFormatter('zh')
  const en = new NumberFormatter('en')

  it.each([
    [150_000, 0, '15万', '150,000'],
    [15_234, 0, '1.52万', '15,234'],
    [230_000_000, 0, '2.3亿', '230,000,000'],
    [9_999, 0, '9,999', '9,999'],
    [-25_000, 1, '-2.5万', '-25,000.0'],
  ])('%d at %d decimals: %s in Chinese, %s in English', (value, digits, inZh, inEn) => {
    expect(zh.format(value, digits)).toBe(inZh)
    expect(en.format(value, digits)).toBe(inEn)
  })

  it('keeps the precision asked, so figures of one kind line up', () => {
    expect([1, 1.02, 0.5].map((v) => en.format(v, 2))).toEqual(['1.00', '1.02', '0.50'])
    expect([86, 84.6].map((v) => zh.format(v, 1))).toEqual(['86.0', '84.6'])
  })

  it('gives no sign to a value that rounds to zero, and a dash to no number', () => {
    expect(en.format(-0.004, 2)).toBe('0.00')
    expect(zh.format(-0.4, 0)).toBe('0')
    expect(en.format(Number.NaN, 1)).toBe('—')
  })
})
