import type { Rule } from '../../common/rule-schema'
import { LocalCalendar } from '../../ingest/simulators/local-calendar'
import { DAY_MS, MINUTE_MS } from '../../ingest/simulators'
import { DemandProfile } from '../../ingest/simulators/traffic-model'

/**
 * Events the simulators model on purpose that are no fault and so have no
 * schedule entry: a working day's rush hours, when traffic demand peaks and
 * the busiest districts' congestion index really passes 2 ("severe"), and bus
 * punctuality falls with it. A rule over those figures that fires then reports
 * something true about the modelled world; it is counted apart as `natural`,
 * neither explained by an incident nor a false alarm.
 *
 * Deliberately narrow: only rules judging those indicators by their value
 * (threshold, rate of change), only in rush hours. Rules that claim a fault or
 * an anomaly (stale, flatline, baseline) get no such excuse, and neither does
 * anything else a rule fires on in the everyday state of a series — that is a
 * false alarm, or a mis-set rule.
 */

/** Indicators the traffic model computes from demand. */
export const RUSH_HOUR_INDICATORS: readonly string[] = ['traffic.congestion_index', 'traffic.bus_punctuality']
/** A minute is in the rush when the morning or evening peak is at least this share of its height (±1.67 σ: about 06:40–09:20 and 16:15–19:45). */
export const RUSH_SHARE = 0.25

export class RushHours {
  private readonly profile = new DemandProfile()
  private readonly calendar: LocalCalendar
  private readonly morningPeak: number
  private readonly eveningPeak: number

  constructor(utcOffsetMinutes: number) {
    this.calendar = new LocalCalendar(utcOffsetMinutes)
    this.morningPeak = Math.max(...this.profile.morning)
    this.eveningPeak = Math.max(...this.profile.evening)
  }

  /** Whether t falls in a working day's rush hour, as the traffic model has it. */
  at(t: number): boolean {
    if (this.calendar.isRestDay(this.calendar.dayIndex(t))) return false
    const minute = Math.floor((((t + this.calendar.offsetMs) % DAY_MS) + DAY_MS) % DAY_MS / MINUTE_MS)
    return this.profile.morning[minute]! >= RUSH_SHARE * this.morningPeak || this.profile.evening[minute]! >= RUSH_SHARE * this.eveningPeak
  }
}

/** The natural event an alert no incident explains reports, if any. */
export function naturalCause(rule: Rule, firedAt: number, rush: RushHours): string | undefined {
  if (!RUSH_HOUR_INDICATORS.includes(rule.indicator)) return undefined
  if (rule.condition.kind !== 'threshold' && rule.condition.kind !== 'rateOfChange') return undefined
  return rush.at(firedAt) ? 'rush hour' : undefined
}
