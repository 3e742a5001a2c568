import type { CatalogIndex } from '../../../common/catalog-index'
import { RANKING_ENDS, rankingScope } from './ranking-panel'
import type { WallColumn } from '../../../common/wall-schema'
import { trendSource, trendUrl, trendWindowFor } from './trend-window'
import { changesUrl, rankingUrl, scorecardUrl } from './wall-api'

/**
 * The REST reads the wall makes when it shows `region` at `now`, as its panels
 * make them (the same URLs, so a read made ahead of time is the one the panel
 * would make): the cards' changes, the scorecard, each domain's trend, and a
 * leaf region's peer rankings (children are ranked from the live values).
 */
export function wallReads(region: string, domains: readonly WallColumn[], catalog: CatalogIndex, now: number): string[] {
  const urls = [changesUrl(region, domains.flatMap((d) => d.kpis)), scorecardUrl(region)]
  for (const d of domains) {
    const trend = catalog.indicator(d.trend.indicator)
    if (trend) {
      const range = trendWindowFor(d.trend.window, trend.cadenceSeconds)
      urls.push(trendUrl(trendSource(trend.code, region, range), range, now))
    }
  }
  const r = catalog.region(region)
  const scope = r ? rankingScope(r, catalog.tree.children(region)) : null
  if (scope && scope.parent !== region) for (const d of domains) urls.push(rankingUrl(d.ranking, scope.level, scope.parent, RANKING_ENDS))
  return urls
}
