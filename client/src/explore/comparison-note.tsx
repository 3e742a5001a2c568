import { useI18n } from '../i18n/i18n'
import type { ComparisonData } from './use-series'

/** Coverage below this is said: a day or two missing at the edge of a long window is not worth a note. */
const FULL_COVERAGE = 0.97

/**
 * What the comparison covers, when it is not the whole period at the view's
 * step: history keeps hourly values a month and daily ones 13 months (on a
 * first start), so a one-year previous period may hold five weeks, and a
 * year-ago week only days.
 */
export function ComparisonNote({ compare }: { compare: ComparisonData }) {
  const { t, num, lang } = useI18n()
  const notes: string[] = []
  if (compare.body.points.length === 0) notes.push(t('compare.empty'))
  else {
    if (compare.fellBackFrom) notes.push(t('compare.fellBack', { asked: t(`explore.step.${compare.fellBackFrom}`), used: t(`explore.step.${compare.body.step}`) }))
    if (compare.coverage.share < FULL_COVERAGE && compare.coverage.from !== null)
      notes.push(t('compare.partial', { from: new Date(compare.coverage.from).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB'), percent: num(compare.coverage.share * 100, 0) }))
  }
  if (notes.length === 0) return null
  return (
    <p className="explore-compare-note" data-testid="compare-note" data-share={compare.coverage.share} data-step={compare.body.step} role="note">
      {notes.join(lang === 'zh' ? '；' : '; ')}
    </p>
  )
}
