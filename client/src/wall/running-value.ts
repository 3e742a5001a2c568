import { periodBounds, type RunningPeriod } from '../../../common/running-period'

/**
 * A running value (today so far, month or year to date) stands for the period
 * it was reported in. Just after midnight the last value is yesterday's total
 * until today's first report: shown as today's, it would say 960 incidents at
 * 00:08. Such a value is not today's; screens show none for today instead.
 *
 * Periods are local to the screen's zone, which is the deployment's (a wall
 * stands in the building it serves).
 */

const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone

/** The value when it belongs to the current period (or is not a running one); undefined when it is an earlier period's. */
export function inCurrentPeriod<T extends { ts: number }>(value: T | undefined, running: RunningPeriod | undefined, now: number, timeZone = zone()): T | undefined {
  if (value === undefined || running === undefined) return value
  return value.ts >= periodBounds(now, running, timeZone)[0] ? value : undefined
}
