import type { CatalogIndex } from '../../common/catalog-index'
import type { Rule } from '../../common/rule-schema'
import { readRuleFiles } from './rule-store'
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

/** Runs the rule over (ts, value) rows in event time; rows must be in time order. */
export function detect(index: CatalogIndex, rule: Rule, ts: readonly number[], values: readonly number[]): Raised[] {
  const { region, station } = seriesFor(index, rule)
  const engine = new RuleEngine(index, [{ ...rule, enabled: true }])
  const raised: Raised[] = []
  for (let i = 0; i < ts.length; i++) {
    for (const e of engine.sweep(ts[i]!)) if (e.kind === 'fire') raised.push({ row: i, ts: e.at, value: e.value, since: e.since, detail: e.detail })
    for (const e of engine.observe(rule.indicator, region, station, ts[i]!, values[i]!)) {
      if (e.kind === 'fire') raised.push({ row: i, ts: e.at, value: e.value, since: e.since, detail: e.detail })
    }
  }
  return raised
}
