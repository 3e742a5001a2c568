import type { SpatialAggregation } from './catalog-schema'

/**
 * Combines the values of several series (stations, counties) into one value for
 * the region above them, by the indicator's own rule. The one implementation
 * used by the live hub and by snapshot queries, so the wall and the API agree.
 */

export interface SeriesValue {
  value: number
  /** Event time of the value, epoch ms (decides `last`). */
  ts: number
  /** For `weightedMean`: the weight series' value on the same region or station. */
  weight?: number
}

/** The aggregate, or null when there is nothing to aggregate. */
export function aggregateSpatially(rule: SpatialAggregation['rule'], values: readonly SeriesValue[]): number | null {
  if (values.length === 0) return null
  switch (rule) {
    case 'sum':
      return values.reduce((s, v) => s + v.value, 0)
    case 'mean':
      return values.reduce((s, v) => s + v.value, 0) / values.length
    case 'max':
      return values.reduce((m, v) => Math.max(m, v.value), -Infinity)
    case 'last':
      return values.reduce((best, v) => (v.ts > best.ts ? v : best)).value
    case 'weightedMean': {
      let sw = 0
      let swv = 0
      for (const v of values) {
        if (v.weight !== undefined && v.weight > 0) {
          sw += v.weight
          swv += v.weight * v.value
        }
      }
      // Without any weight (the weighting feed is missing) a plain mean is the
      // honest fallback: every series counts the same.
      return sw > 0 ? swv / sw : aggregateSpatially('mean', values)
    }
  }
}
