import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import type { AnomalyRule } from './anomaly-schedule'
import { DailyCounter } from './daily-counter'
import { GroupedSimulator } from './grouped-simulator'
import type { LocalCalendar } from './local-calendar'
import { byZone, leafScale, resolveZone, type ZoneTable } from './region-profile'
import { noiseKey, normalAt, unitAt } from './seeded-noise'
import { requireIndicators, slotOffset, type SeriesGroup } from './series-group'
import { DAY_MS, HOUR_MS, MINUTE_MS, type Simulator, type SimulatorOptions } from './simulator'
import { DisruptionSchedule } from './traffic-disruptions'
import {
  DemandProfile,
  DetectorDemand,
  detectorParams,
  detectorReading,
  fundamentalDiagram,
  noisyReading,
  type DetectorReading,
  type TrafficDayMeans,
  type TrafficState,
} from './traffic-model'

// Publication periods from the brief: detectors report every 5 s, regional
// congestion and incident counts every minute, bus punctuality every 5 minutes.
const DETECTOR_PERIOD_MS = 5000
const REGION_PERIOD_MS = MINUTE_MS
const BUS_PERIOD_MS = 5 * MINUTE_MS

/** Incidents per working day in a county-sized leaf region. */
const INCIDENTS_PER_DAY: ZoneTable<number> = { prd: 30, east: 13, west: 12, north: 7, default: 12 }
/** Bus punctuality (%) on an empty road; congestion takes it down from there. */
const BUS_PUNCTUALITY: ZoneTable<number> = { prd: 91, east: 92, west: 92, north: 94, default: 92 }
/** Punctuality points lost per unit of congestion index above 1. */
const BUS_LOSS_PER_CONGESTION = 11
/** Relative measurement noise of one minute's congestion index. */
const CONGESTION_NOISE = 0.015
/** Occupancy (%) a detector can read at most, however slow the traffic. */
const MAX_OCCUPANCY = 95
/** A region without detectors is given this many unpublished ones to measure congestion on. */
const VIRTUAL_DETECTORS = 2

type NoContext = undefined

/**
 * How the model stands in for one history interval shorter than a day: sampled
 * every `step` from `step / 2` — the middle of a minute, every quarter hour of an
 * hour. Days come from each detector's table of daily means.
 */
function sampleStep(res: number): number {
  return res <= MINUTE_MS ? res : 15 * MINUTE_MS
}

class DetectorGroup implements SeriesGroup<NoContext> {
  readonly periodMs = DETECTOR_PERIOD_MS
  readonly minResolutionMs = MINUTE_MS
  readonly offsetMs: number
  private readonly keys: readonly [number, number, number]
  private readonly state: TrafficState = { density: 0, flowRatio: 0, speedRatio: 1 }
  private readonly reading: DetectorReading = { flow: 0, speed: 0, occupancy: 0 }
  private readonly dayMeans: TrafficDayMeans = { flowRatio: 0, speedRatio: 1, occupancy: 0, inverseSpeedRatio: 1 }

  constructor(
    seed: number,
    readonly station: string,
    readonly region: string,
    readonly indicators: readonly Indicator[],
    private readonly demand: DetectorDemand,
    private readonly calendar: LocalCalendar,
    /** What speeds are multiplied by at t: a city-wide slowdown (traffic-disruptions.ts), else 1. */
    private readonly speedFactor: (t: number) => number,
  ) {
    this.offsetMs = slotOffset(seed, station, this.periodMs)
    this.keys = [noiseKey(seed, station, 'flow'), noiseKey(seed, station, 'speed'), noiseKey(seed, station, 'occupancy')]
  }

  sample(t: number, _ctx: NoContext, out: Float64Array): void {
    this.write(t, 0, 1, 1, out)
  }

  aggregate(start: number, res: number, _ctx: NoContext, out: Float64Array): void {
    // The mean of res/period reports has that much less noise than one report.
    const noiseScale = Math.sqrt(this.periodMs / res)
    if (res < DAY_MS) {
      const step = sampleStep(res)
      return this.write(start + step / 2, step, res / step, noiseScale, out)
    }
    const m = this.demand.dayMeans(this.calendar.dayIndex(start), this.dayMeans)
    const [kf, ks, ko] = this.keys
    const [n1, n2, n3] = [normalAt(kf, start), normalAt(ks, start), normalAt(ko, start)]
    const r = noisyReading(this.demand.params, m.flowRatio, m.speedRatio, m.occupancy, n1, n2, n3, noiseScale, this.reading)
    out[0] = r.flow
    out[1] = r.speed
    out[2] = r.occupancy
  }

