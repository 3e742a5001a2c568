import type { LocalCalendar } from './local-calendar'
import { distanceKm } from './region-profile'
import { noiseKey, unitAt } from './seeded-noise'
import { DAY_MS, HOUR_MS, MINUTE_MS, type ScheduledAnomaly } from './simulator'

/**
 * Pollution episodes: spells of bad air over a city and its neighbours, applied
 * by the air model on top of the everyday variation, so stations of a region rise
 * together. Three kinds, each a pure function of (seed, time):
 * - haze (PM): multi-day, mostly in the dry season (Oct–Mar);
 * - photochemical (O3): multi-day, mostly in late summer and autumn, felt in the
 *   afternoons;
 * - severe bursts (PM): one city, for about an hour and a half every two hours
 *   somewhere in the province, strong enough to push the hourly AQI above 200.
 *   Real provinces see far fewer; they exist so that a demonstration started at
 *   any moment sees the critical alert fire within its first two hours.
 */

export type EpisodePollutant = 'pm' | 'o3'

export interface Episode {
  readonly pollutant: EpisodePollutant
  readonly start: number
  readonly end: number
  /** Amount added at the peak, in µg/m³ of PM2.5 (`pm`) or O3 (`o3`), where the reach is 1. */
  readonly peak: number
  /** 'bell' rises and falls over days; 'plateau' ramps up in minutes and holds. */
  readonly shape: 'bell' | 'plateau'
  /** City → share of the peak felt there (1 at the centre). */
  readonly reach: ReadonlyMap<string, number>
}

export interface EpisodeCity {
  readonly code: string
  readonly centroid: readonly [number, number]
}

// Haze and ozone spells: one chance per epoch, likelier in their season.
const SPELL_EPOCH_MS = 4 * DAY_MS
const SPELL_DURATION_MS = [36 * HOUR_MS, 108 * HOUR_MS] as const
const MAX_SPELL_MS = SPELL_DURATION_MS[1]
/** Neighbours feel a spell at this share of the centre's. */
const SPELL_NEIGHBOUR_SHARE = 0.6
// Severe bursts: the block is two hours so that, with the burst covering the
// second clock hour of its block, every window of two hours meets a whole
// burst hour whichever minute it starts at.
const BURST_BLOCK_MS = 2 * HOUR_MS
const BURST_LEAD_MS = 20 * MINUTE_MS
const BURST_RAMP_MS = 10 * MINUTE_MS
/** PM2.5 added at a burst's centre: with any background this is an hourly AQI of 200–330. */
const BURST_PEAK = [175, 250] as const
/** Cities nearer than this (km) to a spell's centre are its neighbours; at least the nearest two are. */
const NEIGHBOUR_KM = 150
const MIN_NEIGHBOURS = 2
const MAX_NEIGHBOURS = 4

/** How dry-season a day of year is: 1 in mid-January, 0 in mid-July (south China monsoon). */
export function drySeason(dayOfYear: number): number {
  return (1 + Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365)) / 2
}

/** How ozone-season a day of year is: 1 at the end of September, 0 at the end of March. */
export function ozoneSeason(dayOfYear: number): number {
  return (1 + Math.cos((2 * Math.PI * (dayOfYear - 270)) / 365)) / 2
}

export class EpisodeSchedule {
  private readonly neighbours: ReadonlyMap<string, readonly string[]>
  private readonly keys: { pm: number; o3: number; burst: number }

  constructor(
    seed: number,
    private readonly calendar: LocalCalendar,
    /** Cities that have air stations: the only ones where an episode can be seen. */
    private readonly cities: readonly EpisodeCity[],
  ) {
    this.keys = { pm: noiseKey(seed, 'episode-pm'), o3: noiseKey(seed, 'episode-o3'), burst: noiseKey(seed, 'episode-burst') }
    const neighbours = new Map<string, string[]>()
    for (const c of cities) {
      const others = cities
        .filter((o) => o.code !== c.code)
        .map((o) => ({ code: o.code, km: distanceKm(c.centroid, o.centroid) }))
        .sort((a, b) => a.km - b.km)
      neighbours.set(
        c.code,
        others.filter((o, i) => i < MIN_NEIGHBOURS || o.km <= NEIGHBOUR_KM).slice(0, MAX_NEIGHBOURS).map((o) => o.code),
      )
    }
    this.neighbours = neighbours
  }

  /** Episodes overlapping [from, to). */
  between(from: number, to: number): Episode[] {
    if (this.cities.length === 0) return []
    const out: Episode[] = []
    for (let e = Math.floor((from - MAX_SPELL_MS) / SPELL_EPOCH_MS); e <= Math.floor((to - 1) / SPELL_EPOCH_MS); e++) {
      for (const pollutant of ['pm', 'o3'] as const) {
        const spell = this.spell(pollutant, e)
        if (spell && spell.end > from && spell.start < to) out.push(spell)
      }
    }
    const off = this.calendar.offsetMs
    for (let b = Math.floor((from + off - BURST_BLOCK_MS) / BURST_BLOCK_MS); b <= Math.floor((to - 1 + off) / BURST_BLOCK_MS) + 1; b++) {
      const burst = this.burst(b)
      if (burst.end > from && burst.start < to) out.push(burst)
    }
    return out
  }

