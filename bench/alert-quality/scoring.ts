import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import type { Rule } from '../../common/rule-schema'
import { affects, type Incident, type SeriesRef } from './answer-key'

/**
 * Matching alerts to incidents, and the figures per rule. An alert is explained
 * by an incident when the incident touches the alert's series (its station or
 * region, a region aggregating it, an indicator derived from or weighted by the
 * one it hit) and the alert fired within [start, end + grace], grace being how
 * long after the incident the rule can still be deciding about it.
 */

/** One alert the engine raised: a `fire`, and its `resolve` if one came. */
export interface FiredAlert {
  ruleId: string
  series: SeriesRef
  firedAt: number
  resolvedAt: number | null
}

/** Baseline alerts may come as the local level catches up after the incident: about its memory in points. */
export const BASELINE_GRACE_POINTS = 16

/**
 * How long after an incident ends the rule may still fire because of it:
 * - the points the condition must hold for (`forPoints` × period) and `for`;
 * - a rate of change, or a baseline over a change, compares with a window back, so it sees a step for one window;
 * - a stale rule notices silence at its next sweep;
 * - a running mean (hourly AQI) carries the incident for one cadence;
 * - the baseline detector's local level settles within ~16 points.
 */
export function graceMs(rule: Rule, indicator: Indicator, periodMs: number, sweepMs: number): number {
  const c = rule.condition
  let grace = rule.for * 1000 + (rule.forPoints ?? 1) * periodMs
  if (c.kind === 'rateOfChange') grace += c.windowSeconds * 1000
  if (c.kind === 'stale') grace += sweepMs
  if (c.kind === 'baseline') grace += BASELINE_GRACE_POINTS * periodMs + (c.changeOverSeconds ?? 0) * 1000
  if (indicator.temporal === 'mean' && indicator.cadenceSeconds * 1000 > periodMs) grace += indicator.cadenceSeconds * 1000
  return grace
}

export function explains(index: CatalogIndex, incident: Incident, alert: FiredAlert, grace: number): boolean {
  return alert.firedAt >= incident.start && alert.firedAt <= incident.end + grace && affects(index, incident, alert.series)
}

export interface RuleFigures {
  incidents: number
  found: number
  /** Of `found`: incidents met while the rule's alert on the series was already firing (one alert per series at a time). */
  found_while_firing: number
  recall: number | null
  alerts: number
  /** Alerts no incident explains that report a natural event the simulators model (natural-events.ts): not false alarms. */
  natural: number
  false_alarms: number
  false_alarms_per_day: number
  precision: number | null
  median_ttd_s: number | null
}

export interface RuleInput {
  rule: Rule
  grace: number
  /** Incidents in the rule's remit (the recall's denominator). */
  remit: readonly Incident[]
  /** The rule's alerts fired in the scored span. */
  alerts: readonly FiredAlert[]
  /** Every alert of the rule, the warm-up's too: one still firing when an incident starts covers it. */
  earlier: readonly FiredAlert[]
  /** The natural event an unexplained alert reports, if any. */
  natural?: (alert: FiredAlert) => string | undefined
}

export interface Scored {
  figures: RuleFigures
  /** Seconds from each incident's start to its first explaining alert (not for those found while firing). */
  ttd: number[]
  /** The alerts explained by no incident nor natural event: the false alarms. */
  unexplained: FiredAlert[]
}

/**
 * One rule's figures. `candidates(alert)` gives the incidents that may explain
 * an alert (any kind, in anyone's remit or none): a pre-filter by place and
 * time, so a week of a province is not matched all against all.
 */
export function scoreRule(index: CatalogIndex, input: RuleInput, candidates: (alert: FiredAlert) => Iterable<Incident>, days: number): Scored {
  const firstFire = new Map<string, number>()
  const unexplained: FiredAlert[] = []
  let natural = 0
  for (const alert of input.alerts) {
    let explained = false
    for (const incident of candidates(alert)) {
      if (!explains(index, incident, alert, input.grace)) continue
      explained = true
      const prev = firstFire.get(incident.id)
      if (prev === undefined || alert.firedAt < prev) firstFire.set(incident.id, alert.firedAt)
    }
    if (explained) continue
    if (input.natural?.(alert) !== undefined) natural++
    else unexplained.push(alert)
  }
  const ttd: number[] = []
  let whileFiring = 0
  for (const incident of input.remit) {
    const at = firstFire.get(incident.id)
    if (at !== undefined) ttd.push((at - incident.start) / 1000)
    else if (input.earlier.some((a) => firingAt(a, incident.start) && affects(index, incident, a.series))) whileFiring++
  }
  const found = ttd.length + whileFiring
  const alerts = input.alerts.length
  const falseAlarms = unexplained.length
  return {
    figures: {
      incidents: input.remit.length,
      found,
      found_while_firing: whileFiring,
      recall: input.remit.length > 0 ? found / input.remit.length : null,
      alerts,
      natural,
      false_alarms: falseAlarms,
      false_alarms_per_day: falseAlarms / days,
      // Of the alerts that claim something planted, the share that is right.
      precision: alerts - natural > 0 ? (alerts - natural - falseAlarms) / (alerts - natural) : null,
      median_ttd_s: median(ttd),
    },
    ttd,
    unexplained,
  }
}

/** Whether an alert was up at `t`: fired before it and not yet resolved. */
export function firingAt(alert: FiredAlert, t: number): boolean {
  return alert.firedAt < t && (alert.resolvedAt === null || alert.resolvedAt >= t)
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
