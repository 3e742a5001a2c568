import { memo, type CSSProperties } from 'react'
import { FitText } from '../ui/fit-text'
import type { IndicatorChange } from '../../../common/api/query-api'
import type { DomainScore } from '../../../common/scorecard-schema'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { KpiCard } from './kpi-card'
import { RankingPanel } from './ranking-panel'
import { TrendPanel } from './trend-panel'
import type { WallColumn } from '../../../common/wall-schema'
import { DomainIcon } from '../ui/domain-icon'
import { FeedStaleBadge } from './wall-time'

export interface DomainColumnProps {
  config: WallColumn
  region: string
  /** The domain's score for the region (scorecard), when there is one. */
  score: DomainScore | undefined
  /** MoM and YoY of the region's indicators, by code (the wall's one request for every card). */
  changes: ReadonlyMap<string, IndicatorChange>
  /** The tour is showing this domain. */
  active: boolean
  mapIndicator: string
  onPickIndicator(indicator: string): void
}

/** One column of the wall (a domain, as the wall's definition says): its index, KPI cards, a trend and a ranking. */
export const DomainColumn = memo(function DomainColumn({ config, region, score, changes, active, mapIndicator, onPickIndicator }: DomainColumnProps) {
  const { t, num, name } = useI18n()
  const catalog = useCatalog()
  const domain = catalog.domain(config.domain)
  const trend = catalog.indicator(config.trend.indicator)
  const headline = catalog.indicator(config.ranking)
  return (
    <section
      className={`panel wall-domain${active ? ' wall-domain--active' : ''}`}
      data-testid={`domain-${config.domain}`}
      data-domain={config.domain}
      style={domain ? ({ '--domain-color': domain.color } as CSSProperties) : undefined}
    >
      <header className="wall-panel-title wall-domain-title">
        {domain && <DomainIcon icon={domain.icon} className="wall-domain-icon" />}
        <FitText text={domain ? name(domain.name) : config.domain} />
        <FeedStaleBadge />
        {score && (
          <span className="wall-domain-score">
            {t('wall.index')} <b>{score.score === null ? '—' : num(score.score, 1)}</b>
          </span>
        )}
      </header>
      <div className="wall-kpi-grid">
        {config.kpis.map((code) => {
          const indicator = catalog.indicator(code)
          return indicator ? <KpiCard key={code} indicator={indicator} region={region} change={changes.get(code)} onMap={mapIndicator === code} onPick={onPickIndicator} /> : null
        })}
      </div>
      <div className="wall-domain-lower">
        {trend && <TrendPanel indicator={trend} region={region} window={config.trend.window} />}
        {headline && <RankingPanel indicator={headline} region={region} />}
      </div>
    </section>
  )
})