  /**
   * The mean reading at `n` times `step` apart from `first`, with one draw of
   * noise (keyed by the first time) scaled by `noiseScale`.
   */
  private write(first: number, step: number, n: number, noiseScale: number, out: Float64Array): void {
    const [kf, ks, ko] = this.keys
    const n1 = normalAt(kf, first)
    const n2 = normalAt(ks, first)
    const n3 = normalAt(ko, first)
    let flow = 0
    let speed = 0
    let occupancy = 0
    for (let j = 0; j < n; j++) {
      const t = first + j * step
      const r = detectorReading(this.demand.params, this.demand.ratio(t), n1, n2, n3, noiseScale, this.state, this.reading)
      // Slowed down, the same traffic is denser: occupancy rises as speed falls.
      const slow = this.speedFactor(t)
      flow += r.flow
      speed += r.speed * slow
      occupancy += Math.min(MAX_OCCUPANCY, r.occupancy / slow)
    }
    out[0] = flow / n
    out[1] = speed / n
    out[2] = occupancy / n
  }
}

/** Congestion index of a region: mean over its detectors of free-flow over actual speed. */
class RegionCongestion {
  private readonly state: TrafficState = { density: 0, flowRatio: 0, speedRatio: 1 }
  private readonly key: number
  private readonly meanCaches = new Map<number, Map<number, number>>()
  private readonly dayMeans: TrafficDayMeans = { flowRatio: 0, speedRatio: 1, occupancy: 0, inverseSpeedRatio: 1 }

  constructor(
    seed: number,
    region: string,
    private readonly detectors: readonly DetectorDemand[],
    private readonly calendar: LocalCalendar,
    /** The region's city's slowdowns, as for its detectors. */
    private readonly speedFactor: (t: number) => number,
  ) {
    this.key = noiseKey(seed, region, 'congestion')
  }

  /** The index at t, without measurement noise. */
  at(t: number): number {
    let sum = 0
    for (const d of this.detectors) sum += 1 / fundamentalDiagram(d.ratio(t), this.state).speedRatio
    return sum / this.detectors.length / this.speedFactor(t)
  }

  /** The mean index over local day `day`, from the detectors' daily means. */
  dayMean(day: number): number {
    let sum = 0
    for (const d of this.detectors) sum += d.dayMeans(day, this.dayMeans).inverseSpeedRatio
    return sum / this.detectors.length
  }

  /** The index as measured at slot t: the smooth one with a minute's measurement noise. */
  measured(t: number): number {
    return this.at(t) * (1 + CONGESTION_NOISE * normalAt(this.key, t))
  }

  /** The mean over [start, start + res) for a series published every `periodMs`. */
  mean(start: number, res: number, periodMs: number): number {
    // Hours and days are asked for twice (congestion and bus punctuality), and
    // cost a few dozen evaluations of every detector of the region.
    const cache = res >= HOUR_MS ? this.meanCache(res) : undefined
    const cached = cache?.get(start)
    if (cached !== undefined) return cached
    let smooth: number
    if (res < DAY_MS) {
      const step = sampleStep(res)
      const n = res / step
      let sum = 0
      for (let j = 0; j < n; j++) sum += this.at(start + step / 2 + j * step)
      smooth = sum / n
    } else smooth = this.dayMean(this.calendar.dayIndex(start))
    const mean = smooth * (1 + CONGESTION_NOISE * Math.sqrt(periodMs / res) * normalAt(this.key, start))
    if (cache) {
      if (cache.size >= MEAN_CACHE_LIMIT) cache.clear()
      cache.set(start, mean)
    }
    return mean
  }

  private meanCache(res: number): Map<number, number> {
    let cache = this.meanCaches.get(res)
    if (!cache) this.meanCaches.set(res, (cache = new Map()))
    return cache
  }
}

/** Enough for a year of days or three months of hours per region. */
const MEAN_CACHE_LIMIT = 2048

class RegionTrafficGroup implements SeriesGroup<NoContext> {
  readonly periodMs = REGION_PERIOD_MS
  readonly minResolutionMs = MINUTE_MS
  readonly offsetMs: number

