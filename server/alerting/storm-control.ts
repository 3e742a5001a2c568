import type { RegionTree } from '../../common/region-tree'
import { DEFAULT_FLOOD_LIMIT, DEFAULT_GROUPING, type Rule } from '../../common/rule-schema'

/**
 * Storm control: where a rule's new alert goes when many series fire at
 * once. Pure bookkeeping, decided synchronously (the alert service appends to
 * the log afterwards, in order), rebuilt from the open alerts at start.
 *
 * - **Grouping (`storm`).** Each series' alert belongs to the region of the
 *   rule's grouping level above it (a city by default). When `min` alerts of
 *   the rule have fired in that region within `windowSeconds`, one grouped
 *   alert is raised for the region; the region's open alerts of the rule are
 *   folded into it and later ones join it. It is acknowledged once and
 *   resolves when its last member clears.
 * - **Flood limit (`flood`).** A rule raises at most `floodLimit` alerts on
 *   their own (single or grouped) in any hour of event time. Beyond that, its
 *   new alerts are gathered into one alert for the rule, which counts them
 *   ("N more suppressed") and resolves when the last of them clears.
 *
 * Forming a group is never held back by the flood limit: it replaces rows
 * with one.
 */

export type Placement =
  /** Raise it on its own. */
  | { kind: 'single' }
  /** Raise it as a member of an open group. */
  | { kind: 'member'; groupId: string }
  /** Raise a new group for `region`, fold `fold` (open alerts of the rule there) into it, then raise this one as a member. */
  | { kind: 'form'; groupId: string; region: string; fold: string[] }
  /** Over the rule's hourly limit: raise it into the rule's flood group (`create`: raise that group first); `count`: members so far. */
  | { kind: 'flood'; groupId: string; region: string; create: boolean; count: number }

/** What the controller needs to know of an open alert to rebuild itself. */
export interface OpenAlertView {
  id: string
  ruleId: string
  region: string
  raisedAt: number
  groupId: string | null
  group: 'storm' | 'flood' | null
}

const HOUR_MS = 3_600_000

interface Group {
  id: string
  open: Set<string>
  count: number
}

export class StormControl {
  /** Open single alerts per rule|region-of-grouping, with when they were raised. */
  private readonly singles = new Map<string, Map<string, number>>()
  /** Open storm groups per rule|region. */
  private readonly groups = new Map<string, Group>()
  /** The open flood group of each rule. */
  private readonly floods = new Map<string, Group>()
  /** The group each open member belongs to, and the key of that group. */
  private readonly memberOf = new Map<string, { group: Group; key: string; flood: boolean }>()
  /** Where each open single is filed. */
  private readonly singleKey = new Map<string, string>()
  /** When each rule raised its alerts on their own, within the last hour. */
  private readonly raisedOnOwn = new Map<string, number[]>()

  constructor(
    private readonly tree: RegionTree,
    private readonly newId: () => string,
  ) {}

  /** Where a new alert of `rule` for `region` goes, decided at event time `at`; the decision is recorded. */
  place(rule: Rule, region: string, at: number, id: string): Placement {
    const grouping = rule.group === false ? undefined : { ...DEFAULT_GROUPING, ...rule.group }
    const home = grouping ? this.groupRegion(region, grouping.by) : region
    const key = `${rule.id}|${home}`

    const group = this.groups.get(key)
    if (group) {
      this.join(id, group, key, false)
      return { kind: 'member', groupId: group.id }
    }

    if (grouping) {
      const singles = this.singles.get(key)
      const recent = singles ? [...singles.values()].filter((t) => at - t <= grouping.windowSeconds * 1000).length : 0
      if (recent + 1 >= grouping.min) {
        const formed: Group = { id: this.newId(), open: new Set(), count: 0 }
        const fold = singles ? [...singles.keys()] : []
        this.singles.delete(key)
        for (const s of fold) {
          this.singleKey.delete(s)
          this.join(s, formed, key, false)
        }
        this.groups.set(key, formed)
        this.join(id, formed, key, false)
        this.noteRaised(rule.id, at)
        return { kind: 'form', groupId: formed.id, region: home, fold }
      }
    }

    if (this.raisedWithinHour(rule.id, at) >= (rule.floodLimit ?? DEFAULT_FLOOD_LIMIT)) {
      let flood = this.floods.get(rule.id)
      const create = !flood
      if (!flood) {
        flood = { id: this.newId(), open: new Set(), count: 0 }
        this.floods.set(rule.id, flood)
      }
      this.join(id, flood, rule.id, true)
      return { kind: 'flood', groupId: flood.id, region: this.floodRegion(rule), create, count: flood.count }
    }

    let filed = this.singles.get(key)
    if (!filed) this.singles.set(key, (filed = new Map()))
    filed.set(id, at)
    this.singleKey.set(id, key)
    this.noteRaised(rule.id, at)
    return { kind: 'single' }
  }

