import type { CatalogIndex } from '../../common/catalog-index'
import type { AnomalyKind, ScheduledAnomaly } from '../../ingest/simulators'

/**
 * The answer key: the simulators' planted anomalies (`Simulator.anomalies`,
 * exactly as applied) as incidents, and which series each one touches.
 *
 * The simulators report one record per affected indicator; a station that goes
 * down, or freezes, is one fault, so records of one occurrence (same kind,
 * place and span) are one incident with several effects. A pollution episode
 * is one incident per city it reaches (the share felt differs by city); a
 * traffic slowdown is one incident with an effect on each indicator it moves.
 */

export interface IncidentEffect {
  indicator: string
  /** As the schedule gives it: the amount added (spike, levelShift, episode peak), the value repeated (stuck), 0 (dropout). */
  magnitude: number
}

export interface Incident {
  id: string
  kind: AnomalyKind
  /** The region of the station, or the region itself (a city for an episode, felt by its stations). */
  region: string
  station?: string
  start: number
  end: number
  effects: IncidentEffect[]
}

/** One series as the rule engine keys it: a station's, a region's own (station ''), or a region's aggregate. */
export interface SeriesRef {
  indicator: string
  region: string
  station: string
  aggregate: boolean
}

/**
 * Indicators computed from others at the source: an air station's AQI is the
 * largest of its pollutants' hourly sub-indices (ingest/simulators/aqi.ts), so
 * a fault in PM2.5, PM10 or O3 shows in the AQI. The catalog does not record
 * derivations, hence this table.
 */
export const DERIVED_FROM: Readonly<Record<string, readonly string[]>> = {
  'env.aqi': ['env.pm25', 'env.pm10', 'env.o3'],
}

/** The planted anomalies as incidents, in start order. */
export function incidentsFrom(anomalies: readonly ScheduledAnomaly[]): Incident[] {
  const byKey = new Map<string, Incident>()
  for (const a of anomalies) {
    // Episodes carry their own magnitude per city, and one city may meet two spells at once (PM and O3, each
    // its own peak); a traffic slowdown is one event moving four indicators by the same share.
    const key = `${a.kind}|${a.region}|${a.station ?? ''}|${a.start}|${a.end}${a.kind === 'episode' ? `|${a.magnitude}` : ''}`
    const known = byKey.get(key)
    if (known) {
      if (!known.effects.some((e) => e.indicator === a.indicator)) known.effects.push({ indicator: a.indicator, magnitude: a.magnitude })
      continue
    }
    byKey.set(key, {
      id: `${a.kind}:${a.station ?? a.region}:${a.start}${a.kind === 'episode' ? `:${a.indicator}` : ''}`,
      kind: a.kind,
      region: a.region,
      ...(a.station === undefined ? {} : { station: a.station }),
      start: a.start,
      end: a.end,
      effects: [{ indicator: a.indicator, magnitude: a.magnitude }],
    })
  }
  return [...byKey.values()].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1))
}

/**
 * The incident's effect on an indicator: its own, or one it feeds — the
 * indicator derived from it, or (in an aggregate) the indicator it weighs.
 * Undefined when the incident does not touch the indicator.
 */
export function effectOn(index: CatalogIndex, incident: Incident, indicator: string, aggregate: boolean): IncidentEffect | undefined {
  const own = incident.effects.find((e) => e.indicator === indicator)
  if (own) return own
  const sources = DERIVED_FROM[indicator] ?? []
  const derived = incident.effects.find((e) => sources.includes(e.indicator))
  if (derived) return { indicator, magnitude: derived.magnitude }
  if (!aggregate) return undefined
  const def = index.indicator(indicator)
  const weight = def?.aggregation.rule === 'weightedMean' ? def.aggregation.weightBy : undefined
  return incident.effects.find((e) => e.indicator === weight)
}

/**
 * Whether the incident touches a series: the indicator is one it affects (or
 * derives from or weighs one), and the place is the faulty station or region,
 * a station within the city an episode covers, or a region whose aggregate
 * takes in any of them.
 */
export function affects(index: CatalogIndex, incident: Incident, series: SeriesRef): boolean {
  if (!effectOn(index, incident, series.indicator, series.aggregate)) return false
  const tree = index.tree
  if (series.station !== '') return incident.station !== undefined ? series.station === incident.station : tree.isWithin(series.region, incident.region)
  if (tree.isWithin(incident.region, series.region)) return true
  // An episode over a city (no station) reaches the aggregates of the regions within it.
  return incident.station === undefined && tree.isWithin(series.region, incident.region)
}
