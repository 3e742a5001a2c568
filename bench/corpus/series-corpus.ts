import { createRng, hashString } from '../../common/random'
import type { NabWindow } from '../nab-score'
import { dips, drift, dropout, levelShiftDown, levelShiftUp, spikes, stuck, trend } from './basic-shapes'
import { adRates, burstyCounts, seasonalTraffic, serverCpu, serverNetwork, temperature } from './domain-shapes'
import { gaps, outOfOrder } from './feed-shapes'
import { nabWindows } from './nab-windows'
import type { Shape, ShapeSeries } from './shape-series'

/**
 * The generated corpus the baseline rule is measured on beside NAB: many
 * kinds of series, several of each, every one a pure function of the corpus
 * seed, its shape and its number. Each comes with its labelled anomalies and
 * NAB-style windows (a tenth of the rows shared among the anomalies, centred
 * on each), so `bench/nab-score.ts` scores it exactly as it scores NAB.
 */

export const SHAPES = {
  spikes,
  dips,
  level_shift_up: levelShiftUp,
  level_shift_down: levelShiftDown,
  drift,
  trend,
  stuck,
  dropout,
  gaps,
  out_of_order: outOfOrder,
  seasonal_traffic: seasonalTraffic,
  bursty_counts: burstyCounts,
  server_cpu: serverCpu,
  server_network: serverNetwork,
  temperature,
  ad_rates: adRates,
} as const satisfies Record<string, Shape>
export type ShapeName = keyof typeof SHAPES

/** The seed the benchmark uses. Any other gives a different corpus of the same shapes. */
export const CORPUS_SEED = 13
/** Series of each shape: enough that one lucky or unlucky series does not decide a shape's score. */
export const SERIES_PER_SHAPE = 5

export interface CorpusSeries extends ShapeSeries {
  readonly shape: ShapeName
  /** `shape-k`, stable for a seed. */
  readonly name: string
  readonly windows: NabWindow[]
}

/** One series of a shape: a pure function of (seed, shape, k). */
export function corpusSeries(shape: ShapeName, k: number, seed = CORPUS_SEED): CorpusSeries {
  const rng = createRng(hashString(`${seed}|${shape}|${k}`))
  const s = SHAPES[shape](rng)
  return { ...s, shape, name: `${shape}-${k}`, windows: nabWindows(s.ts.length, s.anomalies) }
}

/** Every shape × `perShape` series. */
export function generateCorpus(seed = CORPUS_SEED, perShape = SERIES_PER_SHAPE): CorpusSeries[] {
  const out: CorpusSeries[] = []
  for (const shape of Object.keys(SHAPES) as ShapeName[]) for (let k = 0; k < perShape; k++) out.push(corpusSeries(shape, k, seed))
  return out
}
