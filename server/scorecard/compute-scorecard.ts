import type { CatalogIndex } from '../../common/catalog-index'
import type { RegionLevel } from '../../common/catalog-schema'
import { compareRegionScorecards, scoreRegion, type Reading, type Scorecard } from '../../common/scorecard'
import type { ScorecardReply } from '../../common/scorecard-schema'
import type { IndicatorQueries } from '../storage/indicator-queries'

/** The two reads the scorecard needs; IndicatorQueries has them, a test passes plain data. */
export type ScorecardQueries = Pick<IndicatorQueries, 'snapshot' | 'ranking'>

export interface ScorecardDeps {
  index: CatalogIndex
  scorecard: Scorecard
  queries: ScorecardQueries
  /** The clock that ends the year-on-year comparison window. @default Date.now */
  now?: () => number
}

/** Which regions to score: those of `level` below (or equal to) `parent`. */
export interface ScorecardScope {
  level: RegionLevel
  /** @default the root of the region tree */
  parent?: string
}

/**
 * Scores every region of the scope. The latest values come from one snapshot
 * of all the scored indicators; the year-on-year changes of the indicators
 * with a `yoyChange` target come from the ranking (30 complete days against
 * the same days a year earlier, a running count's daily totals included: a
 * score judges whole days, not the hour), one per such indicator, all at once. Regions
 * are returned best overall first.
 *
 * The caller checks that the scope's regions exist (the router answers 404).
 */
export async function computeScorecard(deps: ScorecardDeps, scope: ScorecardScope): Promise<ScorecardReply> {
  const { index, scorecard, queries } = deps
  const parent = scope.parent ?? index.tree.root.code
  const regions = index.tree.atLevel(scope.level, parent)
  const specs = scorecard.domains.flatMap((d) => d.indicators)
  const yoyIndicators = [...new Set(specs.filter((s) => s.target.kind === 'yoyChange').map((s) => s.indicator))]
  const now = (deps.now ?? Date.now)()

  const [snapshot, rankings] = await Promise.all([
    queries.snapshot({ level: scope.level, parent, indicators: [...new Set(specs.map((s) => s.indicator))] }),
    Promise.all(yoyIndicators.map((indicator) => queries.ranking({ indicator, level: scope.level, parent, now, compare: 'days' }))),
  ])

  // "indicator|region" → reading; the ranking only adds the yoy to a value the snapshot has.
  const readings = new Map<string, Reading>()
  for (const v of snapshot.values) readings.set(`${v.indicator}|${v.region}`, { value: v.value, ts: v.ts })
  yoyIndicators.forEach((indicator, k) => {
    for (const row of rankings[k]!.rows) {
      const reading = readings.get(`${indicator}|${row.region}`)
      if (reading) reading.yoy = row.yoy
    }
  })

  const scored = regions.map((r) => scoreRegion(scorecard, r, (indicator) => readings.get(`${indicator}|${r.code}`)))
  return { asOf: snapshot.asOf, regions: scored.sort(compareRegionScorecards) }
}
