/**
 * Numbers as the wall shows them, in each language:
 * - always at the precision asked (an indicator's `precision`), so figures of
 *   one kind line up: "1.00" beside "1.02", "86.0 %" beside "84.6 %";
 * - in Chinese, large numbers in 万 and 亿 (150,000 → 15万; 230,000,000 →
 *   2.3亿), with at most two decimals, as Chinese readers count;
 * - in English, thousands grouped with commas (150,000).
 */

const WAN = 1e4
const YI = 1e8
/** Decimals at most for a figure in 万 or 亿 (1.23万): three or four significant digits. */
const MAGNITUDE_DIGITS = 2

export type NumberLang = 'zh' | 'en'

export class NumberFormatter {
  private readonly fixed = new Map<number, Intl.NumberFormat>()
  private readonly magnitude: Intl.NumberFormat
  private readonly locale: string

  constructor(private readonly lang: NumberLang) {
    this.locale = lang === 'zh' ? 'zh-CN' : 'en-GB'
    this.magnitude = new Intl.NumberFormat(this.locale, { maximumFractionDigits: MAGNITUDE_DIGITS, minimumFractionDigits: 0, useGrouping: false })
  }

  format(value: number, digits: number): string {
    if (!Number.isFinite(value)) return '—'
    const abs = Math.abs(value)
    if (this.lang === 'zh' && abs >= WAN) {
      // 9999.5 rounds up to 1万 only once it is one.
      return abs >= YI ? `${this.magnitude.format(value / YI)}亿` : `${this.magnitude.format(value / WAN)}万`
    }
    // -0.0 reads 0: a value that rounds to zero has no sign.
    const shown = this.fixedFormat(digits).format(value)
    return /^-0([.,]0*)?$/.test(shown) ? shown.slice(1) : shown
  }

  private fixedFormat(digits: number): Intl.NumberFormat {
    let f = this.fixed.get(digits)
    if (!f) this.fixed.set(digits, (f = new Intl.NumberFormat(this.locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })))
    return f
  }
}
