import type { RankedRegion } from '../../../common/api/query-api'
import type { Better, LocalizedText } from '../../../common/catalog-schema'
import { scoreRegion, type Reading, type Scorecard } from '../../../common/scorecard'
import type { RegionScorecard } from '../../../common/scorecard-schema'

/**
 * One moment on every panel: the KPI cards and the map read the live store,
 * so the ranking and the scorecard are computed from the same store, on the
 * same tick, rather than from an API answer polled at another moment (which
 * listed 南山区 best at 37 while the map showed it red at 330).
 *
 * What changes slowly still comes from the API: a score's targets, weights and
 * year-on-year change (30 complete days), and the ranking of a leaf region's
 * peers, which the live room (the selected region's subtree) does not hold.
 */

/** A live value as the store holds it. */
export interface LiveReading {
  value: number
  ts: number
}

/**
 * The region's scorecard rescored with live values: the polled answer's
 * structure (domains, weights, targets and each indicator's yoy), each value
 * replaced by the live one when there is one. Scoring is the server's own
 * arithmetic (common/scorecard.ts), so the same values give the same score.
 */
export function rescoreLive(polled: RegionScorecard, liveOf: (indicator: string) => LiveReading | undefined): RegionScorecard {
  const spec: Scorecard = {
    domains: polled.domains.map((d) => ({
      domain: d.domain,
      title: d.title,
      weight: d.weight,
      indicators: d.indicators.map((i) => ({ indicator: i.indicator, weight: i.weight, target: i.target, better: i.better })),
    })),
  }
  const readings = new Map<string, Reading>()
  for (const d of polled.domains)
    for (const i of d.indicators) {
      const live = liveOf(i.indicator)
      const value = live?.value ?? i.value
      const ts = live?.ts ?? i.ts
      if (value === null || ts === null) continue
      readings.set(i.indicator, { value, ts, ...(i.yoy !== undefined && { yoy: i.yoy }) })
    }
  return scoreRegion(spec, { code: polled.region, name: polled.name }, (code) => readings.get(code))
}

/**
 * Regions ranked by their live values, best first, with shared ranks for equal
 * values (1, 2, 2, 4) as the API ranks them; regions without a value are left
 * out. `changes` adds each region's mom/yoy from the polled ranking, when known.
 */
export function rankLive(
  regions: ReadonlyArray<{ code: string; name: LocalizedText }>,
  better: Better,
  liveOf: (region: string) => LiveReading | undefined,
  changes: ReadonlyMap<string, Pick<RankedRegion, 'mom' | 'yoy'>> = new Map(),
): RankedRegion[] {
  const sign = better === 'lower' ? 1 : -1
  const rows = regions.flatMap((r) => {
    const live = liveOf(r.code)
    if (!live || !Number.isFinite(live.value)) return []
    const c = changes.get(r.code)
    return [{ region: r.code, name: r.name, value: live.value, ts: live.ts, mom: c?.mom ?? null, yoy: c?.yoy ?? null }]
  })
  rows.sort((a, b) => sign * (a.value - b.value) || a.region.localeCompare(b.region))
  const out: RankedRegion[] = []
  rows.forEach((row, i) => {
    const previous = out[i - 1]
    out.push({ ...row, rank: previous !== undefined && previous.value === row.value ? previous.rank : i + 1 })
  })
  return out
}
