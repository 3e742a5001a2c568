import type { LocalCalendar } from './local-calendar'
import { byZone, type ZoneTable } from './region-profile'
import { noiseKey, normalAt, SmoothNoise, unitAt } from './seeded-noise'
import { DAY_MS, MINUTE_MS } from './simulator'

/**
 * Road traffic at one detector: demand that follows the local daily cycle, and a
 * Greenshields fundamental diagram that turns demand into consistent flow, speed
 * and occupancy (speed falls and occupancy rises as flow nears capacity; beyond
 * capacity the road breaks down into the congested branch).
 */

/** Demand as a share of capacity at the busiest time of a working day, by zone. */
const PEAK_UTILISATION: ZoneTable<readonly [number, number]> = {
  prd: [0.78, 1.12],
  east: [0.55, 0.85],
  west: [0.55, 0.85],
  north: [0.38, 0.62],
  default: [0.5, 0.8],
}
const EXPRESSWAY_SHARE: ZoneTable<number> = { prd: 0.4, default: 0.3 }

// Free-flow speeds (km/h) and per-lane capacities (veh/h): urban arterials are
// limited by signals, expressways by headways.
const ARTERIAL = { freeFlow: [45, 60], lanes: [2, 3], perLane: 800 } as const
const EXPRESSWAY = { freeFlow: [85, 100], lanes: [2, 4], perLane: 1900 } as const

// Relative noise of one 5-second report, and the speed/occupancy floor of a jam.
const FLOW_NOISE = 0.06
const SPEED_NOISE = 0.03
const OCCUPANCY_NOISE = 0.05
/** Jam density is never reached: flow would be zero and speed nil. */
const MAX_CONGESTED_DENSITY = 0.8

export interface DetectorParams {
  readonly freeFlowKmh: number
  readonly capacityVph: number
  readonly peakUtilisation: number
  /** −1 outbound … +1 inbound: which rush hour is this direction's heavier one. */
  readonly inboundBias: number
  readonly expressway: boolean
}

export function detectorParams(seed: number, code: string, zone: string, regionFactor: number): DetectorParams {
  const key = noiseKey(seed, 'detector', code)
  const expressway = unitAt(key, 1) < byZone(EXPRESSWAY_SHARE, zone)
  const road = expressway ? EXPRESSWAY : ARTERIAL
  const lanes = road.lanes[0] + Math.floor(unitAt(key, 2) * (road.lanes[1] - road.lanes[0] + 1))
  const [lo, hi] = byZone(PEAK_UTILISATION, zone)
  return {
    freeFlowKmh: road.freeFlow[0] + unitAt(key, 3) * (road.freeFlow[1] - road.freeFlow[0]),
    capacityVph: lanes * road.perLane,
    peakUtilisation: (lo + unitAt(key, 4) * (hi - lo)) * regionFactor,
    inboundBias: unitAt(key, 5) * 2 - 1,
    expressway,
  }
}

/** A point on the fundamental diagram, as shares of capacity and free-flow speed. */
export interface TrafficState {
  /** Density over jam density. */
  density: number
  /** Flow over capacity. */
  flowRatio: number
  /** Speed over free-flow speed. */
  speedRatio: number
}

/** Greenshields: q = 4·C·k(1 − k), v = vf(1 − k), with k density over jam density. */
export function fundamentalDiagram(demandRatio: number, out: TrafficState): TrafficState {
  let k: number
  if (demandRatio <= 1) {
    k = (1 - Math.sqrt(1 - Math.max(0, demandRatio))) / 2
  } else {
    // Demand above capacity: queues build and the road moves to the congested
    // branch, where density rises and flow falls as the overload grows.
    k = 0.5 + (MAX_CONGESTED_DENSITY - 0.5) * (1 - Math.exp(-(demandRatio - 1) / 0.25))
  }
  out.density = k
  out.flowRatio = 4 * k * (1 - k)
  out.speedRatio = 1 - k
  return out
}

/**
 * Lane occupancy (%) at a density. Greenshields puts capacity at half the jam
 * density, where real detectors read about 25 %; so occupancy rises to 25 % at
 * capacity and steeply beyond it, to 70 % in the densest jam modelled.
 */
export function occupancyPercent(density: number): number {
  return density <= 0.5 ? 50 * density : 25 + 150 * (density - 0.5)
}

function bump(h: number, centre: number, width: number): number {
  const z = (h - centre) / width
  return Math.exp(-0.5 * z * z)
}
function rise(h: number, from: number, to: number): number {
  const f = Math.min(1, Math.max(0, (h - from) / (to - from)))
  return f * f * (3 - 2 * f)
}

