import type { Indicator, Region } from '../../../common/catalog-schema'
import { FitText } from '../ui/fit-text'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { rankingReplySchema, type RankedRegion } from '../../../common/api/query-api'
import { rankingUrl } from './wall-api'
import { polledStale, usePolledJson } from './use-polled-json'
import { useWallTime } from './wall-time'
import { useMemo } from 'react'
import { useLive, useLiveVersion } from '../live/live'
import { rankLive } from './live-figures'
import { runningLabel } from './change-basis'
import { inCurrentPeriod } from './running-value'

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
 * The best and worst child regions of the selected region by one indicator,
 * the selected region marked when it is among them. Children are ranked by
 * their live values, the ones the map and the cards show on the same tick;
 * a leaf region's peers (outside the live room) by GET /api/ranking.
 */
export function RankingPanel({ indicator, region }: { indicator: Indicator; region: string }) {
  const { t, name, num } = useI18n()
  const catalog = useCatalog()
  const r = catalog.region(region)
  const children = catalog.tree.children(region)
  const scope = r ? rankingScope(r, children) : null
  const ofChildren = scope !== null && scope.parent === region
  const ranking = usePolledJson(scope && !ofChildren ? rankingUrl(indicator.code, scope.level, scope.parent, RANKING_ENDS) : null, rankingReplySchema, RANKING_RELOAD_MS)
  const { store } = useLive()
  const version = useLiveVersion()
  const { now, feedStale } = useWallTime()
  const live = useMemo(
    // A running value of an earlier period (yesterday's, just after midnight) is not ranked as today's.
    () => (ofChildren ? rankLive(children, indicator.better, (code) => inCurrentPeriod(store.get(indicator.code, code), indicator.running, now)) : null),
    // The store changes in place; its version says when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ofChildren, children, indicator, store, version, now],
  )
  const stale = feedStale || (!ofChildren && polledStale(ranking, RANKING_RELOAD_MS, now))
  const data = live ? { top: live.slice(0, RANKING_ENDS), bottom: live.slice(Math.max(0, live.length - RANKING_ENDS)), all: live.length } : ranking.data
  // With fewer than 2 × RANKING_ENDS regions the ends overlap: show each region once.
  const best = data?.top ?? []
  const worst = (data?.bottom ?? []).filter((w) => !best.some((b) => b.region === w.region))
  const running = runningLabel(indicator.running, t)
  const title = scope === null ? '' : ofChildren ? t(scope.level === 'county' ? 'wall.ranking.counties' : 'wall.ranking.cities') : t('wall.ranking.peers')
  const unit = name(indicator.unit)
  const row = (x: RankedRegion, kind: 'best' | 'worst') => (
    <li key={x.region} data-region={x.region} data-value={x.value} className={`wall-rank-row wall-rank-row--${kind}${x.region === region ? ' wall-rank-row--self' : ''}`}>
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
        <FitText text={`${name(indicator.name)}${running ? ` (${running})` : ''} · ${title}`} />
        {stale && <span className="badge-stale">{t('data.stale')}</span>}
      </div>
      {data === null || (ofChildren && data.all === 0 && store.connection === 'connecting') ? (
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
