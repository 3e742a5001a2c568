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

const PERIOD_MS = MINUTE_MS

/** New market entities on a working day in a county-sized leaf region (Guangdong registers ~1.5 M a year). */
const NEW_ENTITIES_PER_WORKDAY: ZoneTable<number> = { prd: 90, east: 28, west: 25, north: 16, default: 25 }
/** Good/bad service ratings on a working day in a county-sized leaf region. */
const RATINGS_PER_WORKDAY: ZoneTable<number> = { prd: 2400, east: 800, west: 700, north: 450, default: 700 }
/** Mean days to set up a business, at the reference date. */
const STARTUP_DAYS: ZoneTable<number> = { prd: 1.3, east: 2.6, west: 2.8, north: 3.2, default: 2.5 }
/** Share of services that can be done online (%), at the reference date. */
const ONLINE_RATE: ZoneTable<number> = { prd: 96.5, east: 91, west: 90, north: 88, default: 91 }
/** Share of matters done with at most one visit (%), at the reference date. */
const ONE_VISIT_RATE: ZoneTable<number> = { prd: 97.5, east: 94, west: 93.5, north: 93, default: 94 }
/** Share of good ratings (%), at the reference date. */
const SATISFACTION: ZoneTable<number> = { prd: 99.7, east: 99.35, west: 99.3, north: 99.25, default: 99.3 }

// Trends run from this date; rates approach their ceilings at these speeds (per year).
const REFERENCE_MS = Date.UTC(2025, 0, 1)
const YEAR_MS = 365.25 * DAY_MS
const RATE_CEILING = 99.5
const SATISFACTION_CEILING = 99.9

/** Weekday factors, Sunday first: Mondays bring the weekend's backlog. */
const WEEKDAY = [1, 1.12, 1.05, 1, 0.98, 0.9, 1] as const
/** Share of a working day's registrations on a rest day (online submissions only). */
const REST_DAY_SHARE = { entities: 0.1, ratings: 0.15 } as const
/** Month factors, January first: quarter ends push, the Spring Festival months and Golden Week slow. */
const MONTH = [0.85, 0.8, 1.1, 1, 1, 1.05, 0.98, 0.98, 1.03, 0.92, 1, 1.1] as const

/** Office hours 9–12 and 14–18; a trickle of online work in the evening and at night. */
const WORKDAY_HOURS = Float64Array.from({ length: 24 }, (_, h) =>
  (h >= 9 && h < 12) || (h >= 14 && h < 18) ? 1 : h === 8 || h === 12 || h === 13 ? 0.15 : h >= 18 && h < 22 ? 0.08 : 0.02,
)
const REST_DAY_HOURS = Float64Array.from({ length: 24 }, (_, h) => (h >= 9 && h < 18 ? 0.5 : h >= 7 && h < 23 ? 0.15 : 0.03))

/** Weight, in items, of the long-run value in a running figure. */
const PRIOR_ITEMS = 30

function yearsSinceReference(t: number): number {
  return Math.max(-10, Math.min(10, (t - REFERENCE_MS) / YEAR_MS))
}

/**
 * A running mean (or share) over today's completed items: it settles on the day's
 * value as items accumulate. With n items so far of the day's N, the deviation
 * left is that of a sample of n minus that of the whole day. The figure is shrunk
 * towards the long-run value by `PRIOR_ITEMS` pseudo-items, as dashboards do, so
 * the night's first rating does not read as 0 % or 100 %.
 */
class RunningDailyMean {
  private readonly dayKey: number
  private readonly hourKey: number
  // Memos (values never depend on them): the item model is asked about the same day repeatedly.
  private memoT = Number.NaN
  private memoValue = 0
  private modelDay = Number.NaN
  private model = { mean: 0, sd: 0 }

  constructor(
    seed: number,
    label: string,
    private readonly calendar: LocalCalendar,
    private readonly count: DailyCounter,
    /** The long-run mean and the per-item standard deviation on day `day`. */
    private readonly itemModelOf: (day: number) => { mean: number; sd: number },
  ) {
    this.dayKey = noiseKey(seed, label, 'day')
    this.hourKey = noiseKey(seed, label, 'hour')
  }

