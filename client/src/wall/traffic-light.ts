import type { Indicator } from '../../../common/catalog-schema'

/**
 * The red/amber/green light of a KPI: how the value stands against its
 * target, in the indicator's good direction.
 */
export type Light = 'green' | 'amber' | 'red' | 'unknown'

/**
 * How far short of the target, as a share of the target, still counts as amber
 * ("nearly there"): 10 %. An AQI of 105 against 100 is amber, 130 is red; a
 * start-up time of 1.08 days against 1 is amber.
 */
export const AMBER_BAND = 0.1

/**
 * - level targets compare the value with the target;
 * - yoyChange targets compare 1 + the year-on-year change with 1 + the target
 *   change (the scorecard's rule), so +0 % against a +5 % target is amber and
 *   −10 % is red; without a year-on-year change the light is unknown;
 * - indicators without a target or a direction have no light.
 */
export function lightOf(indicator: Pick<Indicator, 'better' | 'target'>, value: number | null | undefined, yoy: number | null | undefined): Light {
  const { target, better } = indicator
  if (target === null || better === 'neither') return 'unknown'
  let actual: number
  let wanted: number
  if (target.kind === 'level') {
    if (value === null || value === undefined || !Number.isFinite(value)) return 'unknown'
    actual = value
    wanted = target.value
  } else {
    if (yoy === null || yoy === undefined || !Number.isFinite(yoy)) return 'unknown'
    actual = 1 + yoy / 100
    wanted = 1 + target.percent / 100
  }
  if (wanted === 0) return better === 'higher' ? (actual >= 0 ? 'green' : 'red') : actual <= 0 ? 'green' : 'red'
  const gap = (better === 'higher' ? actual - wanted : wanted - actual) / Math.abs(wanted)
  if (gap >= 0) return 'green'
  return gap >= -AMBER_BAND ? 'amber' : 'red'
}
