import type { Alert } from '../../../common/alert-state'
import type { Rule } from '../../../common/rule-schema'

/**
 * What an alert's value was held against, to draw on its chart: the rule's
 * threshold and recover level, or the baseline's expected value and band at
 * the moment it fired (from the raised event's `detail`).
 */
export interface AlertLevels {
  threshold?: number
  /** Drawn only when it differs from the threshold (hysteresis). */
  recover?: number
  expected?: number
  band?: [number, number]
}

function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function alertLevels(alert: Pick<Alert, 'detail'>, rule: Rule | null): AlertLevels {
  const d = alert.detail
  const c = rule?.condition
  const threshold = finite(d.threshold) ?? (c && (c.kind === 'threshold' || c.kind === 'crossCheck') ? c.value : undefined)
  const recover = finite(d.recover) ?? (c?.kind === 'threshold' ? c.recover : undefined)
  const band = Array.isArray(d.band) && d.band.length === 2 ? d.band.map(finite) : undefined
  const out: AlertLevels = {}
  if (threshold !== undefined) out.threshold = threshold
  if (recover !== undefined && recover !== threshold) out.recover = recover
  const expected = finite(d.expected)
  if (expected !== undefined) out.expected = expected
  if (band && band[0] !== undefined && band[1] !== undefined) out.band = [Math.min(band[0], band[1]), Math.max(band[0], band[1])]
  return out
}

/** Every level, to stretch the value axis so the lines are on the chart even when the series stays far from them. */
export function levelValues(l: AlertLevels): number[] {
  return [l.threshold, l.recover, l.expected, ...(l.band ?? [])].filter((v): v is number => v !== undefined)
}

/** Where a horizontal markLine's label sits (ECharts' names): at which end of the line, and above or below it. */
export type LevelLabelPosition = 'insideEndTop' | 'insideEndBottom' | 'insideStartTop' | 'insideStartBottom'

/**
 * Where the labels of the threshold, the recover line and the expected value
 * go. The threshold and the recover line are often close (200 and 180): their
 * labels go at opposite ends of the chart, each on the side of its line away
 * from the other line, so they cannot cover each other however close the
 * lines are. The expected value (a baseline rule) has no threshold beside it;
 * its band's label is at the band's top left, so it goes at the right end.
 */
export function levelLabelPositions(l: Pick<AlertLevels, 'threshold' | 'recover'>): { threshold: LevelLabelPosition; recover: LevelLabelPosition; expected: LevelLabelPosition } {
  // A rule firing above (recover ≤ threshold) or below (recover ≥ threshold) the threshold.
  const above = l.threshold === undefined || l.recover === undefined || l.threshold >= l.recover
  return {
    threshold: above ? 'insideEndTop' : 'insideEndBottom',
    recover: above ? 'insideStartBottom' : 'insideStartTop',
    expected: 'insideEndTop',
  }
}