  /** The same episodes as anomaly records, one per city reached. */
  asAnomalies(from: number, to: number): ScheduledAnomaly[] {
    return this.between(from, to).flatMap((ep) =>
      [...ep.reach].map(([city, share]) => ({
        kind: 'episode' as const,
        indicator: ep.pollutant === 'pm' ? 'env.pm25' : 'env.o3',
        region: city,
        start: ep.start,
        end: ep.end,
        magnitude: Math.round(ep.peak * share),
      })),
    )
  }

  private spell(pollutant: EpisodePollutant, epoch: number): Episode | undefined {
    const key = this.keys[pollutant]
    const slot = epoch * 8
    const rawStart = epoch * SPELL_EPOCH_MS + Math.floor(unitAt(key, slot) * SPELL_EPOCH_MS)
    const doy = this.calendar.civil(this.calendar.dayIndex(rawStart)).dayOfYear
    const season = pollutant === 'pm' ? drySeason(doy) : ozoneSeason(doy)
    // A few spells per season at its height, now and then outside it.
    if (unitAt(key, slot + 1) >= 0.12 + 0.6 * season) return undefined
    const start = Math.floor(rawStart / HOUR_MS) * HOUR_MS
    const duration = SPELL_DURATION_MS[0] + unitAt(key, slot + 2) * (SPELL_DURATION_MS[1] - SPELL_DURATION_MS[0])
    const u = unitAt(key, slot + 3)
    // Most spells are moderate; the cube makes the strong ones (AQI > 200) rare.
    const peak = pollutant === 'pm' ? (25 + 135 * u * u * u) * (0.6 + 0.4 * season) : (60 + 170 * u * u * u) * (0.6 + 0.4 * season)
    const centre = this.cities[Math.floor(unitAt(key, slot + 4) * this.cities.length)]!.code
    const end = start + Math.round(duration / HOUR_MS) * HOUR_MS
    return { pollutant, start, end, peak, shape: 'bell', reach: this.reachOf(centre, SPELL_NEIGHBOUR_SHARE) }
  }

  private burst(block: number): Episode {
    const key = this.keys.burst
    const severeHour = block * BURST_BLOCK_MS - this.calendar.offsetMs + HOUR_MS
    const centre = this.cities[Math.floor(unitAt(key, block * 4) * this.cities.length)]!.code
    const peak = BURST_PEAK[0] + unitAt(key, block * 4 + 1) * (BURST_PEAK[1] - BURST_PEAK[0])
    return {
      pollutant: 'pm',
      start: severeHour - BURST_LEAD_MS,
      end: severeHour + HOUR_MS + BURST_LEAD_MS,
      peak,
      shape: 'plateau',
      // One city only: a local event (fires, dust), and the air elsewhere stays as it was.
      reach: new Map([[centre, 1]]),
    }
  }

  private reachOf(centre: string, neighbourShare: number): Map<string, number> {
    const reach = new Map<string, number>([[centre, 1]])
    for (const n of this.neighbours.get(centre) ?? []) reach.set(n, neighbourShare)
    return reach
  }
}

/** The share of its peak an episode adds at time t (0 outside it). */
export function episodeLevel(ep: Episode, t: number): number {
  if (t < ep.start || t >= ep.end) return 0
  if (ep.shape === 'plateau') return Math.min(1, (t - ep.start) / BURST_RAMP_MS, (ep.end - t) / BURST_RAMP_MS)
  const s = Math.sin((Math.PI * (t - ep.start)) / (ep.end - ep.start))
  return s * s
}

/**
 * Episodes indexed by (city, local day), so the air model finds the few that
 * matter at a time without scanning months of them. Cities are numbered by the
 * caller, which keeps the lookup free of string building.
 */
export class EpisodeIndex {
  static readonly EMPTY: readonly Episode[] = []
  private readonly byCityDay = new Map<number, Episode[]>()

  constructor(
    episodes: readonly Episode[],
    private readonly calendar: LocalCalendar,
    private readonly cityNumbers: ReadonlyMap<string, number>,
  ) {
    for (const ep of episodes) {
      for (let day = calendar.dayIndex(ep.start); day <= calendar.dayIndex(ep.end - 1); day++) {
        for (const city of ep.reach.keys()) {
          const n = cityNumbers.get(city)
          if (n === undefined) continue
          const key = day * CITY_SLOTS + n
          const list = this.byCityDay.get(key)
          if (list) list.push(ep)
          else this.byCityDay.set(key, [ep])
        }
      }
    }
  }

  at(cityNumber: number, t: number): readonly Episode[] {
    return this.byCityDay.get(this.calendar.dayIndex(t) * CITY_SLOTS + cityNumber) ?? EpisodeIndex.EMPTY
  }
}

/** Room for this many cities per day in the index key; far more than any province has. */
export const CITY_SLOTS = 1 << 16
