import { loadCatalog } from '../../server/catalog/load-catalog'
import { createSimulators, type SeriesSpec, type SimPoint, type Simulator } from '../../ingest/simulators'

/**
 * The simulators' live points for a span, by column and merged into event-time
 * order: what the bench feeds the engine. A series is a number (its position in
 * `seriesTable`), so a chunk is three typed arrays that cross to another thread
 * without being copied.
 */

export interface SimulationSetup {
  catalogDir: string
  seed: number
  utcOffsetMinutes: number
}

export interface PointChunk {
  from: number
  to: number
  series: Int32Array
  ts: Float64Array
  value: Float64Array
}

/** Every series the simulators publish, in a fixed order (simulator, then its own order). */
export function seriesTable(simulators: readonly Simulator[]): SeriesSpec[] {
  return simulators.flatMap((s) => s.series())
}

export function seriesKey(indicator: string, region: string, station: string | undefined): string {
  return `${indicator}|${region}|${station ?? ''}`
}

export function simulatorsFor(setup: SimulationSetup): Simulator[] {
  return createSimulators(loadCatalog(setup.catalogDir), { seed: setup.seed, utcOffsetMinutes: setup.utcOffsetMinutes })
}

/** Series ids by place (station, or region) then indicator: two lookups per point, no key to build. */
export type SeriesIds = ReadonlyMap<string, ReadonlyMap<string, number>>

export function seriesIds(table: readonly SeriesSpec[]): SeriesIds {
  const out = new Map<string, Map<string, number>>()
  table.forEach((s, i) => {
    const place = s.station ?? s.region
    let byIndicator = out.get(place)
    if (!byIndicator) out.set(place, (byIndicator = new Map()))
    byIndicator.set(s.indicator, i)
  })
  return out
}

/** Live points with publication slots in (from, to], merged by time across the simulators. */
export function chunkOf(simulators: readonly Simulator[], ids: SeriesIds, from: number, to: number): PointChunk {
  const lists: SimPoint[][] = simulators.map((s) => s.live(from, to))
  const n = lists.reduce((sum, l) => sum + l.length, 0)
  const series = new Int32Array(n)
  const ts = new Float64Array(n)
  const value = new Float64Array(n)
  const heads = lists.map(() => 0)
  for (let k = 0; k < n; k++) {
    // Four sorted lists: a linear pick of the smallest head is cheaper than sorting.
    let best = -1
    for (let l = 0; l < lists.length; l++) {
      const p = lists[l]![heads[l]!]
      if (p && (best < 0 || p.ts < lists[best]![heads[best]!]!.ts)) best = l
    }
    const p = lists[best]![heads[best]!++]!
    const id = ids.get(p.station ?? p.region)?.get(p.indicator)
    if (id === undefined) throw new Error(`a simulator published ${seriesKey(p.indicator, p.region, p.station)}, which it does not list`)
    series[k] = id
    ts[k] = p.ts
    value[k] = p.value
  }
  return { from, to, series, ts, value }
}
