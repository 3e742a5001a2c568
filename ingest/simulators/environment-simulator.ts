import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import { AirStationModel, type AirContext } from './air-quality-model'
import type { AnomalyRule } from './anomaly-schedule'
import { hourlyAqi } from './aqi'
import { DailyCounter } from './daily-counter'
import { GroupedSimulator } from './grouped-simulator'
import type { LocalCalendar } from './local-calendar'
import { EpisodeIndex, EpisodeSchedule, type EpisodeCity } from './pollution-episodes'
import { byZone, cityOf, leafScale, resolveZone, type ZoneTable } from './region-profile'
import { binomialDraw, noiseKey, normalAt, unitAt } from './seeded-noise'
import { requireIndicators, slotOffset, type SeriesGroup } from './series-group'
import { DAY_MS, HOUR_MS, MINUTE_MS, type Simulator, type SimulatorOptions } from './simulator'

// Publication periods from the brief.
const AIR_PERIOD_MS = 5 * MINUTE_MS
const WATER_PERIOD_MS = 10 * MINUTE_MS
const EXCEEDANCE_PERIOD_MS = MINUTE_MS

/** Share of a region's river sections at Class III or better in a typical year, by zone. */
const WATER_COMPLIANCE: ZoneTable<number> = { prd: 0.8, east: 0.88, west: 0.9, north: 0.95, default: 0.88 }
/** Key polluters' exceedances per day in a county-sized leaf region, by zone. */
const EXCEEDANCES_PER_DAY: ZoneTable<number> = { prd: 3, east: 1.8, west: 1.6, north: 0.8, default: 1.5 }
/** Relative intensity of exceedances by local hour: illegal discharges favour the night. */
const EXCEEDANCE_HOURS = Float64Array.from({ length: 24 }, (_, h) => (h >= 22 || h < 5 ? 1.6 : 1))
// Water quality improves about a point a year; the reference is arbitrary.
const WATER_TREND_PER_YEAR = 0.01
const WATER_REFERENCE_MS = Date.UTC(2025, 0, 1)

class AirGroup implements SeriesGroup<AirContext> {
  readonly periodMs = AIR_PERIOD_MS
  readonly minResolutionMs = MINUTE_MS
  readonly offsetMs: number
  private readonly tmp = new Float64Array(3)

  constructor(
    seed: number,
    readonly station: string,
    readonly region: string,
    /** [aqi, pm25, pm10, o3] */
    readonly indicators: readonly Indicator[],
    private readonly model: AirStationModel,
  ) {
    this.offsetMs = slotOffset(seed, station, this.periodMs)
  }

  sample(t: number, ctx: AirContext, out: Float64Array): void {
    this.model.runningHourMean(t, ctx, this.tmp)
    this.write(out)
  }

  aggregate(start: number, res: number, ctx: AirContext, out: Float64Array): void {
    // A minute of history carries what the station was publishing then: the running hour mean.
    if (res <= MINUTE_MS) this.model.runningHourMean(start + res, ctx, this.tmp)
    else if (res <= HOUR_MS) this.model.hourMean(start, ctx, this.tmp)
    else this.model.dayMean(start, ctx, this.tmp)
    this.write(out)
  }

  derive(out: Float64Array): void {
    out[0] = hourlyAqi(out[1]!, out[2]!, out[3]!)
  }

  private write(out: Float64Array): void {
    out[0] = 0
    out[1] = this.tmp[0]!
    out[2] = this.tmp[1]!
    out[3] = this.tmp[2]!
  }
}

/** Surface-water compliance: a day's share of a region's few sections that pass, so values come in steps. */
class WaterGroup implements SeriesGroup<AirContext> {
  readonly periodMs = WATER_PERIOD_MS
  readonly minResolutionMs = HOUR_MS
  readonly offsetMs: number
  private readonly sections: number
  private readonly key: number
  private readonly level: number

  constructor(
    seed: number,
    readonly region: string,
    readonly indicators: readonly Indicator[],
    zone: string,
    private readonly calendar: LocalCalendar,
  ) {
    this.offsetMs = slotOffset(seed, `${region}/water`, this.periodMs)
    this.key = noiseKey(seed, region, 'water')
    this.sections = 3 + Math.floor(unitAt(this.key, 0) * 10)
    this.level = byZone(WATER_COMPLIANCE, zone) + 0.06 * (unitAt(this.key, 1) - 0.5)
  }

  sample(t: number, _ctx: AirContext, out: Float64Array): void {
    out[0] = this.compliance(this.calendar.dayIndex(t))
  }

  aggregate(start: number, res: number, _ctx: AirContext, out: Float64Array): void {
    out[0] = this.compliance(this.calendar.dayIndex(start + res - 1000))
  }

  private compliance(day: number): number {
    const t = this.calendar.dayStart(day)
    const years = Math.max(-10, Math.min(10, (t - WATER_REFERENCE_MS) / (365.25 * DAY_MS)))
    const doy = this.calendar.civil(day).dayOfYear
    // Rainy-season runoff (Apr–Sep) washes pollution into the rivers.
    const wet = Math.max(0, Math.sin((2 * Math.PI * (doy - 90)) / 365))
    const p = Math.min(0.995, Math.max(0.3, this.level + WATER_TREND_PER_YEAR * years - 0.05 * wet))
    const passing = binomialDraw(this.sections, p, unitAt(this.key, day * 2 + 2), normalAt(this.key, day * 2 + 3))
    return (100 * passing) / this.sections
  }
}

