import type { Domain } from '../../../common/catalog-schema'

/**
 * What the wall shows of each domain. 24 indicators do not fit a wall read from
 * metres away, so each domain gets four KPI cards, one trend and one ranking.
 *
 * The headline is what the domain is ranked by (the ranking panel, and the
 * region a tour drills into). It is a rate or a level, never a count: a count
 * ranks regions by their size, not by how they do.
 */
export interface WallDomain {
  domain: Domain
  /** Four KPI cards, in reading order. */
  kpis: readonly [string, string, string, string]
  /** The trend chart's indicator. */
  trend: string
  /** Ranked in the ranking panel, drawn on the map while the domain is toured. */
  headline: string
}

export const WALL_DOMAINS: readonly WallDomain[] = [
  {
    domain: 'business',
    kpis: ['biz.startup_days', 'biz.online_rate', 'biz.satisfaction', 'biz.new_entities'],
    trend: 'biz.startup_days',
    headline: 'biz.startup_days',
  },
  {
    domain: 'poverty',
    kpis: ['pov.at_risk_households', 'pov.income_per_capita', 'pov.risk_elimination_rate', 'pov.fund_disbursement_rate'],
    trend: 'pov.at_risk_households',
    headline: 'pov.risk_elimination_rate',
  },
  {
    domain: 'environment',
    kpis: ['env.aqi', 'env.pm25', 'env.water_compliance', 'env.polluter_exceedances'],
    trend: 'env.aqi',
    headline: 'env.aqi',
  },
  {
    domain: 'traffic',
    kpis: ['traffic.congestion_index', 'traffic.speed', 'traffic.bus_punctuality', 'traffic.incidents'],
    trend: 'traffic.congestion_index',
    headline: 'traffic.congestion_index',
  },
]

/** The map's indicator when nothing (a tour, a click on a card) chose another. */
export const DEFAULT_MAP_INDICATOR = 'env.aqi'