  constructor(
    seed: number,
    readonly region: string,
    readonly indicators: readonly Indicator[],
    private readonly congestion: RegionCongestion,
    private readonly incidents: DailyCounter,
    private readonly disruptions: DisruptionSchedule,
  ) {
    this.offsetMs = slotOffset(seed, `${region}/traffic`, this.periodMs)
  }

  sample(t: number, _ctx: NoContext, out: Float64Array): void {
    out[0] = this.congestion.measured(t)
    out[1] = this.incidentsAt(t)
  }

  aggregate(start: number, res: number, _ctx: NoContext, out: Float64Array): void {
    out[0] = this.congestion.mean(start, res, this.periodMs)
    out[1] = this.incidentsAt(start + res - 1000)
  }

  private incidentsAt(t: number): number {
    return this.incidents.countAt(t) + this.disruptions.incidentsAdded(this.region, t)
  }
}

class BusGroup implements SeriesGroup<NoContext> {
  readonly periodMs = BUS_PERIOD_MS
  readonly minResolutionMs = MINUTE_MS
  readonly offsetMs: number
  private readonly key: number

  constructor(
    seed: number,
    readonly region: string,
    readonly indicators: readonly Indicator[],
    private readonly congestion: RegionCongestion,
    private readonly punctualOnEmptyRoad: number,
  ) {
    this.offsetMs = slotOffset(seed, `${region}/bus`, this.periodMs)
    this.key = noiseKey(seed, region, 'bus')
  }

  sample(t: number, _ctx: NoContext, out: Float64Array): void {
    out[0] = this.punctuality(this.congestion.at(t), normalAt(this.key, t))
  }

  aggregate(start: number, res: number, _ctx: NoContext, out: Float64Array): void {
    const noiseScale = Math.sqrt(this.periodMs / Math.max(res, this.periodMs))
    out[0] = this.punctuality(this.congestion.mean(start, res, this.periodMs), normalAt(this.key, start) * noiseScale)
  }

  private punctuality(congestionIndex: number, noise: number): number {
    return this.punctualOnEmptyRoad - BUS_LOSS_PER_CONGESTION * (congestionIndex - 1) + 1.5 * noise
  }
}

/**
 * Traffic: every detector's flow, speed and occupancy every 5 s; per leaf region
 * the congestion index and today's incidents every minute and bus punctuality
 * every 5 minutes.
 */
