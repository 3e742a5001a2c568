import type { LocalCalendar } from './local-calendar'
import { drySeason, episodeLevel, type EpisodeIndex, ozoneSeason } from './pollution-episodes'
import { byZone, type ZoneTable } from './region-profile'
import { noiseKey, normalAt, SmoothNoise } from './seeded-noise'
import { HOUR_MS, MINUTE_MS } from './simulator'

/**
 * Air at one monitoring station, as 5-minute block concentrations of PM2.5,
 * PM10 and O3 (µg/m³):
 * - PM is highest at night and in the morning rush and lowest in mid-afternoon,
 *   when the mixing layer is deepest; worse in the dry season (Oct–Mar);
 * - O3 is made by sunlight: low at night (lower still in the Pearl River Delta,
 *   where traffic NO titrates it), peaking mid-afternoon; worst in late summer
 *   and autumn;
 * - weather swings shared by a city and, more slowly, by the whole province, so
 *   stations move together; pollution episodes on top.
 */

export interface AirContext {
  readonly episodes: EpisodeIndex
}

export const AIR_BLOCK_MS = 5 * MINUTE_MS
const BLOCKS_PER_HOUR = HOUR_MS / AIR_BLOCK_MS
const BLOCKS_PER_DAY = 24 * BLOCKS_PER_HOUR
/** Blocks remembered per station: more than an hour's worth. */
const RING_BLOCKS = 16

/** Annual-mean PM2.5 (µg/m³) of a typical station, by zone (Guangdong is in the low 20s). */
const PM25_LEVEL: ZoneTable<number> = { prd: 22, east: 20, west: 21, north: 17, default: 20 }
/** Ozone level (µg/m³) of a typical station, by zone: the delta's precursors make more. */
const O3_LEVEL: ZoneTable<number> = { prd: 66, east: 56, west: 56, north: 50, default: 55 }
/** Night ozone as a share of the level: titration by NO from traffic keeps it low in the delta. */
const O3_NIGHT: ZoneTable<number> = { prd: 0.3, default: 0.45 }
const O3_AFTERNOON = 1.45
/** Haze is fine particles, but coarse ones come with it. */
const EPISODE_PM10_PER_PM25 = 1.25
const BLOCK_NOISE = { pm25: 0.06, pm10: 0.08, o3: 0.06 } as const

const PM_DIURNAL = new Float64Array(BLOCKS_PER_DAY)
const O3_SUNLIGHT = new Float64Array(BLOCKS_PER_DAY)
for (let b = 0; b < BLOCKS_PER_DAY; b++) {
  const h = (b + 0.5) / BLOCKS_PER_HOUR
  PM_DIURNAL[b] = 1 + 0.18 * Math.cos((2 * Math.PI * (h - 7.5)) / 24) + 0.07 * Math.cos((2 * Math.PI * (h - 22)) / 12)
  const z = (h - 14.5) / 2.6
  O3_SUNLIGHT[b] = Math.exp(-0.5 * z * z)
}

export class AirStationModel {
  private readonly pm25Level: number
  private readonly pm10Ratio: number
  private readonly o3Level: number
  private readonly o3Night: number
  private readonly cityPm: SmoothNoise
  private readonly cityO3: SmoothNoise
  private readonly province: SmoothNoise
  private readonly own: SmoothNoise
  private readonly noiseKeys: readonly [number, number, number]
  private readonly ring = new Float64Array(RING_BLOCKS * 3)
  private readonly ringBlock = new Float64Array(RING_BLOCKS).fill(Number.NaN)
  private readonly scratch = new Float64Array(3)
  private seasonDay = Number.NaN
  private pmSeason = 1
  private o3Season = 1

  constructor(
    seed: number,
    station: string,
    private readonly city: string,
    private readonly cityNumber: number,
    zone: string,
    private readonly calendar: LocalCalendar,
  ) {
    const k = noiseKey(seed, 'air-station', station)
    this.pm25Level = byZone(PM25_LEVEL, zone) * Math.exp(0.15 * normalAt(k, 1))
    this.pm10Ratio = 1.45 + 0.4 * ((normalAt(k, 2) + 3.5) / 7)
    this.o3Level = byZone(O3_LEVEL, zone) * Math.exp(0.1 * normalAt(k, 3))
    this.o3Night = byZone(O3_NIGHT, zone)
    this.cityPm = new SmoothNoise(noiseKey(seed, 'air-city-pm', city), 6 * HOUR_MS)
    this.cityO3 = new SmoothNoise(noiseKey(seed, 'air-city-o3', city), 8 * HOUR_MS)
    this.province = new SmoothNoise(noiseKey(seed, 'air-province'), 48 * HOUR_MS)
    this.own = new SmoothNoise(noiseKey(seed, 'air-own', station), 3 * HOUR_MS)
    this.noiseKeys = [noiseKey(seed, station, 'pm25'), noiseKey(seed, station, 'pm10'), noiseKey(seed, station, 'o3')]
  }

  /** Local 5-minute block number of time t. */
  blockOf(t: number): number {
    return Math.floor((t + this.calendar.offsetMs) / AIR_BLOCK_MS)
  }

