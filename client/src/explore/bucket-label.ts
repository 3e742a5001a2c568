import type { Indicator } from '../../../common/catalog-schema'
import type { SeriesStep } from '../../../common/api/query-api'

/**
 * How a bucket of a series is named in the analyst's table and tooltip: a
 * daily bucket is a date ("2026/11/21", "21/11/2026"), not a midnight
 * ("00:00"); a minute or an hour is a date and a time.
 */
export function bucketLabel(ts: number, step: SeriesStep, lang: 'zh' | 'en', timeZone?: string): string {
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB'
  return new Date(ts).toLocaleString(locale, step === '1d' ? { dateStyle: 'short', timeZone } : { dateStyle: 'short', timeStyle: 'short', timeZone })
}

/**
 * Whether a bucket's min–max band says something about the value drawn. Not
 * for a summed indicator: a region's value is the sum of its parts, and the
 * spread of single readings (12–65) under a total (520) would only mislead.
 */
export function showsBand(indicator: Pick<Indicator, 'aggregation'>): boolean {
  return indicator.aggregation.rule !== 'sum'
}
