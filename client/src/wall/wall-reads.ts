import type { CatalogIndex } from '../../../common/catalog-index'
import { RANKING_ENDS, rankingScope } from './ranking-panel'
import { trendSource, trendUrl, trendWindowOf } from './trend-window'
import { changesUrl, rankingUrl, scorecardUrl } from './wall-api'
import type { WallDomain } from './wall-domains'

/**
 * The REST reads the wall makes when it shows `region` at `now`, as its panels
 * make them (the same URLs, so a read made ahead of time is the one the panel
 * would make): the cards' changes, the scorecard, each domain's trend, and a
 * leaf region's peer rankings (children are ranked from the live values).
 */
export function wallReads(region: string, domains: readonly WallDomain[], catalog: CatalogIndex, now: number): string[] {
  const urls = [changesUrl(region, domains.flatMap((d) => d.kpis)), scorecardUrl(region)]
  for (const d of domains) {
    const trend = catalog.indicator(d.trend)
    if (trend) {
      const range = trendWindowOf(trend.cadenceSeconds)
      urls.push(trendUrl(trendSource(trend.code, region, range), range, now))
    }
  }
  const r = catalog.region(region)
  const scope = r ? rankingScope(r, catalog.tree.children(region)) : null
  if (scope && scope.parent !== region) for (const d of domains) urls.push(rankingUrl(d.headline, scope.level, scope.parent, RANKING_ENDS))
  return urls
}