  /** Concentrations in block `b` into out[0..2] (PM2.5, PM10, O3); `noiseScale` 0 gives the smooth model. */
  block(b: number, noiseScale: number, ctx: AirContext, out: Float64Array): void {
    const t = b * AIR_BLOCK_MS - this.calendar.offsetMs + AIR_BLOCK_MS / 2
    const inDay = ((b % BLOCKS_PER_DAY) + BLOCKS_PER_DAY) % BLOCKS_PER_DAY
    this.season(t)
    const shared = this.province.at(t)
    const own = this.own.at(t)
    const noisy = noiseScale !== 0
    let pm25 =
      this.pm25Level * this.pmSeason * PM_DIURNAL[inDay]! * Math.exp(0.32 * this.cityPm.at(t) + 0.22 * shared + 0.1 * own)
    if (noisy) pm25 *= 1 + BLOCK_NOISE.pm25 * noiseScale * normalAt(this.noiseKeys[0], b)
    // PM2.5 is part of PM10, so PM10 carries its noise and adds its own.
    let pm10 = pm25 * this.pm10Ratio
    if (noisy) pm10 *= 1 + BLOCK_NOISE.pm10 * noiseScale * normalAt(this.noiseKeys[1], b)
    const sunlight = O3_SUNLIGHT[inDay]!
    let o3 =
      this.o3Level * this.o3Season * (this.o3Night + O3_AFTERNOON * sunlight) * Math.exp(0.2 * this.cityO3.at(t) + 0.15 * shared + 0.06 * own)
    if (noisy) o3 *= 1 + BLOCK_NOISE.o3 * noiseScale * normalAt(this.noiseKeys[2], b)
    for (const ep of ctx.episodes.at(this.cityNumber, t)) {
      let level = episodeLevel(ep, t)
      if (level === 0) continue
      level *= ep.reach.get(this.city) ?? 0
      if (ep.pollutant === 'pm') {
        pm25 += ep.peak * level
        pm10 += ep.peak * level * EPISODE_PM10_PER_PM25
      } else o3 += ep.peak * level * sunlight
    }
    out[0] = pm25
    out[1] = pm10
    out[2] = o3
  }

  /** Mean of the current local hour up to t (what a station publishes as it goes). */
  runningHourMean(t: number, ctx: AirContext, out: Float64Array): void {
    // A slot exactly on the hour reports the hour just completed.
    const last = this.blockOf(t - 1)
    const first = last - (((last % BLOCKS_PER_HOUR) + BLOCKS_PER_HOUR) % BLOCKS_PER_HOUR)
    this.meanOfBlocks(first, last - first + 1, ctx, out)
  }

  /** Mean over the local hour starting at `start`. */
  hourMean(start: number, ctx: AirContext, out: Float64Array): void {
    this.meanOfBlocks(this.blockOf(start), BLOCKS_PER_HOUR, ctx, out)
  }

  /**
   * Mean over the local day starting at `start`: the smooth model sampled in the
   * middle of every hour, plus what is left of the block noise in a mean of 288
   * blocks, drawn once.
   */
  dayMean(start: number, ctx: AirContext, out: Float64Array): void {
    const first = this.blockOf(start) + BLOCKS_PER_HOUR / 2
    let a = 0
    let b = 0
    let c = 0
    for (let h = 0; h < 24; h++) {
      this.block(first + h * BLOCKS_PER_HOUR, 0, ctx, out)
      a += out[0]!
      b += out[1]!
      c += out[2]!
    }
    const scale = 1 / Math.sqrt(BLOCKS_PER_DAY)
    const [k25, k10, ko3] = this.noiseKeys
    out[0] = (a / 24) * (1 + BLOCK_NOISE.pm25 * scale * normalAt(k25, -first))
    out[1] = (b / 24) * (1 + BLOCK_NOISE.pm10 * scale * normalAt(k10, -first))
    out[2] = (c / 24) * (1 + BLOCK_NOISE.o3 * scale * normalAt(ko3, -first))
  }

  /** Mean of n consecutive blocks from `first`, each as published (full noise). */
  private meanOfBlocks(first: number, n: number, ctx: AirContext, out: Float64Array): void {
    let a = 0
    let b = 0
    let c = 0
    for (let blk = first; blk < first + n; blk++) {
      const at = this.cachedBlock(blk, ctx)
      a += this.ring[at]!
      b += this.ring[at + 1]!
      c += this.ring[at + 2]!
    }
    out[0] = a / n
    out[1] = b / n
    out[2] = c / n
  }

  /**
   * Position in `ring` of block `b`'s three values. Running means re-read the
   * same blocks every slot of an hour; the last RING_BLOCKS blocks are kept.
   * Block values depend only on (seed, station, block), so the memo is safe
   * whichever context computed them.
   */
  private cachedBlock(b: number, ctx: AirContext): number {
    const i = ((b % RING_BLOCKS) + RING_BLOCKS) % RING_BLOCKS
    if (this.ringBlock[i] !== b) {
      this.block(b, 1, ctx, this.scratch)
      this.ring[i * 3] = this.scratch[0]!
      this.ring[i * 3 + 1] = this.scratch[1]!
      this.ring[i * 3 + 2] = this.scratch[2]!
      this.ringBlock[i] = b
    }
    return i * 3
  }

  private season(t: number): void {
    const day = this.calendar.dayIndex(t)
    if (day === this.seasonDay) return
    const doy = this.calendar.civil(day).dayOfYear
    this.pmSeason = 0.65 + 0.7 * drySeason(doy)
    this.o3Season = 0.7 + 0.6 * ozoneSeason(doy)
    this.seasonDay = day
  }
}
