import { randomUUID } from 'node:crypto'
import type { CatalogIndex } from '../../common/catalog-index'
import {
  applyEvent,
  compareAlerts,
  emptyBook,
  SEVERITY_ORDER,
  silenceActive,
  silenceMatches,
  type Alert,
  type AlertBook,
  type AlertState,
  type Silence,
  type SilenceMatchers,
} from '../../common/alert-state'
import { parseAlertEvent, type AlertEvent, type AlertEventData, type AlertEventType } from '../../common/alert-events'
import type { AlertEnvelope } from '../../common/live-contract'
import { DEFAULT_FLOOD_LIMIT, DEFAULT_GROUPING, SEVERITIES, type Rule, type Severity } from '../../common/rule-schema'
import type { Logger } from '../logger'
import type { AlertLog } from './alert-feed'
import type { EngineEvent, RuleEngine } from './rule-engine'
import { StormControl, type Placement } from './storm-control'

/**
 * The duty officer's workflow over the alert log. The engine says when a
 * condition fires or clears; this service turns that into alerts — one per
 * rule, region and station at a time — and every human action into an event.
 * Every event is appended to the log (durably, numbered) before anything else
 * happens; current alerts and silences are only ever what the log says
 * (`applyEvent`), so a restart rebuilds exactly the same state.
 */

export class AlertError extends Error {
  override readonly name = 'AlertError'
  constructor(
    readonly code: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message)
  }
}

export interface AlertFilter {
  state?: AlertState[]
  severity?: Severity[]
  domain?: string
  region?: string
  indicator?: string
  limit?: number
}

/** How far back finished alerts are kept in memory after a restart (older ones are in the log). */
const RECENT_MS = 7 * 86_400_000

export class AlertService {
  private readonly book: AlertBook = emptyBook()
  /** Open alert per dedupe key (rule|region|station), decided synchronously so two fires never raise two alerts. */
  private readonly openByKey = new Map<string, string>()
  private rules = new Map<string, Rule>()
  private readonly storms: StormControl
  /** Where each open alert this service decided on is, known before its raise reaches the log (a fold or a group's resolve may follow it at once). */
  private readonly places = new Map<string, Place>()

  constructor(
    private readonly deps: {
      feed: AlertLog
      engine: RuleEngine
      index: CatalogIndex
      now: () => number
      log: Logger
      /** The series' value now (the live hub's), logged with every action: what the officer saw. */
      currentValue?: (indicator: string, region: string, station: string) => number | null
    },
  ) {
    deps.feed.subscribe((envelope) => applyEvent(this.book, envelope))
    this.storms = new StormControl(deps.index.tree, () => `al-${randomUUID()}`)
  }

  setRules(rules: readonly Rule[]): void {
    this.rules = new Map(rules.map((r) => [r.id, r]))
    this.deps.engine.setRules(rules)
  }

  /** Rebuilds alerts and silences from the log, and tells the engine which alerts are firing. */
  async load(): Promise<void> {
    for (const envelope of await this.deps.feed.eventsForRebuild(this.deps.now() - RECENT_MS)) applyEvent(this.book, envelope)
    const open: Alert[] = []
    for (const a of this.book.alerts.values()) {
      if (a.state === 'resolved') continue
      open.push(a)
      this.places.set(a.id, { indicator: a.indicator, region: a.region, station: a.station })
      if (a.group !== null) continue
      this.openByKey.set(dedupeKey(a.ruleId, a.region, a.station), a.id)
      this.deps.engine.markFiring(a.ruleId, a.indicator, a.region, a.station, a.since)
    }
    const hourAgo = this.deps.now() - 3_600_000
    this.storms.rebuild(open, [...this.book.alerts.values()].filter((a) => a.raisedAt >= hourAgo), this.rules)
  }