/**
 * Demand through the day as a share of the working-day peak, per local minute:
 * the daytime plateau, and the morning (~8:00) and evening (~18:00) rush hours
 * kept apart so a detector can weigh them by its direction. Rest days are lighter
 * and have no sharp morning peak, only a late-morning and an early-evening hump.
 */
export class DemandProfile {
  readonly workBase = new Float64Array(1440)
  readonly morning = new Float64Array(1440)
  readonly evening = new Float64Array(1440)
  readonly rest = new Float64Array(1440)

  constructor() {
    for (let m = 0; m < 1440; m++) {
      const h = (m + 0.5) / 60
      const night = 0.06 + 0.05 * bump(h, 0, 1.6) + 0.05 * bump(h, 24, 1.6)
      this.workBase[m] = night + 0.48 * rise(h, 5.6, 7.4) * (1 - rise(h, 20.5, 23.8)) + 0.06 * bump(h, 12.5, 1)
      this.morning[m] = 0.42 * bump(h, 8, 0.8)
      this.evening[m] = 0.46 * bump(h, 18, 1.05)
      this.rest[m] = night + 0.4 * rise(h, 7.2, 10.5) * (1 - rise(h, 21, 24)) + 0.1 * bump(h, 11, 1.5) + 0.14 * bump(h, 17.5, 1.6)
    }
  }

  /** Demand at local minute `m` for a detector with this inbound bias. */
  at(minute: number, restDay: boolean, inboundBias: number): number {
    if (restDay) return this.rest[minute]!
    return this.workBase[minute]! + (1 + 0.3 * inboundBias) * this.morning[minute]! + (1 - 0.3 * inboundBias) * this.evening[minute]!
  }

  /** Mean demand in each local hour, for spreading events (incidents) over the day. */
  hourly(restDay: boolean): Float64Array {
    const out = new Float64Array(24)
    for (let m = 0; m < 1440; m++) out[Math.floor(m / 60)]! += this.at(m, restDay, 0) / 60
    return out
  }
}

// Traffic grows a few percent a year; clamped so far-off dates stay plausible.
const ANNUAL_GROWTH = 0.03
const GROWTH_REFERENCE_MS = Date.UTC(2025, 0, 1)
const YEAR_MS = 365.25 * DAY_MS
/**
 * Demand swings have independent values every quarter hour. History samples
 * hours and days on the half hour, which is a knot, so it pays for one hash per
 * swing instead of two.
 */
const SWING_KNOT_MS = 15 * MINUTE_MS
const REGION_SWING = 0.08
const OWN_SWING = 0.06
/** E[exp(swing)] for the normal swings above. */
const MEAN_SWING_FACTOR = Math.exp((REGION_SWING * REGION_SWING + OWN_SWING * OWN_SWING) / 2)

/** Daily means a detector's daily history point is made of. */
export interface TrafficDayMeans {
  flowRatio: number
  speedRatio: number
  occupancy: number
  /** Mean of free-flow over actual speed: a day's contribution to the congestion index. */
  inverseSpeedRatio: number
}

// Day scales tabulated for daily means, up to more than the busiest detector
// reaches after ten years of growth; linear interpolation between them.
const DAY_TABLE_STEPS = 64
const DAY_TABLE_MAX_SCALE = 2.5

/** Demand at one detector: the profile scaled by the detector, with correlated random swings. */
export class DetectorDemand {
  private readonly regionSwing: SmoothNoise
  private readonly ownSwing: SmoothNoise
  private readonly dayKey: number
  // What holds for a whole local day, worked out once per day (a memo: values never depend on it).
  private day = Number.NaN
  private restDay = false
  private dayScale = 1
  private workTable: Float64Array | undefined
  private restTable: Float64Array | undefined

  constructor(
    seed: number,
    code: string,
    regionCode: string,
    readonly params: DetectorParams,
    private readonly profile: DemandProfile,
    private readonly calendar: LocalCalendar,
  ) {
    // The region's swing is shared by its detectors (an event, weather, a jam nearby).
    this.regionSwing = new SmoothNoise(noiseKey(seed, 'traffic-region-swing', regionCode), SWING_KNOT_MS)
    this.ownSwing = new SmoothNoise(noiseKey(seed, 'traffic-detector-swing', code), SWING_KNOT_MS)
    this.dayKey = noiseKey(seed, 'traffic-region-day', regionCode)
  }

