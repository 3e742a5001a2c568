import type { LocalizedText, RegionLevel } from '../../../common/catalog-schema'
import { query } from '../api/http'

/**
 * The replies of the query API the wall reads (README, "Reading: the query
 * API"), and the URLs it reads them from.
 */

export interface RankedRegion {
  region: string
  name: LocalizedText
  value: number
  ts: number
  /** Change in percent of the last 30 complete days against the 30 before; null when it cannot be computed. */
  mom: number | null
  /** The same 30 days against a year earlier. */
  yoy: number | null
  rank: number
}

export interface RankingReply {
  indicator: string
  level: RegionLevel
  parent: string | null
  top: RankedRegion[]
  /** The worst, in ranking order (the worst last). */
  bottom: RankedRegion[]
  all: number
}

export interface SeriesReply {
  step: '1m' | '1h' | '1d'
  points: Array<{ ts: number; value: number; min: number; max: number; count: number }>
}

export function rankingUrl(indicator: string, level: RegionLevel, parent: string | null, limit: number): string {
  return `/api/ranking${query({ indicator, level, parent, limit })}`
}

/**
 * One region's own ranking row (its value with MoM and YoY): a region's
 * subtree holds exactly one region of its own level, itself.
 */
export function ownRowUrl(indicator: string, region: { code: string; level: RegionLevel }): string {
  return rankingUrl(indicator, region.level, region.code, 1)
}

/** Scores follow the live values; once a minute is current enough for an index. */
export const SCORECARD_RELOAD_MS = 60_000
