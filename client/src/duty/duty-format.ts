import type { LocalizedText } from '../../../common/catalog-schema'
import type { RegionTree } from '../../../common/region-tree'
import type { Lang } from '../i18n/messages'

/** Times as the duty console shows them: clock time, and how long ago. */

/** Where a region is, from the top down: 广东省 › 广州市 › 天河区. */
export function regionPath(tree: RegionTree, code: string, name: (text: LocalizedText) => string): string {
  return tree
    .lineage(code)
    .reverse()
    .map((r) => name(r.name))
    .join(' › ')
}

export function localeOf(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en-GB'
}

export function formatTime(ms: number, lang: Lang): string {
  const d = new Date(ms)
  const today = new Date().toDateString() === d.toDateString()
  return d.toLocaleString(localeOf(lang), today ? { timeStyle: 'medium' } : { dateStyle: 'short', timeStyle: 'medium' })
}

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
]

/** How long ago; a time after `now` (the clock ticks every few seconds) reads as "now". */
export function formatAgo(ms: number, now: number, lang: Lang): string {
  const diff = Math.min(0, ms - now)
  const rtf = new Intl.RelativeTimeFormat(localeOf(lang), { numeric: 'auto' })
  for (const [unit, size] of UNITS) if (Math.abs(diff) >= size || unit === 'second') return rtf.format(Math.round(diff / size), unit)
  return ''
}
