import type { Indicator, Region } from '../../../common/catalog-schema'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { rankingReplySchema, type RankedRegion } from '../../../common/api/query-api'
import { rankingUrl } from './wall-api'
import { polledStale, usePolledJson } from './use-polled-json'
import { useWallTime } from './wall-time'

/** Regions at each end: three best and three worst fit a quarter of the wall at a readable size. */
export const RANKING_ENDS = 3

/** Rankings follow the latest values; every minute keeps them current without loading the server. */
const RANKING_RELOAD_MS = 60_000

/** What a region's ranking ranks: its children, or, for a region without any, its peers (itself among them). */
export function rankingScope(region: Region, children: readonly Region[]): { level: Region['level']; parent: string | null } {
  const child = children[0]
  if (child) return { level: child.level, parent: region.code }
  return { level: region.level, parent: region.parent }
}

/**
 * The best and worst child regions of the selected region by one indicator
 * (GET /api/ranking), the selected region marked when it is among them.
 */
export function RankingPanel({ indicator, region }: { indicator: Indicator; region: string }) {
  const { t, name, num } = useI18n()
  const catalog = useCatalog()
  const r = catalog.region(region)
  const scope = r ? rankingScope(r, catalog.tree.children(region)) : null
  const ranking = usePolledJson(scope ? rankingUrl(indicator.code, scope.level, scope.parent, RANKING_ENDS) : null, rankingReplySchema, RANKING_RELOAD_MS)
  const { now, feedStale } = useWallTime()
  const stale = feedStale || polledStale(ranking, RANKING_RELOAD_MS, now)
  const data = ranking.data
  // With fewer than 2 × RANKING_ENDS regions the ends overlap: show each region once.
  const best = data?.top ?? []
  const worst = (data?.bottom ?? []).filter((w) => !best.some((b) => b.region === w.region))
  const title = scope === null ? '' : scope.parent === region ? t(scope.level === 'county' ? 'wall.ranking.counties' : 'wall.ranking.cities') : t('wall.ranking.peers')
  const unit = name(indicator.unit)
  const row = (x: RankedRegion, kind: 'best' | 'worst') => (
    <li key={x.region} className={`wall-rank-row wall-rank-row--${kind}${x.region === region ? ' wall-rank-row--self' : ''}`}>
      <span className="wall-rank-no">{x.rank}</span>
      <span className="wall-rank-name wall-ellipsis">{name(x.name)}</span>
      <span className="wall-rank-value">
        {num(x.value, indicator.precision)}
        {unit && <span className="wall-rank-unit"> {unit}</span>}
      </span>
    </li>
  )
  return (
    <div className={`panel wall-sub wall-ranking${stale ? ' wall-panel--stale' : ''}`}>
      <div className="wall-sub-title">
        <span className="wall-ellipsis">
          {name(indicator.name)} · {title}
        </span>
        {stale && <span className="badge-stale">{t('data.stale')}</span>}
      </div>
      {data === null ? (
        <div className="wall-sub-empty">{t('data.loading')}</div>
      ) : data.all === 0 ? (
        <div className="wall-sub-empty">{t('data.none')}</div>
      ) : (
        <ol className="wall-rank-list">
          {best.map((x) => row(x, 'best'))}
          {worst.length > 0 && <li className="wall-rank-gap" aria-hidden />}
          {worst.map((x) => row(x, 'worst'))}
        </ol>
      )}
    </div>
  )
}
