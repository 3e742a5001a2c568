import { useMemo } from 'react'
import type { Indicator } from '../../../common/catalog-schema'
import { useI18n } from '../i18n/i18n'
import { bucketLabel } from './bucket-label'
import type { ComparisonSeries } from './explore-chart'
import type { SeriesPoint, SeriesReply } from '../../../common/api/query-api'
import { alignComparison } from '../../../common/series-align'

/**
 * The points of the view, newest first, with the comparison period's value
 * beside each; a bucket still open says so ("未完结"). Its data attributes name the exact query (from, to, step), so
 * a test can ask the API for the same points.
 */
export function ExploreTable({ indicator, body, comparison, stale }: { indicator: Indicator; body: SeriesReply | null; comparison: ComparisonSeries | null; stale: boolean }) {
  const { t, num, lang } = useI18n()
  const compareAt = useMemo(() => (comparison && body ? alignComparison(body.points, comparison) : new Map<number, SeriesPoint>()), [comparison, body])
  const rows = useMemo(() => (body ? body.points.toReversed() : []), [body])
  const fmt = (v: number) => num(v, indicator.precision)
  // The bucket still open at the server's clock covers part of its step: said so in its row.
  const partial = (ts: number) => body?.partialFrom != null && ts >= body.partialFrom
  return (
    <div className={`explore-table-wrap${stale ? ' stale' : ''}`}>
      <table
        className="explore-table"
        data-testid="explore-table"
        data-indicator={body?.indicator}
        data-region={body?.region}
        data-from={body?.from}
        data-to={body?.to}
        data-step={body?.step}
        data-count={body?.points.length}
      >
        <thead>
          <tr>
            <th>{t('explore.time')}</th>
            <th>{t('explore.value')}</th>
            <th>{t('explore.min')}</th>
            <th>{t('explore.max')}</th>
            <th>{t('explore.count')}</th>
            {comparison && <th>{comparison.label}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => {
            const c = compareAt.get(p.ts)?.value
            return (
              <tr key={p.ts} data-partial={partial(p.ts) ? '' : undefined} className={partial(p.ts) ? 'explore-row--partial' : undefined}>
                <td>
                  {bucketLabel(p.ts, body!.step, lang)}
                  {partial(p.ts) && <span className="explore-partial"> ({t('period.partial')})</span>}
                </td>
                <td>{fmt(p.value)}</td>
                <td>{fmt(p.min)}</td>
                <td>{fmt(p.max)}</td>
                <td>{p.count}</td>
                {comparison && <td>{c === undefined ? '—' : fmt(c)}</td>}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
