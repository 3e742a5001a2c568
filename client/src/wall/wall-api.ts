import type { RegionLevel } from '../../../common/catalog-schema'
import { query } from '../api/http'

/**
 * The URLs of the query API the wall reads (README, "Reading: the query
 * API"); their replies' schemas and types are in common/api/query-api.ts.
 */

export function rankingUrl(indicator: string, level: RegionLevel, parent: string | null, limit: number): string {
  return `/api/ranking${query({ indicator, level, parent, limit })}`
}

/** One region's MoM and YoY of the wall's KPIs, in one request. */
export function changesUrl(region: string, indicators: readonly string[]): string {
  return `/api/changes${query({ region, indicator: indicators.join(',') })}`
}

/** MoM and YoY come from daily values of complete days: reading them every 10 minutes is plenty. */
export const CHANGES_RELOAD_MS = 10 * 60_000

/** Scores follow the live values; once a minute is current enough for an index. */
export const SCORECARD_RELOAD_MS = 60_000

/** The scorecard of one region. */
export function scorecardUrl(region: string): string {
  return `/api/scorecard${query({ region })}`
}
