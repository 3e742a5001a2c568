import type { CatalogIndex } from '../../common/catalog-index'
import type { Rule } from '../../common/rule-schema'
import { readRuleFiles } from './rule-files'
import { RuleEngine } from './rule-engine'

/**
 * A rule over a history, in event time: what `npm run detect` and the
 * `anomaly_nab` benchmark run. The same engine as the server's, fed one series
 * point by point (and swept at each point's time, so stale-data rules see the
 * gaps); every `fire` is one raised alert.
 */

/** The rule `npm run detect` runs when given none: the default baseline-deviation rule. */
export const DEFAULT_DETECT_RULE_ID = 'traffic-speed-baseline'

export interface Raised {
  /** Row of the series (0-based). */
  row: number
  ts: number
  value: number | null
  since: number
  detail: Record<string, unknown>
}

export function defaultDetectRule(index: CatalogIndex, rulesDir: string): Rule {
  const rule = readRuleFiles(rulesDir, index).find((e) => e.rule.id === DEFAULT_DETECT_RULE_ID)?.rule
  if (!rule) throw new Error(`no rule ${DEFAULT_DETECT_RULE_ID} in ${rulesDir}`)
  return rule
}

/** A series the rule's scope covers, to stand for the history: a station of its kind, or a region of its level. */
export function seriesFor(index: CatalogIndex, rule: Rule): { region: string; station: string } {
  const { stationKind, level, region } = rule.scope
  if (stationKind) {
    const station = index.stationsOfKind(stationKind).find((s) => region === undefined || index.tree.isWithin(s.region, region))
    if (!station) throw new Error(`rule ${rule.id}: no ${stationKind} station within its scope`)
    return { region: station.region, station: station.code }
  }
  const candidates = level === 'leaf' ? index.tree.leaves(region ?? index.tree.root.code) : level ? index.tree.atLevel(level, region) : [index.region(region!)!]
  const target = candidates.find((r) => r && index.tree.isLeaf(r.code))
  if (!target) throw new Error(`rule ${rule.id}: no region its scope covers reports values itself; detect runs rules over one reporting series`)
  return { region: target.code, station: '' }
}

/**
 * Runs the rule over (ts, value) rows in file order, in event time as the
 * live engine does: a row older than the newest one before it (a clock
 * stepping back, a late point, a batch sent again) is history, not news, and
 * the engine passes over it without judging it (see `lateRows`).
 */
export function detect(index: CatalogIndex, rule: Rule, ts: readonly number[], values: readonly number[]): Raised[] {
  const { region, station } = seriesFor(index, rule)
  const engine = new RuleEngine(index, [{ ...rule, enabled: true }])
  const raised: Raised[] = []
  let newest = -Infinity
  for (let i = 0; i < ts.length; i++) {
    // Silence is measured up to the newest time seen; a late row does not turn the clock back.
    if (ts[i]! > newest) {
      newest = ts[i]!
      for (const e of engine.sweep(newest)) if (e.kind === 'fire') raised.push({ row: i, ts: e.at, value: e.value, since: e.since, detail: e.detail })
    }
    for (const e of engine.observe(rule.indicator, region, station, ts[i]!, values[i]!)) {
      if (e.kind === 'fire') raised.push({ row: i, ts: e.at, value: e.value, since: e.since, detail: e.detail })
    }
  }
  return raised
}

export interface LateRows {
  /** Rows older than a row before them: the engine does not judge them. */
  count: number
  /** Rows at the same time as the newest row before them (a reading sent twice): not judged either. */
  duplicates: number
  /** The first such row (0-based), and how far it stepped back from the newest time before it, in ms. */
  first?: { row: number; backMs: number }
  /** The furthest any row stepped back, in ms. */
  maxBackMs: number
}

/** The rows `detect` passes over because they are older than a row before them. */
export function lateRows(ts: readonly number[]): LateRows {
  const out: LateRows = { count: 0, duplicates: 0, maxBackMs: 0 }
  let newest = -Infinity
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!
    if (t === newest) {
      out.duplicates++
      continue
    }
    if (t > newest) {
      newest = t
      continue
    }
    out.count++
    out.first ??= { row: i, backMs: newest - t }
    out.maxBackMs = Math.max(out.maxBackMs, newest - t)
  }
  return out
}
