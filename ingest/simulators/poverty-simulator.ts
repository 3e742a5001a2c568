import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import type { AnomalyRule } from './anomaly-schedule'
import { GroupedSimulator } from './grouped-simulator'
import type { LocalCalendar } from './local-calendar'
import { byZone, resolveZone, type ZoneTable } from './region-profile'
import { noiseKey, normalAt, SmoothNoise, unitAt } from './seeded-noise'
import { requireIndicators, slotOffset, type SeriesGroup } from './series-group'
import { DAY_MS, HOUR_MS, MINUTE_MS, type Simulator, type SimulatorOptions } from './simulator'

const PERIOD_MS = 5 * MINUTE_MS

/**
 * Households under relapse monitoring in a leaf region, by zone: few in the
 * delta, many in the mountain counties of the north, east and west.
 */
const MONITORED: ZoneTable<readonly [number, number]> = {
  prd: [120, 700],
  east: [2500, 9000],
  west: [2500, 9000],
  north: [3500, 12000],
  default: [2000, 6000],
}
/** Share of monitored households still at risk in January. */
const AT_RISK_IN_JANUARY: ZoneTable<number> = { prd: 0.25, default: 0.36 }
/** Annualised income per capita of monitored households (CNY) at the reference date. */
const INCOME: ZoneTable<readonly [number, number]> = {
  prd: [19000, 24000],
  east: [12500, 15500],
  west: [12000, 15000],
  north: [11500, 14500],
  default: [13000, 16000],
}
/** Employment of lifted-out labour (%) at the reference date. */
const EMPLOYMENT: ZoneTable<number> = { prd: 96, east: 91, west: 90.5, north: 89.5, default: 91 }

const REFERENCE_MS = Date.UTC(2025, 0, 1)
const YEAR_MS = 365.25 * DAY_MS
/** Where the year's assistance-fund spending should end up (%), for a county on schedule. */
const DISBURSEMENT_BY_DECEMBER = 95
/** Share of counties lagging behind on spending in a given year. */
const LAGGING_SHARE = 0.15
/** Risks are eliminated through the year: by December this much of January's risk is gone. */
const RISK_ELIMINATED_BY_DECEMBER = 0.55
/** December's eliminations continue at the pace of the months before; January brings new risks. */
const DECEMBER_RISK_FALL = 0.94

function yearsSinceReference(t: number): number {
  return Math.max(-10, Math.min(10, (t - REFERENCE_MS) / YEAR_MS))
}

/** Where a month stands at time t, its work progressing through office hours. */
interface MonthPosition {
  monthIndex: number
  /** 1–12 */
  month: number
  year: number
  /** Share of the month done, 0 at its start, 1 at its end. */
  done: number
}

function monthPosition(calendar: LocalCalendar, t: number): MonthPosition {
  const day = calendar.dayIndex(t)
  const c = calendar.civil(day)
  const hour = calendar.hourOfDay(t)
  const today = Math.min(1, Math.max(0, (hour - 9) / 9))
  return { monthIndex: c.monthIndex, month: c.month, year: c.year, done: (c.dayOfMonth - 1 + today) / c.daysInMonth }
}

/** What a region reports for one month (stocks at its start, rates as they stand). */
interface MonthFigures {
  /** Households under monitoring at the start of the month. */
  stock: number
  /** Households newly identified during the month. */
  added: number
  /** Households at risk at the start of the month. */
  atRisk: number
  /** Annualised income per capita at the start of the month. */
  income: number
  /** Year-to-date disbursement (%) at the end of the month. */
  disbursedByEnd: number
  /** Employment (%) at the start of the month. */
  employment: number
}

/** More than a year of months per region, for a 13-month back-fill. */
const MONTH_CACHE_LIMIT = 32

/** The monthly figures of one region, each a function of the month. */
class PovertyRegionModel {
  /** One key per random quantity, each drawn per month or per year. */
  private readonly keys: Readonly<Record<'added' | 'atRisk' | 'income' | 'pace' | 'wiggle' | 'employment', number>>
  private readonly monitored0: number
  private readonly atRisk0: number
  private readonly income0: number
  private readonly employment0: number
  private readonly stockDrift: SmoothNoise
  private readonly months = new Map<number, MonthFigures>()

