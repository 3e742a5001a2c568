import type { Indicator } from '../../common/catalog-schema'
import { noiseKey, unitAt } from './seeded-noise'

/**
 * Series that are measured together — the speed, flow and occupancy of one
 * detector; the AQI and pollutants of one air station; a region’s business figures —
 * and so share a publication slot and one evaluation of the model.
 *
 * A group writes raw model values (before anomalies, clamping and rounding) into
 * `out`, one per indicator, in the order of `indicators`. `Ctx` is what the domain
 * prepares once per call (e.g. the pollution episodes in the window).
 */
export interface SeriesGroup<Ctx> {
  readonly region: string
  readonly station?: string
  readonly indicators: readonly Indicator[]
  readonly periodMs: number
  /** Slots are `offsetMs + k × periodMs`; 0 ≤ offsetMs < periodMs. */
  readonly offsetMs: number
  /** The finest history resolution at which these series mean something. */
  readonly minResolutionMs: number
  /** Values as of live slot `t`. */
  sample(t: number, ctx: Ctx, out: Float64Array): void
  /**
   * Values for the history interval [start, start + res): the mean over it for
   * `mean`-temporal indicators, the value at `start + res − 1 s` for the others.
   */
  aggregate(start: number, res: number, ctx: Ctx, out: Float64Array): void
  /** Recomputes derived series from the final (clamped, rounded) others, e.g. AQI from pollutants. */
  derive?(out: Float64Array): void
}

/** The fixed publication offset of one station or region for one period. */
export function slotOffset(seed: number, key: string, periodMs: number): number {
  return Math.floor(unitAt(noiseKey(seed, 'slot-offset', key), periodMs) * periodMs)
}

/** The first slot time ≥ t of a series with this period and offset. */
export function firstSlotAtOrAfter(t: number, periodMs: number, offsetMs: number): number {
  return offsetMs + Math.ceil((t - offsetMs) / periodMs) * periodMs
}

/** Looks indicators up by code, failing loudly: a simulator is useless without its catalog entries. */
export function requireIndicators(indicators: ReadonlyMap<string, Indicator>, codes: readonly string[]): Indicator[] {
  return codes.map((code) => {
    const i = indicators.get(code)
    if (!i) throw new Error(`the catalog has no indicator ${code}, which the simulators publish`)
    return i
  })
}
