import type { ScorecardReply } from '../../../common/api/scorecard-api'
import type { RegionScorecard } from '../../../common/scorecard-schema'
import { ScoreBars } from '../charts/score-bars'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { SCORECARD_RELOAD_MS } from './wall-api'
import { polledStale, type Polled } from './use-polled-json'
import { useWallTime } from './wall-time'

/**
 * The business-environment scorecard of the selected region: its index, the
 * overall index across domains, and each business indicator's 0–100 score
 * against its target (GET /api/scorecard?region=…, read by the page, and
 * rescored by it with the live values: `own`).
 */
export function ScorecardPanel({ polled, own }: { polled: Polled<ScorecardReply>; own: RegionScorecard | undefined }) {
  const { t, name, num } = useI18n()
  const catalog = useCatalog()
  const { now, feedStale } = useWallTime()
  const stale = feedStale || polledStale(polled, SCORECARD_RELOAD_MS, now)
  const scorecard = polled.data
  const business = own?.domains.find((d) => d.domain === 'business')
  return (
    <section className={`panel wall-scorecard${stale ? ' wall-panel--stale' : ''}`}>
      <header className="wall-panel-title">
        <span className="wall-ellipsis">{business ? name(business.title) : t('scorecard.title')}</span>
        {stale && <span className="badge-stale">{t('data.stale')}</span>}
        <span className="wall-scorecard-score">{business?.score == null ? '—' : num(business.score, 1)}</span>
      </header>
      {business ? (
        <ScoreBars
          bars={business.indicators.map((i) => ({
            key: i.indicator,
            label: name(catalog.indicator(i.indicator)?.name) || i.indicator,
            score: i.normalised,
          }))}
        />
      ) : (
        <div className="wall-sub-empty">{scorecard ? t('data.none') : t('data.loading')}</div>
      )}
      {own && (
        <footer className="wall-scorecard-foot">
          <span className="wall-scorecard-overall">
            {t('scorecard.overall')} <b>{own.overall === null ? '—' : num(own.overall, 1)}</b>
          </span>
          <span className="wall-ellipsis">{t('wall.coverage', { percent: num(own.coverage * 100, 0) })}</span>
        </footer>
      )}
    </section>
  )
}