  constructor(seed: number, region: string, zone: string) {
    const key = (purpose: string) => noiseKey(seed, 'poverty', purpose, region)
    const own = key('region')
    this.keys = {
      added: key('added'),
      atRisk: key('at-risk'),
      income: key('income'),
      pace: key('pace'),
      wiggle: key('wiggle'),
      employment: key('employment'),
    }
    const [mLo, mHi] = byZone(MONITORED, zone)
    this.monitored0 = mLo + unitAt(own, 1) * (mHi - mLo)
    this.atRisk0 = byZone(AT_RISK_IN_JANUARY, zone) * (0.8 + 0.4 * unitAt(own, 2))
    const [iLo, iHi] = byZone(INCOME, zone)
    this.income0 = iLo + unitAt(own, 3) * (iHi - iLo)
    this.employment0 = byZone(EMPLOYMENT, zone) + 2 * (unitAt(own, 4) - 0.5)
    // Knots every six months, in month units.
    this.stockDrift = new SmoothNoise(noiseKey(seed, 'poverty-stock', region), 6)
  }

  /** The figures of month m, remembered: a month's slots all ask for them (and for the next month's). */
  month(m: number): MonthFigures {
    let f = this.months.get(m)
    if (f) return f
    const month = (((m % 12) + 12) % 12) + 1
    f = {
      stock: this.stock(m),
      added: this.added(m),
      atRisk: this.atRisk(m),
      income: this.income(m),
      disbursedByEnd: this.disbursed(1970 + Math.floor(m / 12), month),
      employment: this.employment(m),
    }
    if (this.months.size >= MONTH_CACHE_LIMIT) this.months.clear()
    this.months.set(m, f)
    return f
  }

  private years(monthIndex: number): number {
    return yearsSinceReference(Date.UTC(1970, monthIndex, 1))
  }

  /** Households under monitoring at the start of month m. */
  private stock(m: number): number {
    return this.monitored0 * (1 + 0.03 * this.years(m)) * (1 + 0.02 * this.stockDrift.at(m))
  }

  /** Households newly identified during month m. */
  private added(m: number): number {
    return Math.round(this.stock(m) * (0.004 + 0.006 * unitAt(this.keys.added, m)))
  }

  /** Households still at risk at the start of month m; the January figure falls about 10 % a year. */
  private atRisk(m: number): number {
    const month = ((m % 12) + 12) % 12
    const yearly = this.atRisk0 * Math.pow(0.9, this.years(m))
    const fall = 1 - (RISK_ELIMINATED_BY_DECEMBER * month) / 11
    return this.stock(m) * Math.min(0.9, yearly) * fall * (1 + 0.03 * normalAt(this.keys.atRisk, m))
  }

  /** Annualised income at the start of month m: growing, higher after the year-end bonuses. */
  private income(m: number): number {
    const month = ((m % 12) + 12) % 12
    const seasonal = 1 + 0.04 * Math.cos((2 * Math.PI * (month - 1)) / 12)
    return this.income0 * Math.exp(0.07 * this.years(m)) * seasonal * (1 + 0.01 * normalAt(this.keys.income, m))
  }

  /** Year-to-date disbursement (%) at the end of month `month` (1–12) of `year`. */
  private disbursed(year: number, month: number): number {
    const lagging = unitAt(this.keys.pace, year * 2) < LAGGING_SHARE
    const u = unitAt(this.keys.pace, year * 2 + 1)
    const pace = lagging ? 0.65 + 0.2 * u : 0.94 + 0.1 * u
    const target = Math.min(99.5, DISBURSEMENT_BY_DECEMBER * pace)
    // Each month's end moves by up to ±0.15 month, which keeps the sequence rising.
    const wiggle = month < 12 ? 0.3 * (unitAt(this.keys.wiggle, year * 12 + month) - 0.5) : 0
    // Spending starts slowly and is pushed at the end of the year.
    return target * Math.pow((month + wiggle) / 12, 1.4)
  }

