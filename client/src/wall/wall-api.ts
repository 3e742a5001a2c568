import type { RegionLevel } from '../../../common/catalog-schema'
import { query } from '../api/http'

/**
 * The URLs of the query API the wall reads (README, "Reading: the query
 * API"); their replies' schemas and types are in common/api/query-api.ts.
 */

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
