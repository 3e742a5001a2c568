import path from 'node:path'
import type { EngineEvent } from '../server/alerting/rule-engine'
import { RuleEngine } from '../server/alerting/rule-engine'
import { readRuleFiles, RULES_DIR } from '../server/alerting/rule-files'
import { loadCatalog } from '../server/catalog/load-catalog'
import { loadConfig } from '../server/config'
import { LiveHub } from '../server/live/live-hub'
import { PeriodClock } from '../common/running-period'
import type { Rule } from '../common/rule-schema'
import { DAY_MS, HOUR_MS } from '../ingest/simulators'
import { affects, effectOn, incidentsFrom, type Incident, type SeriesRef } from './alert-quality/answer-key'
import { seriesKey, seriesTable, simulatorsFor, type SimulationSetup } from './alert-quality/point-chunks'
import { PointFeed } from './alert-quality/point-feed'
import { baselineLookbackMs, remitOf, watchedSeries, type RemitContext, type SeriesTrace } from './alert-quality/remit'
import { naturalCause, RushHours } from './alert-quality/natural-events'
import { firingAt, graceMs, median, scoreRule, type FiredAlert, type RuleFigures } from './alert-quality/scoring'
import { report, round } from './bench-env'

/**
 * `alert_quality`: the sample province's simulators, seeded as `npm start`
 * seeds them, run for DAYS of event time (after a warm-up) through the real
 * rule engine with every default rule, and the alerts held against the planted
 * incidents (bench/alert-quality/answer-key.ts). Per rule and for the province:
 * incidents in the rule's remit found (recall), alerts explained by no incident
 * (false alarms per day), precision and median time to detect.
 * Targets: recall ≥ 0.95, ≤ 5 false alarms a day province-wide, no rule's
 * precision below 0.8.
 *
 * Driven as the server drives the engine (server/onescreen-server.ts): every
 * point in event-time order through `observe` (what `observeBatch` does per
 * stored batch), region aggregates from the real live hub through
 * `observeAggregates`, and `sweep` for silence. To run a week in minutes the
 * live hub ticks every 10 s of event time (the server: every 1 s of wall time),
 * and is handed each series' latest value once a tick rather than every point
 * (it keeps only the latest anyway); only indicators that a rule judges as an
 * aggregate, weighs one or cross-checks go to it. Aggregates judged by rules
 * have `for` ≥ 60 s, windows ≥ 15 min, or minute-or-slower members, so a 10 s
 * tick changes what they see little. The sweep runs every 10 s of event time,
 * as the server's alert timer does in wall time.
 */

const DAYS = Number(process.env.BENCH_ALERT_QUALITY_DAYS ?? 7)
/** Before scoring: rate windows fill, stale checks learn each series, the baseline detectors see a day. */
const WARMUP_MS = Number(process.env.BENCH_ALERT_QUALITY_WARMUP_HOURS ?? 24) * HOUR_MS
/** A Monday, local midnight; in the dry season, when haze spells happen. */
const START = Date.parse(process.env.BENCH_ALERT_QUALITY_START ?? '2025-11-03T00:00:00+08:00')
/** Points generated per worker request: an hour of the province is ~1.1 M points, ~22 MB of columns. */
const CHUNK_MS = HOUR_MS
/** The server's alert timer sweeps every 10 s (wall time); here, every 10 s of event time. */
const SWEEP_MS = 10_000
/** The live hub ticks with the sweep (the server: every 1 s); see the note above. */
const HUB_TICK_MS = SWEEP_MS
const TARGET = { min_recall: 0.95, max_false_alarms_per_day: 5, min_rule_precision: 0.8 }
const DEBUG = process.env.BENCH_ALERT_QUALITY_DEBUG === '1'

interface SeriesMeta {
  indicator: string
  region: string
  station: string
  toHub: boolean
  /** Trace windows [from, to) of this raw series, merged and sorted; undefined when nobody needs its values. */
  windows?: number[]
  key: string
}