  /** Forgets a decision whose alert never reached the log; returns its group when that is left with no member. */
  unplace(id: string): string | undefined {
    return this.cleared(id)
  }

  /**
   * An alert resolved. Returns the group it leaves, when that group has no
   * open member left (the group resolves with it).
   */
  cleared(id: string): string | undefined {
    const key = this.singleKey.get(id)
    if (key !== undefined) {
      this.singleKey.delete(id)
      const filed = this.singles.get(key)
      filed?.delete(id)
      if (filed?.size === 0) this.singles.delete(key)
      return undefined
    }
    const m = this.memberOf.get(id)
    if (!m) return undefined
    this.memberOf.delete(id)
    m.group.open.delete(id)
    if (m.group.open.size > 0) return undefined
    this.dropGroup(m.group, m.key, m.flood)
    return m.group.id
  }

  /** A group resolved (by hand): forgets it and returns its open members, which resolve with it. */
  groupResolved(groupId: string): string[] {
    for (const [key, g] of this.groups) if (g.id === groupId) return this.release(g, key, false)
    for (const [key, g] of this.floods) if (g.id === groupId) return this.release(g, key, true)
    return []
  }

  /** Rebuilds the bookkeeping from the open alerts (after a restart), and the hour of raises from all recent ones. */
  rebuild(open: readonly OpenAlertView[], recent: readonly OpenAlertView[], rules: ReadonlyMap<string, Rule>): void {
    const byId = new Map(open.map((a) => [a.id, a]))
    for (const a of open) {
      if (a.group === 'storm') this.groups.set(`${a.ruleId}|${a.region}`, { id: a.id, open: new Set(), count: 0 })
      if (a.group === 'flood') this.floods.set(a.ruleId, { id: a.id, open: new Set(), count: 0 })
    }
    for (const a of open) {
      if (a.group !== null) continue
      const parent = a.groupId === null ? undefined : byId.get(a.groupId)
      if (parent?.group === 'storm') {
        const key = `${parent.ruleId}|${parent.region}`
        this.join(a.id, this.groups.get(key)!, key, false)
      } else if (parent?.group === 'flood') {
        this.join(a.id, this.floods.get(parent.ruleId)!, parent.ruleId, true)
      } else {
        const rule = rules.get(a.ruleId)
        const by = rule?.group === false ? undefined : { ...DEFAULT_GROUPING, ...rule?.group }.by
        const key = `${a.ruleId}|${by ? this.groupRegion(a.region, by) : a.region}`
        let filed = this.singles.get(key)
        if (!filed) this.singles.set(key, (filed = new Map()))
        filed.set(a.id, a.raisedAt)
        this.singleKey.set(a.id, key)
      }
    }
    for (const a of recent) if (a.groupId === null) this.noteRaised(a.ruleId, a.raisedAt)
  }

  /** Open groups with no open member (left so by a restart between a member's resolve and its group's). */
  emptyGroups(): string[] {
    return [...this.groups.values(), ...this.floods.values()].filter((g) => g.open.size === 0).map((g) => g.id)
  }

  private join(id: string, group: Group, key: string, flood: boolean): void {
    group.open.add(id)
    group.count++
    this.memberOf.set(id, { group, key, flood })
  }

  private release(g: Group, key: string, flood: boolean): string[] {
    const members = [...g.open]
    for (const id of members) this.memberOf.delete(id)
    this.dropGroup(g, key, flood)
    return members
  }

  private dropGroup(g: Group, key: string, flood: boolean): void {
    if (flood) {
      if (this.floods.get(key) === g) this.floods.delete(key)
    } else if (this.groups.get(key) === g) {
      this.groups.delete(key)
    }
  }

  private noteRaised(ruleId: string, at: number): void {
    let times = this.raisedOnOwn.get(ruleId)
    if (!times) this.raisedOnOwn.set(ruleId, (times = []))
    times.push(at)
  }

  private raisedWithinHour(ruleId: string, at: number): number {
    const times = this.raisedOnOwn.get(ruleId)
    if (!times) return 0
    // Event times arrive nearly in order; keep only the last hour's.
    while (times.length > 0 && at - times[0]! > HOUR_MS) times.shift()
    return times.filter((t) => at - t <= HOUR_MS).length
  }

  /** The region of `level` at or above `region`; the region itself when it lies above that level. */
  private groupRegion(region: string, level: 'province' | 'city' | 'county'): string {
    return this.tree.lineage(region).find((r) => r.level === level)?.code ?? region
  }

  private floodRegion(rule: Rule): string {
    return rule.scope.region ?? this.tree.root.code
  }
}
