import type { CurrentRule, LatestRuleChange, RuleChange, RuleRecords } from '../../server/alerting/rule-store'

/**
 * Rule records in memory, for unit tests: the audit log and the current
 * definitions as the ClickHouse adapter keeps them (definitions stored as
 * JSON text, so a stored rule can be made unreadable), with switches that
 * make either write fail.
 */
export class MemoryRuleRecords implements RuleRecords {
  readonly changes: Array<Omit<RuleChange, 'after'> & { after: string | null }> = []
  readonly current = new Map<string, CurrentRule>()
  failAudit = false
  failCurrent = false

  async latestChanges(): Promise<LatestRuleChange[]> {
    const latest = new Map<string, (typeof this.changes)[number]>()
    for (const c of this.changes) if ((latest.get(c.id)?.version ?? 0) < c.version) latest.set(c.id, c)
    return [...latest.values()].map((c) => ({ id: c.id, version: c.version, at: c.at, actor: c.actor, after: c.after }))
  }
  async currentVersions(): Promise<Map<string, number>> {
    return new Map([...this.current.values()].map((r) => [r.id, r.version]))
  }
  async appendChanges(changes: readonly RuleChange[]): Promise<void> {
    if (this.failAudit) throw new Error('the audit log is switched off in this test')
    for (const c of changes) this.changes.push({ ...c, before: structuredClone(c.before), after: c.after === null ? null : JSON.stringify(c.after) })
  }
  async writeCurrent(rows: readonly CurrentRule[]): Promise<void> {
    if (this.failCurrent) throw new Error('the current rules are switched off in this test')
    for (const r of rows) if ((this.current.get(r.id)?.version ?? 0) <= r.version) this.current.set(r.id, structuredClone(r))
  }
  async history(id: string, limit: number): Promise<RuleChange[]> {
    return this.changes
      .filter((c) => c.id === id)
      .sort((a, b) => b.version - a.version)
      .slice(0, limit)
      .map((c) => ({ ...c, after: c.after === null ? null : (JSON.parse(c.after) as unknown) }))
  }
}