function engineKey(s: SeriesRef): string {
  return `${s.indicator}|${s.region}|${s.aggregate ? '~' : s.station}`
}

/** Windows per key, merged. */
class TraceWindows {
  private readonly raw = new Map<string, Array<[number, number]>>()
  add(key: string, from: number, to: number): void {
    const list = this.raw.get(key) ?? []
    list.push([from, to])
    this.raw.set(key, list)
  }
  merged(): Map<string, number[]> {
    const out = new Map<string, number[]>()
    for (const [key, list] of this.raw) {
      list.sort((a, b) => a[0] - b[0])
      const flat: number[] = []
      for (const [f, t] of list) {
        if (flat.length > 0 && f <= flat[flat.length - 1]!) flat[flat.length - 1] = Math.max(flat[flat.length - 1]!, t)
        else flat.push(f, t)
      }
      out.set(key, flat)
    }
    return out
  }
}

function inWindows(windows: number[] | undefined, ts: number): boolean {
  if (!windows) return false
  for (let i = 0; i < windows.length; i += 2) {
    if (ts < windows[i]!) return false
    if (ts < windows[i + 1]!) return true
  }
  return false
}

function record(traces: Map<string, SeriesTrace>, key: string, ts: number, value: number): void {
  let t = traces.get(key)
  if (!t) traces.set(key, (t = { ts: [], value: [] }))
  t.ts.push(ts)
  t.value.push(value)
}