  /** Employment (%) in month m: down around the Spring Festival, when migrant workers go home. */
  private employment(m: number): number {
    const month = ((m % 12) + 12) % 12
    const festival = month === 1 ? 4 : month === 0 ? 1.5 : month === 2 ? 1 : 0
    return Math.min(99, this.employment0 + 0.4 * this.years(m)) - festival + 0.5 * normalAt(this.keys.employment, m)
  }
}

class PovertyGroup implements SeriesGroup<undefined> {
  readonly periodMs = PERIOD_MS
  readonly minResolutionMs = DAY_MS
  readonly offsetMs: number

  constructor(
    seed: number,
    readonly region: string,
    /** [monitored, at_risk, income, fund_disbursement_rate, risk_elimination_rate, employment_rate] */
    readonly indicators: readonly Indicator[],
    private readonly model: PovertyRegionModel,
    private readonly calendar: LocalCalendar,
  ) {
    this.offsetMs = slotOffset(seed, `${region}/poverty`, this.periodMs)
  }

  sample(t: number, _ctx: undefined, out: Float64Array): void {
    const p = monthPosition(this.calendar, t)
    const now = this.model.month(p.monthIndex)
    const next = this.model.month(p.monthIndex + 1)
    const monitored = now.stock + Math.round(now.added * p.done)
    const atRiskEnd = p.month === 12 ? now.atRisk * DECEMBER_RISK_FALL : next.atRisk
    const atRisk = Math.min(monitored, Math.round(lerp(now.atRisk, atRiskEnd, p.done)))
    const disbursedBefore = p.month === 1 ? 0 : this.model.month(p.monthIndex - 1).disbursedByEnd
    out[0] = monitored
    out[1] = atRisk
    out[2] = lerp(now.income, next.income, p.done)
    out[3] = lerp(disbursedBefore, now.disbursedByEnd, p.done)
    out[4] = monitored > 0 ? (100 * (monitored - atRisk)) / monitored : 0
    out[5] = lerp(now.employment, next.employment, p.done)
  }

  aggregate(start: number, res: number, _ctx: undefined, out: Float64Array): void {
    this.sample(start + res - 1000, undefined, out)
  }
}

function lerp(a: number, b: number, f: number): number {
  return a + (b - a) * f
}

/**
 * Poverty-relapse monitoring, per leaf region every 5 minutes. The figures are
 * monthly; within a month they move as month-to-date running values (new
 * households identified, risks eliminated, funds spent, income surveys coming in)
 * and the stocks step at month boundaries after the monthly review.
 */
export function createPovertySimulator(index: CatalogIndex, options: SimulatorOptions, calendar: LocalCalendar): Simulator {
  const { seed } = options
  const tree = index.tree
  const indicators = requireIndicators(index.indicators, [
    'pov.monitored_households',
    'pov.at_risk_households',
    'pov.income_per_capita',
    'pov.fund_disbursement_rate',
    'pov.risk_elimination_rate',
    'pov.employment_rate',
  ])
  const groups = tree
    .leaves(tree.root.code)
    .map((r) => new PovertyGroup(seed, r.code, indicators, new PovertyRegionModel(seed, r.code, resolveZone(tree, r.code)), calendar))
  const all = groups.map((_, i) => i)
  const anomalyRules: AnomalyRule[] = [
    {
      name: 'poverty-feed-dropout', kind: 'dropout', groups: all,
      epochMs: 4 * HOUR_MS, perEpoch: 1, duration: [30 * MINUTE_MS, 3 * HOUR_MS],
    },
    // An income keyed in with an extra digit, corrected at the next upload.
    {
      name: 'poverty-income-typo', kind: 'spike', groups: all, indicators: ['pov.income_per_capita'],
      epochMs: 2 * HOUR_MS, perEpoch: 1, duration: [1, 2], magnitude: [40000, 120000],
    },
    // A township re-surveys its labour force and revises employment down for a while.
    {
      name: 'poverty-employment-revision', kind: 'levelShift', groups: all, indicators: ['pov.employment_rate'],
      epochMs: 12 * HOUR_MS, perEpoch: 1, duration: [2 * HOUR_MS, 6 * HOUR_MS], magnitude: [-12, -5],
    },
  ]
  return new GroupedSimulator({ domain: 'poverty', groups, anomalyRules, context: () => undefined }, seed, calendar)
}