  /** Acts on what the engine decided. Appends are queued in order; the promise settles when all are stored. */
  handle(events: readonly EngineEvent[]): Promise<unknown> {
    const writes: Array<Promise<unknown>> = []
    for (const e of events) {
      const key = dedupeKey(e.rule.id, e.region, e.station)
      if (e.kind === 'fire') {
        if (this.openByKey.has(key)) continue
        const id = `al-${randomUUID()}`
        this.openByKey.set(key, id)
        const placement = this.storms.place(e.rule, e.region, e.at, id)
        writes.push(
          this.raisePlaced(id, e, placement).catch((err: unknown) => {
            // Not in the log, so not raised: the engine fires it again on the next point that still qualifies.
            if (this.openByKey.get(key) === id && !this.book.alerts.has(id)) {
              this.openByKey.delete(key)
              this.places.delete(id)
              const emptied = this.storms.unplace(id)
              if (emptied && this.book.alerts.has(emptied)) void this.resolveGroup(emptied, 'system', { auto: true }).catch((e: unknown) => this.deps.log.error({ err: e, group: emptied }, 'a group left without members could not be resolved; it stays open until resolved by hand'))
              this.deps.engine.markUnfired(e.rule.id, e.indicator, e.region, e.station, e.since)
            }
            throw err
          }),
        )
      } else {
        const id = this.openByKey.get(key)
        if (!id) continue
        this.openByKey.delete(key)
        // The place comes with the event: the raise may still be on its way to the log (appends keep their order).
        writes.push(
          this.append(id, 'resolved', 'system', { value: e.value, auto: true, clearSince: e.since }, e.at, e).catch((err: unknown) => {
            // Not in the log, so still open: the engine resolves it again once the condition is seen clear.
            const a = this.book.alerts.get(id)
            if (a && a.state !== 'resolved' && !this.openByKey.has(key)) {
              this.openByKey.set(key, id)
              this.deps.engine.markFiring(e.rule.id, e.indicator, e.region, e.station, a.since)
            }
            throw err
          }),
        )
        // A group resolves with its last member, after it (appends keep their order).
        const emptied = this.storms.cleared(id)
        this.places.delete(id)
        if (emptied) writes.push(this.resolveGroup(emptied, 'system', { auto: true, clearSince: e.since }, e.at))
      }
    }
    const all = Promise.all(writes)
    all.catch((err: unknown) => this.deps.log.error({ err }, 'an alert event could not be stored'))
    return all
  }

  list(filter: AlertFilter = {}): Alert[] {
    const tree = this.deps.index.tree
    const out = [...this.book.alerts.values()].filter(
      (a) =>
        (!filter.state || filter.state.includes(a.state)) &&
        (!filter.severity || filter.severity.includes(a.severity)) &&
        (!filter.indicator || a.indicator === filter.indicator) &&
        (!filter.domain || this.deps.index.indicator(a.indicator)?.domain === filter.domain) &&
        (!filter.region || tree.isWithin(a.region, filter.region)),
    )
    // The screens' order: open first, most severe first, newest first.
    out.sort(compareAlerts)
    return out.slice(0, filter.limit ?? 500)
  }

  /** When each rule last raised an alert within `region`'s subtree (epoch ms), among the alerts held. */
  lastRaisedByRule(region: string): Map<string, number> {
    const tree = this.deps.index.tree
    const out = new Map<string, number>()
    for (const a of this.book.alerts.values()) if (tree.isWithin(a.region, region) && a.raisedAt > (out.get(a.ruleId) ?? -Infinity)) out.set(a.ruleId, a.raisedAt)
    return out
  }

  /** Alerts not resolved (firing or acknowledged). */
  openCount(): number {
    let n = 0
    for (const a of this.book.alerts.values()) if (a.state !== 'resolved') n++
    return n
  }

  get(id: string): Alert | undefined {
    return this.book.alerts.get(id)
  }

  history(id: string): Promise<AlertEnvelope[]> {
    return this.deps.feed.eventsOf(id)
  }

  silences(includeEnded = false): Silence[] {
    const now = this.deps.now()
    return [...this.book.silences.values()].filter((s) => includeEnded || (s.endedAt === null && now < s.endsAt)).sort((a, b) => b.createdAt - a.createdAt)
  }

  /**
   * The open alerts a silence with these matchers would cover if it were
   * created now: the same test `applySilences` makes (`silenceMatches`), so
   * a preview never promises what the silence would not do. Alerts another
   * silence already covers are included (their `silencedBy` says which).
   */
  covered(matchers: SilenceMatchers): Alert[] {
    const now = this.deps.now()
    // silenceMatches reads only the matchers; the rest is a silence that never was.
    const probe: Silence = { id: '', matchers, startsAt: now, endsAt: now, createdBy: '', reason: '', createdAt: now, endedAt: null, endedReason: null, silenced: [] }
    const isWithin = (r: string, a: string) => this.deps.index.tree.isWithin(r, a)
    return [...this.book.alerts.values()].filter((a) => a.state !== 'resolved' && silenceMatches(probe, a, isWithin)).sort(compareAlerts)
  }

