import type { ScorecardReply } from '../../../common/api/scorecard-api'
import type { RegionScorecard } from '../../../common/scorecard-schema'
import { ScoreBars } from '../charts/score-bars'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { SCORECARD_RELOAD_MS } from './wall-api'
import { polledStale, type Polled } from './use-polled-json'
import { useWallTime } from './wall-time'

/**
 * A domain's scorecard for the selected region: its index, the overall index
 * across domains, and each of its indicators' 0–100 score against its target
 * (GET /api/scorecard?region=…, read by the page, and rescored by it with the
 * live values: `own`). The domain is the first of `domains` (the one being
 * toured, then the wall's columns in order) that the scorecard weighs.
 */
export function ScorecardPanel({ polled, own, domains }: { polled: Polled<ScorecardReply>; own: RegionScorecard | undefined; domains: readonly string[] }) {
  const { t, name, num } = useI18n()
  const catalog = useCatalog()
  const { now, feedStale } = useWallTime()
  const stale = feedStale || polledStale(polled, SCORECARD_RELOAD_MS, now)
  const scorecard = polled.data
  const domain = domains.map((code) => own?.domains.find((d) => d.domain === code)).find((d) => d !== undefined)
  return (
    <section className={`panel wall-scorecard${stale ? ' wall-panel--stale' : ''}`}>
      <header className="wall-panel-title">
        <span className="wall-ellipsis">{domain ? name(domain.title) : t('scorecard.title')}</span>
        {stale && <span className="badge-stale">{t('data.stale')}</span>}
        <span className="wall-scorecard-score">{domain?.score == null ? '—' : num(domain.score, 1)}</span>
      </header>
      {domain ? (
        <ScoreBars
          bars={domain.indicators.map((i) => ({
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