  at(t: number): number {
    if (t === this.memoT) return this.memoValue
    const value = this.compute(t)
    this.memoT = t
    this.memoValue = value
    return value
  }

  private compute(t: number): number {
    const day = this.calendar.dayIndex(t)
    const n = this.count.countAt(t)
    // Nothing completed yet today: the figure still shows yesterday's.
    if (n === 0) return this.final(day - 1)
    const total = this.count.total(day)
    const { sd } = this.itemModel(day)
    const hour = Math.floor(this.calendar.msOfDay(t) / HOUR_MS)
    const left = Math.sqrt(Math.max(0, 1 / (n + PRIOR_ITEMS) - 1 / (total + PRIOR_ITEMS)))
    return this.final(day) + sd * normalAt(this.hourKey, day * 24 + hour) * left
  }

  private itemModel(day: number): { mean: number; sd: number } {
    if (day !== this.modelDay) {
      this.model = this.itemModelOf(day)
      this.modelDay = day
    }
    return this.model
  }

  private final(day: number): number {
    const { mean, sd } = this.itemModel(day)
    return mean + (sd * normalAt(this.dayKey, day)) / Math.sqrt(this.count.total(day) + PRIOR_ITEMS)
  }
}

class BusinessGroup implements SeriesGroup<undefined> {
  readonly periodMs = PERIOD_MS
  readonly minResolutionMs = HOUR_MS
  readonly offsetMs: number

  constructor(
    seed: number,
    readonly region: string,
    /** [startup_days, online_rate, one_visit_rate, satisfaction, ratings, new_entities] */
    readonly indicators: readonly Indicator[],
    private readonly startupDays: RunningDailyMean,
    private readonly onlineRate: (day: number) => number,
    private readonly oneVisit: RunningDailyMean,
    private readonly satisfaction: RunningDailyMean,
    private readonly ratings: DailyCounter,
    private readonly entities: DailyCounter,
    private readonly calendar: LocalCalendar,
  ) {
    this.offsetMs = slotOffset(seed, `${region}/business`, this.periodMs)
  }

  sample(t: number, _ctx: undefined, out: Float64Array): void {
    out[0] = this.startupDays.at(t)
    out[1] = this.onlineRate(this.calendar.dayIndex(t))
    out[2] = this.oneVisit.at(t)
    out[3] = this.satisfaction.at(t)
    out[4] = this.ratings.countAt(t)
    out[5] = this.entities.countAt(t)
  }

  aggregate(start: number, res: number, _ctx: undefined, out: Float64Array): void {
    this.sample(start + res - 1000, undefined, out)
  }
}

/**
 * Business environment, per leaf region every minute: today's new market
 * entities and service ratings (counts through office hours, reset at local
 * midnight), the running start-up time, one-visit rate and satisfaction over
 * today's completions, and the online-service rate.
 */
