import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import type { LiveValue } from '../../common/live-contract'
import type { PointBatch } from '../../common/point-batch'
import { aggregateSpatially, type SeriesValue } from '../../common/spatial-aggregate'

/**
 * The live state of the province, computed once for every screen.
 *
 * It keeps the latest value of every series (a station, or a region reporting
 * alone), and every region's aggregate of the series in its subtree by the
 * indicator's own rule — the same rule and the same code as the snapshot
 * query, so the wall and the API agree. Stored batches mark the regions they
 * touch; `tick` recomputes only those regions and their ancestors and returns
 * what changed since the previous tick. Rooms and sockets are not its concern.
 */

interface SeriesEntry {
  region: string
  station: string
  value: number
  ts: number
}

/** What the hub hands out: the newest event time and a list of values. */
export interface HubValues {
  asOf: number | null
  values: LiveValue[]
}

export interface LiveFilter {
  region: string
  /** null: every indicator. */
  indicators: ReadonlySet<string> | null
  stations: boolean
}

export class LiveHub {
  /** indicator → series key (station code, or region code) → latest value. */
  private readonly series = new Map<string, Map<string, SeriesEntry>>()
  /** indicator → region → keys of the series standing directly in it. */
  private readonly seriesIn = new Map<string, Map<string, Set<string>>>()
  /** "indicator|region" → the region's current aggregate. */
  private readonly aggregates = new Map<string, LiveValue>()
  /** "indicator|region" of regions where a series changed since the last tick. */
  private readonly dirty = new Set<string>()
  /** Station values changed since the last tick, by "indicator|station". */
  private readonly changedStations = new Map<string, LiveValue>()
  /** weight indicator → the indicators weighted by it. */
  private readonly weighs = new Map<string, Indicator[]>()
  private newest: number | null = null
  private readonly subtrees = new Map<string, readonly string[]>()

  constructor(private readonly index: CatalogIndex) {
    for (const i of index.catalog.indicators) {
      this.series.set(i.code, new Map())
      this.seriesIn.set(i.code, new Map())
      if (i.aggregation.rule === 'weightedMean') {
        const list = this.weighs.get(i.aggregation.weightBy) ?? []
        list.push(i)
        this.weighs.set(i.aggregation.weightBy, list)
      }
    }
  }

  /** Newest event time seen, epoch ms. */
  get asOf(): number | null {
    return this.newest
  }

  /** Takes in a stored batch. Cheap: the aggregation waits for the tick. */
  apply(batch: PointBatch): void {
    for (let i = 0; i < batch.length; i++) {
      this.update(batch.indicator[i]!, batch.region[i]!, batch.station[i]!, batch.value[i]!, batch.ts[i]!)
    }
  }

  /** Takes in one series' latest value (also how the hub is filled from storage at start). */
  update(indicator: string, region: string, station: string, value: number, ts: number): void {
    const all = this.series.get(indicator)
    if (!all) return
    const key = station || region
    const current = all.get(key)
    // Out-of-order points are history, not news: the latest value stays.
    if (current && ts < current.ts) return
    if (current) {
      current.value = value
      current.ts = ts
    } else {
      all.set(key, { region, station, value, ts })
      const here = this.seriesIn.get(indicator)!
      let keys = here.get(region)
      if (!keys) here.set(region, (keys = new Set()))
      keys.add(key)
    }
    if (this.newest === null || ts > this.newest) this.newest = ts
    this.dirty.add(`${indicator}|${region}`)
    for (const weighted of this.weighs.get(indicator) ?? []) this.dirty.add(`${weighted.code}|${region}`)
    if (station) this.changedStations.set(`${indicator}|${station}`, { indicator, region, station, value, ts })
  }

  /**
   * Recomputes the regions touched since the last tick (and their ancestors)
   * and returns the values that changed: region aggregates and station values.
   */
  tick(): HubValues {
    const todo = new Set<string>()
    for (const key of this.dirty) {
      const [indicator, region] = splitKey(key)
      for (const r of this.index.tree.lineage(region)) todo.add(`${indicator}|${r.code}`)
    }
    this.dirty.clear()
    const values: LiveValue[] = [...this.changedStations.values()]
    this.changedStations.clear()
    for (const key of todo) {
      const [indicator, region] = splitKey(key)
      const next = this.compute(indicator, region)
      const prev = this.aggregates.get(key)
      if (next === null) continue
      if (prev && prev.value === next.value && prev.ts === next.ts) continue
      this.aggregates.set(key, next)
      values.push(next)
    }
    return { asOf: this.newest, values }
  }

  /** Everything current within a filter: what a new subscriber starts from. */
  state(filter: LiveFilter): HubValues {
    const values: LiveValue[] = []
    for (const v of this.aggregates.values()) if (this.matches(v, filter)) values.push(v)
    if (filter.stations) {
      for (const [indicator, all] of this.series) {
        if (filter.indicators && !filter.indicators.has(indicator)) continue
        for (const s of all.values()) {
          if (s.station && this.index.tree.isWithin(s.region, filter.region)) {
            values.push({ indicator, region: s.region, station: s.station, value: s.value, ts: s.ts })
          }
        }
      }
    }
    return { asOf: this.newest, values }
  }

  /** Whether a value belongs to a filter's room. */
  matches(v: LiveValue, filter: LiveFilter): boolean {
    if (v.station && !filter.stations) return false
    if (filter.indicators && !filter.indicators.has(v.indicator)) return false
    return this.index.tree.isWithin(v.region, filter.region)
  }

  /** A region's current aggregate. */
  value(indicator: string, region: string): LiveValue | undefined {
    return this.aggregates.get(`${indicator}|${region}`)
  }

  /** The latest value of one series (a station, or a region reporting alone), or else the region's aggregate. */
  current(indicator: string, region: string, station: string): number | null {
    const own = this.series.get(indicator)?.get(station || region)
    if (own) return own.value
    return this.aggregates.get(`${indicator}|${region}`)?.value ?? null
  }

  /** Series the hub holds (stations and regions reporting alone). */
  get seriesCount(): number {
    let n = 0
    for (const all of this.series.values()) n += all.size
    return n
  }

  private compute(indicator: string, region: string): LiveValue | null {
    const def = this.index.indicator(indicator)!
    const all = this.series.get(indicator)!
    const here = this.seriesIn.get(indicator)!
    const weights = def.aggregation.rule === 'weightedMean' ? this.series.get(def.aggregation.weightBy) : undefined
    const values: SeriesValue[] = []
    let subtree = this.subtrees.get(region)
    if (!subtree) this.subtrees.set(region, (subtree = this.index.tree.subtree(region).map((r) => r.code)))
    for (const code of subtree) {
      const keys = here.get(code)
      if (!keys) continue
      for (const key of keys) {
        const s = all.get(key)!
        const sv: SeriesValue = { value: s.value, ts: s.ts }
        const w = weights?.get(key)
        if (w) sv.weight = w.value
        values.push(sv)
      }
    }
    const value = aggregateSpatially(def.aggregation.rule, values)
    if (value === null) return null
    let ts = -Infinity
    for (const v of values) if (v.ts > ts) ts = v.ts
    return { indicator, region, value, ts }
  }
}

function splitKey(key: string): [string, string] {
  const bar = key.indexOf('|')
  return [key.slice(0, bar), key.slice(bar + 1)]
}