class ExceedanceGroup implements SeriesGroup<AirContext> {
  readonly periodMs = EXCEEDANCE_PERIOD_MS
  readonly minResolutionMs = HOUR_MS
  readonly offsetMs: number

  constructor(
    seed: number,
    readonly region: string,
    readonly indicators: readonly Indicator[],
    private readonly counter: DailyCounter,
  ) {
    this.offsetMs = slotOffset(seed, `${region}/exceedances`, this.periodMs)
  }

  sample(t: number, _ctx: AirContext, out: Float64Array): void {
    out[0] = this.counter.countAt(t)
  }

  aggregate(start: number, res: number, _ctx: AirContext, out: Float64Array): void {
    out[0] = this.counter.countAt(start + res - 1000)
  }
}

/**
 * Environment: every air station's AQI, PM2.5, PM10 and O3 (the running mean of
 * the current hour) every 5 minutes; per leaf region the day's surface-water
 * compliance every 10 minutes and today's polluter exceedances every minute.
 */
export function createEnvironmentSimulator(index: CatalogIndex, options: SimulatorOptions, calendar: LocalCalendar): Simulator {
  const { seed } = options
  const tree = index.tree
  const [aqi, pm25, pm10, o3, water, exceedances] = requireIndicators(index.indicators, [
    'env.aqi',
    'env.pm25',
    'env.pm10',
    'env.o3',
    'env.water_compliance',
    'env.polluter_exceedances',
  ])
  const stations = index.stationsOfKind('air')
  const cityNumbers = new Map<string, number>()
  const cities: EpisodeCity[] = []
  for (const s of stations) {
    const city = cityOf(tree, s.region)
    if (cityNumbers.has(city)) continue
    cityNumbers.set(city, cities.length)
    cities.push({ code: city, centroid: tree.require(city).centroid })
  }
  const schedule = new EpisodeSchedule(seed, calendar, cities)

  const groups: SeriesGroup<AirContext>[] = stations.map((s) => {
    const city = cityOf(tree, s.region)
    const model = new AirStationModel(seed, s.code, city, cityNumbers.get(city)!, resolveZone(tree, s.region), calendar)
    return new AirGroup(seed, s.code, s.region, [aqi!, pm25!, pm10!, o3!], model)
  })
  const airGroups = groups.map((_, i) => i)
  const leaves = tree.leaves(tree.root.code)
  const waterGroups: number[] = []
  const exceedanceGroups: number[] = []
  for (const r of leaves) {
    const zone = resolveZone(tree, r.code)
    waterGroups.push(groups.length)
    groups.push(new WaterGroup(seed, r.code, [water!], zone, calendar))
    const scale = leafScale(tree, r.code) * (0.6 + 0.8 * unitAt(noiseKey(seed, 'polluters', r.code), 0))
    const counter = new DailyCounter(seed, `exceedances/${r.code}`, calendar, {
      expectedTotal: (day) => byZone(EXCEEDANCES_PER_DAY, zone) * scale * (calendar.isRestDay(day) ? 1.2 : 1),
      hourWeights: () => EXCEEDANCE_HOURS,
    })
    exceedanceGroups.push(groups.length)
    groups.push(new ExceedanceGroup(seed, r.code, [exceedances!], counter))
  }

  const anomalyRules: AnomalyRule[] = [
    // Dust from a construction site next to the inlet.
    {
      name: 'air-dust-spike', kind: 'spike', groups: airGroups, indicators: ['env.pm10'],
      epochMs: 30 * MINUTE_MS, perEpoch: 1, duration: [1, 2], magnitude: [250, 600],
    },
    {
      name: 'air-pm25-spike', kind: 'spike', groups: airGroups, indicators: ['env.pm25'],
      epochMs: HOUR_MS, perEpoch: 1, duration: [1, 2], magnitude: [120, 260],
    },
    {
      name: 'air-station-stuck', kind: 'stuck', groups: airGroups,
      epochMs: HOUR_MS, perEpoch: 1, duration: [HOUR_MS, 3 * HOUR_MS],
    },
    {
      name: 'air-station-dropout', kind: 'dropout', groups: airGroups,
      epochMs: HOUR_MS, perEpoch: 1, duration: [20 * MINUTE_MS, 2 * HOUR_MS],
    },
    // A drifting PM10 analyser, until the next calibration.
    {
      name: 'air-pm10-drift', kind: 'levelShift', groups: airGroups, indicators: ['env.pm10'],
      epochMs: 6 * HOUR_MS, perEpoch: 1, duration: [3 * HOUR_MS, 8 * HOUR_MS], magnitude: [40, 90],
    },
    // A spill: a region's river sections fail for some hours.
    {
      name: 'water-incident', kind: 'levelShift', groups: waterGroups,
      epochMs: 12 * HOUR_MS, perEpoch: 1, duration: [2 * HOUR_MS, 6 * HOUR_MS], magnitude: [-40, -15],
    },
    {
      name: 'exceedance-feed-dropout', kind: 'dropout', groups: exceedanceGroups,
      epochMs: 12 * HOUR_MS, perEpoch: 1, duration: [30 * MINUTE_MS, 2 * HOUR_MS],
    },
  ]
  return new GroupedSimulator<AirContext>(
    {
      domain: 'environment',
      groups,
      anomalyRules,
      // An hour either side: running means look back to the start of their hour.
      context: (from, to) => ({ episodes: new EpisodeIndex(schedule.between(from - HOUR_MS, to + HOUR_MS), calendar, cityNumbers) }),
      episodes: (from, to) => schedule.asAnomalies(from, to),
    },
    seed,
    calendar,
  )
}