export function createBusinessSimulator(index: CatalogIndex, options: SimulatorOptions, calendar: LocalCalendar): Simulator {
  const { seed } = options
  const tree = index.tree
  const indicators = requireIndicators(index.indicators, [
    'biz.startup_days',
    'biz.online_rate',
    'biz.one_visit_rate',
    'biz.satisfaction',
    'biz.ratings',
    'biz.new_entities',
  ])
  const groups: BusinessGroup[] = tree.leaves(tree.root.code).map((r) => {
    const zone = resolveZone(tree, r.code)
    const key = noiseKey(seed, 'business-region', r.code)
    const size = leafScale(tree, r.code) * Math.exp(0.35 * normalAt(key, 1))
    const growth = 0.03 + 0.04 * unitAt(key, 2)
    const activity = (day: number, restShare: number): number => {
      const civil = calendar.civil(day)
      const years = yearsSinceReference(calendar.dayStart(day))
      const week = calendar.isRestDay(day) ? restShare : WEEKDAY[calendar.weekday(day)]!
      return size * week * MONTH[civil.month - 1]! * Math.pow(1 + growth, years) * Math.exp(0.12 * normalAt(key, day * 4 + 3))
    }
    const hourWeights = (day: number) => (calendar.isRestDay(day) ? REST_DAY_HOURS : WORKDAY_HOURS)
    const entities = new DailyCounter(seed, `entities/${r.code}`, calendar, {
      expectedTotal: (day) => byZone(NEW_ENTITIES_PER_WORKDAY, zone) * activity(day, REST_DAY_SHARE.entities),
      hourWeights,
    })
    const ratings = new DailyCounter(seed, `ratings/${r.code}`, calendar, {
      expectedTotal: (day) => byZone(RATINGS_PER_WORKDAY, zone) * activity(day, REST_DAY_SHARE.ratings),
      hourWeights,
    })
    const startup0 = byZone(STARTUP_DAYS, zone) * Math.exp(0.15 * normalAt(key, 4))
    const startupDays = new RunningDailyMean(seed, `startup/${r.code}`, calendar, entities, (day) => {
      // Start-up keeps getting faster, by about 8 % a year, down to half a day.
      const mean = Math.max(0.5, startup0 * Math.exp(-0.08 * yearsSinceReference(calendar.dayStart(day))))
      return { mean, sd: 0.6 * mean }
    })
    const approach = (start: number, ceiling: number, perYear: number, day: number) =>
      ceiling - (ceiling - start) * Math.exp(-perYear * yearsSinceReference(calendar.dayStart(day)))
    const visit0 = byZone(ONE_VISIT_RATE, zone) + 1.5 * (unitAt(key, 5) - 0.5)
    const oneVisit = new RunningDailyMean(seed, `one-visit/${r.code}`, calendar, ratings, (day) => {
      const mean = approach(visit0, RATE_CEILING, 0.15, day)
      return { mean, sd: Math.sqrt(mean * (100 - mean)) }
    })
    const satisfaction0 = byZone(SATISFACTION, zone) + 0.2 * (unitAt(key, 6) - 0.5)
    const satisfaction = new RunningDailyMean(seed, `satisfaction/${r.code}`, calendar, ratings, (day) => {
      const mean = approach(satisfaction0, SATISFACTION_CEILING, 0.1, day)
      return { mean, sd: Math.sqrt(mean * (100 - mean)) }
    })
    const online0 = byZone(ONLINE_RATE, zone) + 3 * (unitAt(key, 7) - 0.5)
    const onlineRate = (day: number) => approach(online0, RATE_CEILING, 0.2, day) + 0.25 * normalAt(key, day * 4 + 8)
    return new BusinessGroup(seed, r.code, indicators, startupDays, onlineRate, oneVisit, satisfaction, ratings, entities, calendar)
  })

  const all = groups.map((_, i) => i)
  const anomalyRules: AnomalyRule[] = [
    {
      name: 'business-feed-dropout', kind: 'dropout', groups: all,
      epochMs: 2 * HOUR_MS, perEpoch: 1, duration: [10 * MINUTE_MS, 60 * MINUTE_MS],
    },
    // A wave of bad ratings after a service failure.
    {
      name: 'business-complaint-storm', kind: 'levelShift', groups: all, indicators: ['biz.satisfaction'],
      epochMs: 4 * HOUR_MS, perEpoch: 1, duration: [HOUR_MS, 4 * HOUR_MS], magnitude: [-9, -3],
    },
    // The online service platform is partly down.
    {
      name: 'business-online-outage', kind: 'levelShift', groups: all, indicators: ['biz.online_rate'],
      epochMs: 8 * HOUR_MS, perEpoch: 1, duration: [30 * MINUTE_MS, 3 * HOUR_MS], magnitude: [-25, -8],
    },
    // A registration keyed in with the wrong dates.
    {
      name: 'business-startup-spike', kind: 'spike', groups: all, indicators: ['biz.startup_days'],
      epochMs: HOUR_MS, perEpoch: 1, duration: [1, 3], magnitude: [12, 35],
    },
  ]
  return new GroupedSimulator({ domain: 'business', groups, anomalyRules, context: () => undefined }, seed, calendar)
}