export function createTrafficSimulator(index: CatalogIndex, options: SimulatorOptions, calendar: LocalCalendar): Simulator {
  const { seed } = options
  const tree = index.tree
  const [speed, flow, occupancy, congestionIndex, incidents, bus] = requireIndicators(index.indicators, [
    'traffic.speed',
    'traffic.flow',
    'traffic.occupancy',
    'traffic.congestion_index',
    'traffic.incidents',
    'traffic.bus_punctuality',
  ])
  const profile = new DemandProfile()
  const incidentWeights = { work: incidentHourWeights(profile, false), rest: incidentHourWeights(profile, true) }
  const leaves = tree.leaves(tree.root.code)
  const cityOf = (region: string) => tree.lineage(region).find((r) => r.level === 'city')?.code ?? region
  const measuredCities = [...new Set(index.stationsOfKind('traffic').map((s) => cityOf(s.region)))].sort()
  const disruptions = new DisruptionSchedule(seed, calendar, measuredCities, leaves.map((r) => r.code))
  const slowdownOf = (region: string) => {
    const city = cityOf(region)
    return (t: number) => disruptions.speedFactor(city, t)
  }
  const regionFactor = new Map(leaves.map((r) => [r.code, 0.9 + 0.2 * unitAt(noiseKey(seed, 'traffic-region', r.code), 0)]))

  const detectorGroups: DetectorGroup[] = []
  const detectorsByRegion = new Map<string, DetectorDemand[]>()
  for (const s of index.stationsOfKind('traffic')) {
    const params = detectorParams(seed, s.code, resolveZone(tree, s.region), regionFactor.get(s.region) ?? 1)
    const demand = new DetectorDemand(seed, s.code, s.region, params, profile, calendar)
    detectorGroups.push(new DetectorGroup(seed, s.code, s.region, [flow!, speed!, occupancy!], demand, calendar, slowdownOf(s.region)))
    const list = detectorsByRegion.get(s.region) ?? []
    list.push(demand)
    detectorsByRegion.set(s.region, list)
  }

  const regionGroups: RegionTrafficGroup[] = []
  const busGroups: BusGroup[] = []
  for (const r of leaves) {
    const zone = resolveZone(tree, r.code)
    const factor = regionFactor.get(r.code) ?? 1
    let detectors = detectorsByRegion.get(r.code)
    if (!detectors || detectors.length === 0) {
      detectors = Array.from({ length: VIRTUAL_DETECTORS }, (_, i) => {
        const code = `${r.code}#virtual${i}`
        return new DetectorDemand(seed, code, r.code, detectorParams(seed, code, zone, factor), profile, calendar)
      })
    }
    const congestion = new RegionCongestion(seed, r.code, detectors, calendar, slowdownOf(r.code))
    const scale = leafScale(tree, r.code) * factor
    const dayKey = noiseKey(seed, 'incident-day', r.code)
    const counter = new DailyCounter(seed, `incidents/${r.code}`, calendar, {
      expectedTotal: (day) =>
        byZone(INCIDENTS_PER_DAY, zone) * scale * (calendar.isRestDay(day) ? 0.85 : 1) * Math.exp(0.2 * normalAt(dayKey, day)),
      hourWeights: (day) => (calendar.isRestDay(day) ? incidentWeights.rest : incidentWeights.work),
    })
    regionGroups.push(new RegionTrafficGroup(seed, r.code, [congestionIndex!, incidents!], congestion, counter, disruptions))
    const punctual = byZone(BUS_PUNCTUALITY, zone) + 3 * (unitAt(noiseKey(seed, 'bus-region', r.code), 0) - 0.5)
    busGroups.push(new BusGroup(seed, r.code, [bus!], congestion, punctual))
  }

  const groups: SeriesGroup<NoContext>[] = [...detectorGroups, ...regionGroups, ...busGroups]
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i)
  const detectors = range(0, detectorGroups.length)
  const regions = range(detectorGroups.length, regionGroups.length)
  const buses = range(detectorGroups.length + regionGroups.length, busGroups.length)
  const anomalyRules: AnomalyRule[] = [
    // A loop detector double-counting for a few reports.
    {
      name: 'detector-flow-spike', kind: 'spike', groups: detectors, indicators: ['traffic.flow'],
      epochMs: 15 * MINUTE_MS, perEpoch: 1, duration: [1, 3], magnitude: [2500, 6000],
    },
    // A radar detector catching a motorbike on the wrong lane.
    {
      name: 'detector-speed-spike', kind: 'spike', groups: detectors, indicators: ['traffic.speed'],
      epochMs: 30 * MINUTE_MS, perEpoch: 1, duration: [1, 2], magnitude: [60, 110],
    },
    {
      name: 'detector-stuck', kind: 'stuck', groups: detectors,
      epochMs: 30 * MINUTE_MS, perEpoch: 1, duration: [15 * MINUTE_MS, 60 * MINUTE_MS],
    },
    {
      name: 'detector-dropout', kind: 'dropout', groups: detectors,
      epochMs: 30 * MINUTE_MS, perEpoch: 1, duration: [10 * MINUTE_MS, 45 * MINUTE_MS],
    },
    // An accident or road works: the region's congestion steps up for hours.
    {
      name: 'congestion-shift', kind: 'levelShift', groups: regions, indicators: ['traffic.congestion_index'],
      epochMs: 2 * HOUR_MS, perEpoch: 1, duration: [HOUR_MS, 3 * HOUR_MS], magnitude: [0.6, 1.5],
    },
    {
      name: 'bus-shift', kind: 'levelShift', groups: buses,
      epochMs: 6 * HOUR_MS, perEpoch: 1, duration: [HOUR_MS, 4 * HOUR_MS], magnitude: [-25, -12],
    },
    {
      name: 'region-feed-dropout', kind: 'dropout', groups: regions,
      epochMs: 6 * HOUR_MS, perEpoch: 1, duration: [15 * MINUTE_MS, 45 * MINUTE_MS],
    },
  ]
  return new GroupedSimulator(
    { domain: 'traffic', groups, anomalyRules, context: () => undefined, episodes: (from, to) => disruptions.asAnomalies(from, to) },
    seed,
    calendar,
  )
}

/** Incidents follow traffic: a little more than proportional to demand, with a night floor. */
function incidentHourWeights(profile: DemandProfile, restDay: boolean): Float64Array {
  return profile.hourly(restDay).map((d) => 0.03 + Math.pow(d, 1.3))
}