  /** Demand over capacity at time t. */
  ratio(t: number): number {
    const cal = this.calendar
    const day = cal.dayIndex(t)
    if (day !== this.day) this.startDay(day)
    const minute = Math.floor(cal.msOfDay(t) / MINUTE_MS)
    const swing = REGION_SWING * this.regionSwing.at(t) + OWN_SWING * this.ownSwing.at(t)
    return this.dayScale * this.profile.at(minute, this.restDay, this.params.inboundBias) * Math.exp(swing)
  }

  /**
   * Means over local day `day` of the smooth model (the quarter-hourly swings
   * averaged out), read from a table by the day's demand scale: what a daily
   * history point carries, for a fraction of the cost of sampling the day.
   */
  dayMeans(day: number, out: TrafficDayMeans): TrafficDayMeans {
    if (day !== this.day) this.startDay(day)
    const table = this.restDay ? (this.restTable ??= this.dayTable(true)) : (this.workTable ??= this.dayTable(false))
    const x = Math.min(DAY_TABLE_STEPS, Math.max(0, ((this.dayScale * MEAN_SWING_FACTOR) / DAY_TABLE_MAX_SCALE) * DAY_TABLE_STEPS))
    const i = Math.min(DAY_TABLE_STEPS - 1, Math.floor(x))
    const f = x - i
    const lo = i * 4
    const hi = lo + 4
    out.flowRatio = table[lo]! + f * (table[hi]! - table[lo]!)
    out.speedRatio = table[lo + 1]! + f * (table[hi + 1]! - table[lo + 1]!)
    out.occupancy = table[lo + 2]! + f * (table[hi + 2]! - table[lo + 2]!)
    out.inverseSpeedRatio = table[lo + 3]! + f * (table[hi + 3]! - table[lo + 3]!)
    return out
  }

  /** Daily means of the diagram's outputs over the profile, for day scales 0 … DAY_TABLE_MAX_SCALE. */
  private dayTable(restDay: boolean): Float64Array {
    const table = new Float64Array((DAY_TABLE_STEPS + 1) * 4)
    const state: TrafficState = { density: 0, flowRatio: 0, speedRatio: 1 }
    for (let k = 0; k <= DAY_TABLE_STEPS; k++) {
      const scale = (k / DAY_TABLE_STEPS) * DAY_TABLE_MAX_SCALE
      for (let h = 0; h < 24; h++) {
        fundamentalDiagram(scale * this.profile.at(h * 60 + 30, restDay, this.params.inboundBias), state)
        table[k * 4]! += state.flowRatio / 24
        table[k * 4 + 1]! += state.speedRatio / 24
        table[k * 4 + 2]! += occupancyPercent(state.density) / 24
        table[k * 4 + 3]! += 1 / state.speedRatio / 24
      }
    }
    return table
  }

  private startDay(day: number): void {
    const start = this.calendar.dayStart(day)
    const years = Math.max(-10, Math.min(10, (start - GROWTH_REFERENCE_MS) / YEAR_MS))
    this.restDay = this.calendar.isRestDay(day)
    this.dayScale = this.params.peakUtilisation * (1 + ANNUAL_GROWTH * years) * Math.exp(0.05 * normalAt(this.dayKey, day))
    this.day = day
  }
}

export interface DetectorReading {
  flow: number
  speed: number
  occupancy: number
}

/** Flow, speed and occupancy at a demand ratio; `noiseScale` 0 gives the smooth model. */
export function detectorReading(
  params: DetectorParams,
  demandRatio: number,
  n1: number,
  n2: number,
  n3: number,
  noiseScale: number,
  state: TrafficState,
  out: DetectorReading,
): DetectorReading {
  fundamentalDiagram(demandRatio, state)
  return noisyReading(params, state.flowRatio, state.speedRatio, occupancyPercent(state.density), n1, n2, n3, noiseScale, out)
}

/** A reading from shares of capacity and free-flow speed, with measurement noise. */
export function noisyReading(
  params: DetectorParams,
  flowRatio: number,
  speedRatio: number,
  occupancy: number,
  n1: number,
  n2: number,
  n3: number,
  noiseScale: number,
  out: DetectorReading,
): DetectorReading {
  out.flow = params.capacityVph * flowRatio * (1 + FLOW_NOISE * noiseScale * n1)
  out.speed = params.freeFlowKmh * speedRatio * (1 + SPEED_NOISE * noiseScale * n2)
  out.occupancy = occupancy * (1 + OCCUPANCY_NOISE * noiseScale * n3)
  return out
}
