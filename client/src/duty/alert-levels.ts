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