  async acknowledge(id: string, actor: string, comment?: string): Promise<Alert> {
    const a = this.open(id, 'acknowledge')
    if (a.state === 'acknowledged') throw new AlertError('conflict', `alert ${id} is already acknowledged by ${a.acknowledgedBy}`)
    await this.append(id, 'acknowledged', actor, comment ? { comment } : {})
    return this.get(id)!
  }

  async assign(id: string, actor: string, assignee: string): Promise<Alert> {
    this.open(id, 'assign')
    await this.append(id, 'assigned', actor, { assignee })
    return this.get(id)!
  }

  async comment(id: string, actor: string, text: string): Promise<Alert> {
    if (!this.get(id)) throw new AlertError('not_found', `no alert ${id}`)
    await this.append(id, 'commented', actor, { text })
    return this.get(id)!
  }

  /** Resolves an alert by hand; a group resolves with its open members, and a member's group with its last member. */
  async resolve(id: string, actor: string, comment?: string): Promise<Alert> {
    const a = this.open(id, 'resolve')
    const data = { auto: false, ...(comment ? { comment } : {}) }
    const writes: Array<Promise<void>> = []
    if (a.group !== null) {
      for (const m of this.storms.groupResolved(id)) {
        const member = this.get(m)
        if (member) this.openByKey.delete(dedupeKey(member.ruleId, member.region, member.station))
        writes.push(this.append(m, 'resolved', actor, data, undefined, this.places.get(m)))
        this.places.delete(m)
      }
      writes.push(this.resolveGroup(id, actor, data))
    } else {
      this.openByKey.delete(dedupeKey(a.ruleId, a.region, a.station))
      writes.push(this.append(id, 'resolved', actor, data))
      const emptied = this.storms.cleared(id)
      this.places.delete(id)
      if (emptied) writes.push(this.resolveGroup(emptied, 'system', { auto: true }))
    }
    await Promise.all(writes)
    return this.get(id)!
  }

  async createSilence(input: { matchers: SilenceMatchers; startsAt?: number; endsAt: number; reason: string }, actor: string): Promise<Silence> {
    const now = this.deps.now()
    const id = `si-${randomUUID()}`
    const startsAt = input.startsAt ?? now
    const region = input.matchers.region ?? this.deps.index.tree.root.code
    await this.deps.feed.append(this.event(id, 'silence-created', actor, { matchers: input.matchers, startsAt, endsAt: input.endsAt, reason: input.reason }, now, { region, indicator: input.matchers.indicator ?? '', station: input.matchers.station ?? '' }))
    await this.applySilences(now)
    return this.book.silences.get(id)!
  }

  async endSilence(id: string, actor: string): Promise<Silence> {
    const s = this.book.silences.get(id)
    if (!s) throw new AlertError('not_found', `no silence ${id}`)
    if (s.endedAt !== null) throw new AlertError('conflict', `silence ${id} has already ended`)
    await this.endSilenceEvent(s, actor, `ended by ${actor}`)
    return this.book.silences.get(id)!
  }

  /**
   * The timer's work: escalates firing alerts nobody acknowledged in time,
   * lets silences expire, and silences what active silences cover.
   */
  async tick(now: number): Promise<void> {
    for (const a of this.book.alerts.values()) {
      // A member is escalated through its group.
      if (a.state !== 'firing' || a.groupId !== null) continue
      const rule = this.rules.get(a.ruleId)
      if (!rule?.escalateAfter || a.severity === 'critical') continue
      const from = a.lastEscalatedAt ?? a.raisedAt
      if (now - from < rule.escalateAfter * 1000) continue
      const to = SEVERITIES[SEVERITY_ORDER[a.severity] + 1]!
      await this.append(a.id, 'escalated', 'system', { from: a.severity, to, unacknowledgedForMs: now - a.raisedAt }, now)
    }
    for (const s of this.book.silences.values()) {
      if (s.endedAt === null && now >= s.endsAt) await this.endSilenceEvent(s, 'system', 'expired', now)
    }
    // A group whose last member cleared while the server was down.
    for (const g of this.storms.emptyGroups()) {
      this.storms.groupResolved(g)
      if (this.get(g)?.state !== 'resolved') await this.resolveGroup(g, 'system', { auto: true }, now)
    }
    await this.applySilences(now)
  }