async function main() {
  const config = loadConfig({})
  const setup: SimulationSetup = { catalogDir: config.catalogDir, seed: config.simulationSeed, utcOffsetMinutes: config.utcOffsetMinutes }
  const index = loadCatalog(config.catalogDir)
  const rules: Rule[] = readRuleFiles(path.join(config.catalogDir, RULES_DIR), index)
    .map((e) => e.rule)
    .filter((r) => r.enabled)
  const simulators = simulatorsFor(setup)
  const table = seriesTable(simulators)
  const tree = index.tree

  const scoreFrom = START
  const scoreTo = START + DAYS * DAY_MS
  const runFrom = scoreFrom - WARMUP_MS

  // Publication period per indicator (the same for every series of one); an aggregate changes at most every hub tick.
  const periodOf = new Map(table.map((s) => [s.indicator, s.publishEveryMs]))
  const periodMs = (s: SeriesRef) => Math.max(periodOf.get(s.indicator) ?? HUB_TICK_MS, s.aggregate ? HUB_TICK_MS : 0)
  const ruleGrace = new Map(rules.map((r) => [r.id, graceMs(r, index.indicator(r.indicator)!, periodOf.get(r.indicator) ?? HUB_TICK_MS, SWEEP_MS) + HUB_TICK_MS]))

  // --- the answer key, and which values the remit needs --------------------
  const incidents = incidentsFrom(simulators.flatMap((s) => s.anomalies(runFrom, scoreTo)))
  const scored = incidents.filter((i) => i.start >= scoreFrom && i.start < scoreTo)
  const watched = new Map(rules.map((r) => [r.id, watchedSeries(index, r)]))
  const pairs: Array<{ rule: Rule; incident: Incident; series: SeriesRef }> = []
  const windows = new TraceWindows()
  const crossWindows = new TraceWindows()
  for (const incident of scored) {
    for (const rule of rules) {
      const c = rule.condition
      if (!effectOn(index, incident, rule.indicator, true)) continue
      for (const series of watched.get(rule.id)!) {
        if (!affects(index, incident, series)) continue
        pairs.push({ rule, incident, series })
        if (c.kind === 'stale' || c.kind === 'flatline') continue
        const def = index.indicator(series.indicator)!
        const lookback = Math.max(c.kind === 'rateOfChange' ? c.windowSeconds * 1000 : 0, baselineLookbackMs(periodMs(series)) + (c.kind === 'baseline' ? (c.changeOverSeconds ?? 0) * 1000 : 0)) + 2 * periodMs(series) + HOUR_MS
        const after = (def.temporal === 'mean' ? def.cadenceSeconds * 1000 : 0) + 2 * periodMs(series)
        windows.add(engineKey(series), incident.start - lookback, incident.end + after)
        if (c.kind === 'crossCheck') for (const w of c.with) crossWindows.add(`${w.indicator}|${series.region}`, incident.start - lookback, incident.end + after)
      }
    }
  }
  const traceWindows = windows.merged()
  const crossTraceWindows = crossWindows.merged()

  // Indicators whose region aggregates some rule judges, with what weighs them and what cross-checks read.
  const toHub = new Set<string>()
  for (const rule of rules) {
    const judged = [rule.indicator, ...(rule.condition.kind === 'crossCheck' ? rule.condition.with.map((w) => w.indicator) : [])]
    if (rule.scope.stationKind !== undefined) continue
    for (const code of judged) {
      const def = index.indicator(code)!
      toHub.add(code)
      if (def.aggregation.rule === 'weightedMean') toHub.add(def.aggregation.weightBy)
    }
  }
  const meta: SeriesMeta[] = table.map((s) => {
    const station = s.station ?? ''
    const key = seriesKey(s.indicator, s.region, station)
    return { indicator: s.indicator, region: s.region, station, toHub: toHub.has(s.indicator), windows: traceWindows.get(key), key }
  })
  const crossKeyOf = meta.map((m) => (m.station === '' && crossTraceWindows.has(`${m.indicator}|${m.region}`) ? `${m.indicator}|${m.region}` : undefined))

  // --- the run ----------------------------------------------------------------
  const engine = new RuleEngine(index, rules, { timeZone: config.timeZone })
  const hub = new LiveHub(index)
  const traces = new Map<string, SeriesTrace>()
  const crossTraces = new Map<string, SeriesTrace>()
  const alerts: FiredAlert[] = []
  const open = new Map<string, FiredAlert>()
  const events: EngineEvent[] = []
  const handle = () => {
    for (const e of events) {
      const key = `${e.rule.id}|${e.indicator}|${e.region}|${e.station}`
      if (e.kind === 'fire') {
        const aggregate = e.station === '' && !(index.indicator(e.indicator)!.stationKind === undefined && tree.isLeaf(e.region))
        const alert: FiredAlert = { ruleId: e.rule.id, series: { indicator: e.indicator, region: e.region, station: e.station, aggregate }, firedAt: e.at, resolvedAt: null }
        alerts.push(alert)
        open.set(key, alert)
      } else {
        const alert = open.get(key)
        if (alert) alert.resolvedAt = e.at
        open.delete(key)
      }
    }
    events.length = 0
  }
  // The newest point per hub-bound series since the last tick.
  const hubTs = new Float64Array(meta.length)
  const hubValue = new Float64Array(meta.length)
  const hubDirty: number[] = []
  let stepEnd = runFrom + HUB_TICK_MS
  const closeStep = (t: number) => {
    for (const id of hubDirty) {
      const m = meta[id]!
      hub.update(m.indicator, m.region, m.station, hubValue[id]!, hubTs[id]!)
      hubTs[id] = 0
    }
    hubDirty.length = 0
    const { values } = hub.tick()
    for (const v of values) {
      if (v.station) continue
      const key = `${v.indicator}|${v.region}|~`
      if (inWindows(traceWindows.get(key), v.ts)) record(traces, key, v.ts, v.value)
      const cross = `${v.indicator}|${v.region}`
      if (inWindows(crossTraceWindows.get(cross), v.ts)) record(crossTraces, cross, v.ts, v.value)
    }
    engine.observeAggregates(values, events)
    if (t % SWEEP_MS === 0) engine.sweep(t, events)
  }

  const started = performance.now()
  let points = 0
  const feed = new PointFeed(setup, runFrom, scoreTo, CHUNK_MS)
  try {
    for (let chunk = await feed.take(); chunk; chunk = await feed.take()) {
      const { series, ts, value } = chunk
      for (let k = 0; k < series.length; k++) {
        const t = ts[k]!
        while (t > stepEnd) {
          closeStep(stepEnd)
          stepEnd += HUB_TICK_MS
        }
        const id = series[k]!
        const m = meta[id]!
        const v = value[k]!
        engine.observe(m.indicator, m.region, m.station, t, v, events)
        if (m.toHub) {
          if (hubTs[id] === 0) hubDirty.push(id)
          hubTs[id] = t
          hubValue[id] = v
        }
        if (m.windows && inWindows(m.windows, t)) record(traces, m.key, t, v)
        const cross = crossKeyOf[id]
        if (cross && inWindows(crossTraceWindows.get(cross), t)) record(crossTraces, cross, t, v)
      }
      points += series.length
      handle()
    }
    while (stepEnd <= scoreTo) {
      closeStep(stepEnd)
      stepEnd += HUB_TICK_MS
    }
    handle()
  } finally {
    await feed.close()
  }
  const runSeconds = (performance.now() - started) / 1000

  // --- scoring ----------------------------------------------------------------
  const remitCtx: RemitContext = {
    index,
    trace: (s) => traces.get(engineKey(s)),
    crossTrace: (indicator, region) => crossTraces.get(`${indicator}|${region}`),
    periodMs,
    sweepMs: SWEEP_MS,
    periods: new PeriodClock(config.timeZone),
  }
  const remit = new Map<string, Map<string, Incident>>(rules.map((r) => [r.id, new Map()]))
  const cutOff = new Map<string, number>()
  const why = new Map<string, Map<string, number>>()
  for (const { rule, incident, series } of pairs) {
    const verdict = remitOf(rule, incident, series, remitCtx)
    const tally = why.get(rule.id) ?? new Map<string, number>()
    tally.set(verdict.why, (tally.get(verdict.why) ?? 0) + 1)
    why.set(rule.id, tally)
    if (!verdict.inRemit) continue
    // An incident the run ends too soon after cannot be held against the rule.
    if (incident.end + ruleGrace.get(rule.id)! > scoreTo) {
      cutOff.set(rule.id, (cutOff.get(rule.id) ?? 0) + 1)
      continue
    }
    remit.get(rule.id)!.set(incident.id, incident)
  }

  // Candidates for explaining an alert: incidents touching its indicator (pre-filter; `explains` decides).
  const byIndicator = new Map<string, Incident[]>()
  for (const incident of incidents) {
    const targets = new Set<string>()
    for (const i of index.catalog.indicators) if (effectOn(index, incident, i.code, true)) targets.add(i.code)
    for (const code of targets) {
      const list = byIndicator.get(code) ?? []
      list.push(incident)
      byIndicator.set(code, list)
    }
  }
  const rush = new RushHours(config.utcOffsetMinutes)
  const ruleFigures: Record<string, RuleFigures> = {}
  const allTtd: number[] = []
  const unexplained: FiredAlert[] = []
  let totalIncidents = 0
  let totalFound = 0
  let totalWhileFiring = 0
  let totalAlerts = 0
  let totalNatural = 0
  for (const rule of rules) {
    const ruleAlerts = alerts.filter((a) => a.ruleId === rule.id)
    const scoredAlerts = ruleAlerts.filter((a) => a.firedAt >= scoreFrom && a.firedAt < scoreTo)
    const r = scoreRule(
      index,
      {
        rule,
        grace: ruleGrace.get(rule.id)!,
        remit: [...remit.get(rule.id)!.values()],
        alerts: scoredAlerts,
        earlier: ruleAlerts,
        natural: (a) => naturalCause(rule, a.firedAt, rush),
      },
      (alert) => byIndicator.get(alert.series.indicator) ?? [],
      DAYS,
    )
    ruleFigures[rule.id] = roundFigures(r.figures)
    allTtd.push(...r.ttd)
    unexplained.push(...r.unexplained)
    totalIncidents += r.figures.incidents
    totalFound += r.figures.found
    totalWhileFiring += r.figures.found_while_firing
    totalAlerts += r.figures.alerts
    totalNatural += r.figures.natural
  }
  const owned = new Set([...remit.values()].flatMap((m) => [...m.keys()]))
  const unowned: Record<string, number> = {}
  for (const incident of scored) {
    if (owned.has(incident.id)) continue
    const label = `${incident.kind} ${incident.effects.map((e) => e.indicator).join('+')}`
    unowned[label] = (unowned[label] ?? 0) + 1
  }

  const falseAlarms = unexplained.length
  const totals = roundFigures({
    incidents: totalIncidents,
    found: totalFound,
    found_while_firing: totalWhileFiring,
    recall: totalIncidents > 0 ? totalFound / totalIncidents : null,
    alerts: totalAlerts,
    natural: totalNatural,
    false_alarms: falseAlarms,
    false_alarms_per_day: falseAlarms / DAYS,
    precision: totalAlerts - totalNatural > 0 ? (totalAlerts - totalNatural - falseAlarms) / (totalAlerts - totalNatural) : null,
    median_ttd_s: median(allTtd),
  })
  const worstPrecision = Math.min(...Object.values(ruleFigures).map((f) => f.precision ?? 1))
  const met =
    (totals.recall ?? 1) >= TARGET.min_recall && totals.false_alarms_per_day <= TARGET.max_false_alarms_per_day && worstPrecision >= TARGET.min_rule_precision

  if (DEBUG) {
    for (const [id, tally] of why) console.error(JSON.stringify({ rule: id, remit_verdicts: Object.fromEntries(tally), cut_off: cutOff.get(id) ?? 0 }))
    const byRule = new Map<string, FiredAlert[]>()
    for (const a of unexplained) byRule.set(a.ruleId, [...(byRule.get(a.ruleId) ?? []), a])
    const localHour = (t: number) => Math.floor((((t + config.utcOffsetMinutes * 60_000) % DAY_MS) + DAY_MS) % DAY_MS / HOUR_MS)
    for (const [id, list] of byRule) {
      const hours: Record<number, number> = {}
      for (const a of list) hours[localHour(a.firedAt)] = (hours[localHour(a.firedAt)] ?? 0) + 1
      const samples = list.slice(0, 5).map((a) => ({ ...a.series, firedAt: new Date(a.firedAt).toISOString(), resolvedAt: a.resolvedAt && new Date(a.resolvedAt).toISOString() }))
      console.error(JSON.stringify({ unexplained: id, count: list.length, by_local_hour: hours, samples }))
    }
    for (const rule of rules)
      for (const incident of remit.get(rule.id)!.values())
        if (!alerts.some((a) => a.ruleId === rule.id && (firingAt(a, incident.start) || (a.firedAt >= incident.start && a.firedAt <= incident.end + ruleGrace.get(rule.id)!)) && affects(index, incident, a.series)))
          console.error(JSON.stringify({ missed: rule.id, incident: incident.id, start: new Date(incident.start).toISOString(), minutes: (incident.end - incident.start) / 60000, effects: incident.effects }))
  }

  report({
    name: 'alert_quality',
    days: DAYS,
    seed: setup.seed,
    start: new Date(scoreFrom).toISOString(),
    warmup_h: WARMUP_MS / HOUR_MS,
    totals,
    rules: ruleFigures,
    unowned_incidents: { total: Object.values(unowned).reduce((a, b) => a + b, 0), by_kind: unowned },
    target: TARGET,
    met,
    points,
    run_s: round(runSeconds, 1),
    speedup: round(((scoreTo - runFrom) / 1000) / runSeconds, 0),
  })
}

function roundFigures(f: RuleFigures): RuleFigures {
  const r = (x: number | null, d: number) => (x === null ? null : round(x, d))
  return { ...f, recall: r(f.recall, 3), false_alarms_per_day: round(f.false_alarms_per_day, 2), precision: r(f.precision, 3), median_ttd_s: r(f.median_ttd_s, 0) }
}

await main()
