import type { Domain } from '../../common/catalog-schema'

/**
 * The contract every domain simulator keeps. Values are pure functions of
 * (seed, series, time): `live()` and `history()` come from one model, so a
 * back-fill followed by live ticks shows no seam, and a run can be reproduced
 * from its seed.
 */

/** One simulated measurement. `ts` is true epoch milliseconds, never compressed. */
export interface SimPoint {
  ts: number
  indicator: string
  region: string
  station?: string
  value: number
}

/** One series a simulator publishes live, and how often. */
export interface SeriesSpec {
  indicator: string
  region: string
  station?: string
  publishEveryMs: number
  /** The finest history resolution (one of HISTORY_RESOLUTIONS) at which the series means something. */
  historyResolutionMs: number
}

export const ANOMALY_KINDS = ['spike', 'levelShift', 'stuck', 'dropout', 'episode'] as const
export type AnomalyKind = (typeof ANOMALY_KINDS)[number]

/**
 * A deviation the simulator applies on purpose, so alert rules have something to
 * catch. Meaning of `magnitude` by kind:
 * - `spike`, `levelShift`: the amount added to the value, in the indicator's unit;
 * - `stuck`: the value the series repeats;
 * - `dropout`: 0 (the series publishes nothing in [start, end));
 * - `episode`: an event the domain model applies itself, over a region (its
 *   stations and the regions within it feel it): for a pollution episode over
 *   a city, the peak amount added to `indicator` in its unit; for a traffic
 *   slowdown over a city, the change of speed in percent at full strength
 *   (−40: 40 % slower), on every indicator it moves; for an incident pile-up
 *   in a region, the incidents added (traffic-disruptions.ts).
 * Where several overlap on one series, a dropout hides everything, a stuck value
 * hides spikes and level shifts.
 */
export interface ScheduledAnomaly {
  kind: AnomalyKind
  indicator: string
  region: string
  station?: string
  start: number
  end: number
  magnitude: number
}

export interface Simulator {
  readonly domain: Domain
  /** Every series this simulator publishes live, with how often. */
  series(): readonly SeriesSpec[]
  /**
   * Live points whose publication slot falls in (from, to], sorted by `ts`. A
   * slot is `offset + k × publishEveryMs`, the offset fixed per station or region
   * so that series do not all fire on the same millisecond.
   */
  live(from: number, to: number): SimPoint[]
  /**
   * One point per series per whole interval of `resolutionMs` inside [from, to)
   * (intervals aligned to local time, so a day is a local day). Series too slow to
   * mean anything at that resolution are left out. `mean`-temporal indicators are
   * stamped at the interval start and carry the mean over the interval; `last`
   * ones are stamped 1 s before the interval end and carry the value then.
   * Points are grouped by series, not sorted by time.
   */
  history(from: number, to: number, resolutionMs: number): SimPoint[]
  /** The anomalies overlapping [from, to), exactly as applied to live and history. */
  anomalies(from: number, to: number): ScheduledAnomaly[]
}

export interface SimulatorOptions {
  seed: number
  /** Local time is what drives daily cycles and "today so far" resets; 480 for China. */
  utcOffsetMinutes: number
}

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000

/** The resolutions the storage rollups keep, and so the only ones history serves. */
export const HISTORY_RESOLUTIONS = [MINUTE_MS, HOUR_MS, DAY_MS] as const

/** `last`-temporal history points are stamped this long before the interval end. */
export const LAST_STAMP_BEFORE_END_MS = 1000