  /**
   * Raises a fired series' alert where storm control placed it. Every event
   * is handed to the log before the first is awaited, so they keep their
   * order with the events of the rest of the batch.
   */
  private async raisePlaced(id: string, e: EngineEvent, placement: Placement): Promise<void> {
    const place: Place = { indicator: e.indicator, region: e.region, station: e.station }
    this.places.set(id, place)
    const raised = { ruleId: e.rule.id, severity: e.rule.severity, value: e.value, since: e.since, detail: e.detail, message: this.message(e) }
    const writes: Array<Promise<void>> = []
    if (placement.kind === 'single') {
      writes.push(this.append(id, 'raised', 'system', raised, e.at, place))
    } else {
      const { groupId } = placement
      if (placement.kind === 'form' || (placement.kind === 'flood' && placement.create)) {
        const reason = placement.kind === 'form' ? 'storm' : 'flood'
        const groupPlace: Place = { indicator: e.rule.indicator, region: placement.region, station: '' }
        this.places.set(groupId, groupPlace)
        writes.push(
          this.append(
            groupId,
            'raised',
            'system',
            { ruleId: e.rule.id, severity: e.rule.severity, value: null, since: e.since, detail: this.groupDetail(e.rule, reason), message: this.groupMessage(e.rule, placement.region, reason), group: { reason } },
            e.at,
            groupPlace,
          ),
        )
      }
      if (placement.kind === 'form') {
        for (const folded of placement.fold) writes.push(this.append(folded, 'grouped', 'system', { groupId, value: null }, e.at, this.places.get(folded)))
      }
      writes.push(this.append(id, 'raised', 'system', { ...raised, groupId }, e.at, place))
      if (placement.kind === 'flood') writes.push(this.append(groupId, 'suppressed', 'system', { count: placement.count, memberId: id, value: e.value }, e.at, this.places.get(groupId)))
    }
    await Promise.all(writes)
    await this.applySilences(this.deps.now())
  }

  /** A group resolves: by its last member clearing (`system`), or by hand with its open members. */
  private async resolveGroup(groupId: string, actor: string, data: AlertEventData<'resolved'>, at = this.deps.now()): Promise<void> {
    const place = this.places.get(groupId)
    this.places.delete(groupId)
    await this.append(groupId, 'resolved', actor, { ...data, value: null }, at, place)
  }

  private groupDetail(rule: Rule, reason: 'storm' | 'flood'): Record<string, number | string> {
    if (reason === 'flood') return { floodLimit: rule.floodLimit ?? DEFAULT_FLOOD_LIMIT }
    const g = { ...DEFAULT_GROUPING, ...(rule.group || {}) }
    return { groupBy: g.by, groupMin: g.min, groupWindowSeconds: g.windowSeconds }
  }

  /** A group's message names the rule and where; the screens add how many members it holds now. */
  private groupMessage(rule: Rule, region: string, reason: 'storm' | 'flood'): { zh: string; en: string } {
    const r = this.deps.index.region(region)
    if (reason === 'flood') {
      const limit = rule.floodLimit ?? DEFAULT_FLOOD_LIMIT
      return {
        zh: `${rule.name.zh}：一小时内已单独告警 ${limit} 条，其余告警合并在此`,
        en: `${rule.name.en}: ${limit} alerts raised on their own within the hour; further ones are gathered here`,
      }
    }
    return { zh: `${r?.name.zh ?? region}多处${rule.name.zh}（成组告警）`, en: `${rule.name.en} at several places in ${r?.name.en ?? region} (grouped)` }
  }

  /** Silences every open alert that an active silence covers and that is not silenced yet. */
  private async applySilences(now: number): Promise<void> {
    const isWithin = (r: string, a: string) => this.deps.index.tree.isWithin(r, a)
    for (const s of this.book.silences.values()) {
      if (!silenceActive(s, now)) continue
      for (const a of this.book.alerts.values()) {
        if (a.state === 'resolved' || a.silencedBy !== null || !silenceMatches(s, a, isWithin)) continue
        await this.append(a.id, 'silenced', s.createdBy, { silenceId: s.id, until: s.endsAt }, now)
      }
    }
  }

