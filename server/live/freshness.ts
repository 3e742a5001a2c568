import type { CatalogIndex } from '../../common/catalog-index'
import type { PointBatch } from '../../common/point-batch'

/**
 * Whether each feed is alive: per indicator and source, the last point seen
 * (event time and arrival) against the indicator's expected cadence. A feed
 * that has sent nothing for STALE_AFTER_CADENCES cadences is stale; an
 * indicator is stale when none of its sources is fresh. Kept in memory from
 * the ingest bus; filled from storage at start, so a restart does not make
 * every feed look new or dead.
 *
 * State is kept per region too, so a report can be of one subtree: a city's
 * account learns when its city's feeds last spoke, not the province's.
 */

export const STALE_AFTER_CADENCES = 3
/** Short cadences get some slack: a 5-second feed is not stale after 15 s of network hiccup. */
const MIN_STALE_AFTER_MS = 60_000

/** What storage remembers as the source of points that came in before the server kept track (history). */
export const STORED_SOURCE = 'stored'

interface SourceState {
  lastTs: number
  lastReceived: number
  points: number
}

export interface SourceFreshness {
  source: string
  lastTs: number
  lastReceived: number
  ageSeconds: number
  /** Points seen from this source since the server started (0 for what storage remembered). */
  points: number
  stale: boolean
}

export interface IndicatorFreshness {
  indicator: string
  cadenceSeconds: number
  staleAfterSeconds: number
  lastTs: number | null
  stale: boolean
  sources: SourceFreshness[]
}

export interface FreshnessReport {
  asOf: number
  staleAfterCadences: number
  stale: number
  indicators: IndicatorFreshness[]
}

/** A feed as storage remembers it: its newest point's event time and arrival, per indicator, source and region. */
export interface StoredFeed {
  indicator: string
  source: string
  region: string
  newest: number
  arrived: number
}

/** A series' newest stored value's time (history included, where arrival is unknown). */
export interface StoredSeriesEnd {
  indicator: string
  region: string
  newest: number
}

/** What storage remembers of the feeds (the ClickHouse adapter is server/storage/freshness-tables.ts). */
export interface FeedMemory {
  /** Feeds that sent points arriving since `since`. */
  feedsSince(since: number): Promise<StoredFeed[]>
  seriesEnds(): Promise<StoredSeriesEnd[]>
}

export class FreshnessTracker {
  /** indicator → source → region → state. */
  private readonly feeds = new Map<string, Map<string, Map<string, SourceState>>>()

  constructor(private readonly index: CatalogIndex) {
    for (const i of index.catalog.indicators) this.feeds.set(i.code, new Map())
  }

  apply(batch: PointBatch): void {
    const source = batch.source ?? 'unknown'
    const received = batch.received ?? Date.now()
    let lastIndicator = ''
    let lastRegion = ''
    let state: SourceState | undefined
    for (let i = 0; i < batch.length; i++) {
      const indicator = batch.indicator[i]!
      const region = batch.region[i]!
      // Batches come grouped by indicator (and often region) more often than not: one lookup per run.
      if (indicator !== lastIndicator || region !== lastRegion) {
        state = this.state(indicator, source, region)
        lastIndicator = indicator
        lastRegion = region
      }
      if (!state) continue
      const ts = batch.ts[i]!
      if (ts > state.lastTs) state.lastTs = ts
      if (received > state.lastReceived) state.lastReceived = received
      state.points++
    }
  }

  /**
   * Fills from storage: raw points by source (arrival time known), and the
   * latest value of every series (history back-filled around the raw table),
   * whose arrival is taken as its event time.
   */
  async load(memory: FeedMemory, since: number): Promise<void> {
    for (const r of await memory.feedsSince(since)) this.remember(r.indicator, r.source, r.region, r.newest, r.arrived)
    const known = new Set([...this.feeds].filter(([, sources]) => sources.size > 0).map(([indicator]) => indicator))
    for (const r of await memory.seriesEnds()) {
      // Only when no source is known: history is what there is to go by.
      if (!known.has(r.indicator)) this.remember(r.indicator, STORED_SOURCE, r.region, r.newest, r.newest)
    }
  }

  /** The feeds of the regions within `scope` (default: the whole tree), each source's regions taken together. */
  report(now: number, scope: string = this.index.tree.root.code): FreshnessReport {
    const whole = scope === this.index.tree.root.code
    const inScope = new Map<string, boolean>()
    const within = (region: string) => {
      let v = inScope.get(region)
      if (v === undefined) inScope.set(region, (v = whole || this.index.tree.isWithin(region, scope)))
      return v
    }
    const indicators: IndicatorFreshness[] = []
    for (const def of this.index.catalog.indicators) {
      const staleAfter = Math.max(MIN_STALE_AFTER_MS, STALE_AFTER_CADENCES * def.cadenceSeconds * 1000)
      const sources: SourceFreshness[] = []
      for (const [source, regions] of this.feeds.get(def.code)!) {
        const s: SourceState = { lastTs: -Infinity, lastReceived: -Infinity, points: 0 }
        for (const [region, r] of regions) {
          if (!within(region)) continue
          if (r.lastTs > s.lastTs) s.lastTs = r.lastTs
          if (r.lastReceived > s.lastReceived) s.lastReceived = r.lastReceived
          s.points += r.points
        }
        if (s.lastReceived === -Infinity) continue
        sources.push({
          source,
          lastTs: s.lastTs,
          lastReceived: s.lastReceived,
          ageSeconds: Math.max(0, Math.round((now - s.lastReceived) / 1000)),
          points: s.points,
          stale: now - s.lastReceived > staleAfter,
        })
      }
      sources.sort((a, b) => b.lastReceived - a.lastReceived)
      indicators.push({
        indicator: def.code,
        cadenceSeconds: def.cadenceSeconds,
        staleAfterSeconds: staleAfter / 1000,
        lastTs: sources.length > 0 ? Math.max(...sources.map((s) => s.lastTs)) : null,
        stale: !sources.some((s) => !s.stale),
        sources,
      })
    }
    return { asOf: now, staleAfterCadences: STALE_AFTER_CADENCES, stale: indicators.filter((i) => i.stale).length, indicators }
  }

  private state(indicator: string, source: string, region: string): SourceState | undefined {
    const feeds = this.feeds.get(indicator)
    if (!feeds) return undefined
    let regions = feeds.get(source)
    if (!regions) feeds.set(source, (regions = new Map()))
    let s = regions.get(region)
    if (!s) regions.set(region, (s = { lastTs: -Infinity, lastReceived: -Infinity, points: 0 }))
    return s
  }

  private remember(indicator: string, source: string, region: string, ts: number, received: number): void {
    const s = this.state(indicator, source, region)
    if (!s) return
    if (ts > s.lastTs) s.lastTs = ts
    if (received > s.lastReceived) s.lastReceived = received
  }
}