  /** A silence ends early once everything it silenced has resolved. */
  private async endSilencesOf(a: Alert): Promise<void> {
    for (const s of this.book.silences.values()) {
      if (s.endedAt !== null || !s.silenced.includes(a.id)) continue
      if (s.silenced.every((id) => this.book.alerts.get(id)?.state === 'resolved')) await this.endSilenceEvent(s, 'system', 'what it silenced has resolved')
    }
  }

  private async endSilenceEvent(s: Silence, actor: string, reason: string, at = this.deps.now()): Promise<void> {
    await this.deps.feed.append(this.event(s.id, 'silence-ended', actor, { reason }, at, { region: s.matchers.region ?? this.deps.index.tree.root.code, indicator: s.matchers.indicator ?? '', station: s.matchers.station ?? '' }))
  }

  private open(id: string, action: string): Alert {
    const a = this.get(id)
    if (!a) throw new AlertError('not_found', `no alert ${id}`)
    if (a.state === 'resolved') throw new AlertError('conflict', `cannot ${action} alert ${id}: it is resolved`)
    return a
  }

  private async append<T extends AlertEventType>(id: string, type: T, actor: string, data: AlertEventData<T>, at = this.deps.now(), where?: Pick<EngineEvent, 'indicator' | 'region' | 'station'>): Promise<void> {
    const a = this.get(id)
    const place = where ?? (a ? { indicator: a.indicator, region: a.region, station: a.station } : undefined)
    if (!place) throw new AlertError('not_found', `no alert ${id}`)
    // Every event carries the value at that time: the engine's for its own events, the live one for people's.
    const value = 'value' in data ? data.value : (this.deps.currentValue?.(place.indicator, place.region, place.station) ?? null)
    await this.deps.feed.append(this.event(id, type, actor, { ...data, value }, at, place))
    const after = this.get(id)
    if (type === 'resolved' && after) await this.endSilencesOf(after)
  }

  /**
   * An event checked against its type's schema before it is logged: a bug
   * that would write an event the log cannot replay fails here, loudly,
   * instead of in every server and screen that reads it back.
   */
  private event<T extends AlertEventType>(alertId: string, type: T, actor: string, data: AlertEventData<T>, at: number, place: Pick<EngineEvent, 'indicator' | 'region' | 'station'>): AlertEvent {
    const parsed = parseAlertEvent({ alertId, type, at, region: place.region, indicator: place.indicator, station: place.station, actor, data })
    if (!parsed.ok) throw new Error(`refusing to log a malformed ${type} event for ${alertId}: ${parsed.reason}`)
    return parsed.event
  }

  /** The rule's message with its placeholders filled, in both languages. */
  private message(e: EngineEvent): { zh: string; en: string } {
    const indicator = this.deps.index.indicator(e.indicator)
    const region = this.deps.index.region(e.region)
    const station = e.station ? this.deps.index.station(e.station) : undefined
    const threshold = e.detail.threshold ?? (e.rule.condition.kind === 'threshold' || e.rule.condition.kind === 'crossCheck' ? e.rule.condition.value : '')
    const fill = (template: string, lang: 'zh' | 'en') =>
      template.replace(/\{(indicator|region|station|value|unit|threshold)\}/g, (_, name: string) => {
        switch (name) {
          case 'indicator':
            return indicator?.name[lang] ?? e.indicator
          case 'region':
            return region?.name[lang] ?? e.region
          case 'station':
            return station?.name[lang] ?? e.station
          case 'value':
            return e.value === null ? '—' : formatValue(e.value, indicator?.precision ?? 2)
          case 'unit':
            return indicator?.unit[lang] ?? ''
          default:
            return String(threshold)
        }
      })
    return { zh: fill(e.rule.message.zh, 'zh'), en: fill(e.rule.message.en, 'en') }
  }
}

type Place = Pick<EngineEvent, 'indicator' | 'region' | 'station'>

export function dedupeKey(ruleId: string, region: string, station: string): string {
  return `${ruleId}|${region}|${station}`
}

function formatValue(v: number, precision: number): string {
  return Number(v.toFixed(precision)).toString()
}
