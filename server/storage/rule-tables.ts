import type { ClickHouseClient } from '@clickhouse/client'
import type { CurrentRule, LatestRuleChange, RuleChange, RuleRecords } from '../alerting/rule-store'
import { RULE_ACTIONS } from '../alerting/rule-store'
import type { TableNames } from './tables'

/**
 * Rules in ClickHouse: `rule_changes` is the audit log (one row per change:
 * who, when, before, after, as JSON); `rules` holds the current definition per
 * id (ReplacingMergeTree by version, a tombstone for a deleted rule) for
 * readers in SQL.
 */
export class ClickHouseRuleRecords implements RuleRecords {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
  ) {}

  async latestChanges(): Promise<LatestRuleChange[]> {
    // `after` is wrapped in a tuple because aggregate functions skip NULLs, and a NULL `after` is how a
    // deletion reads. (Aliases differ from the columns: ClickHouse would read `version` inside argMax as the alias.)
    const rows = await this.read<{ id: string; last_version: string | number; last_at: string | number; last_actor: string; last_after: string | null }>(
      `SELECT id, max(version) AS last_version, toUnixTimestamp64Milli(argMax(at, version)) AS last_at,
         argMax(actor, version) AS last_actor, argMax(tuple(after), version).1 AS last_after
       FROM ${this.tables.ruleChanges} GROUP BY id`,
    )
    return rows.map((r) => ({ id: r.id, version: Number(r.last_version), at: Number(r.last_at), actor: r.last_actor, after: r.last_after }))
  }

  async currentVersions(): Promise<Map<string, number>> {
    const rows = await this.read<{ id: string; last_version: string | number }>(`SELECT id, max(version) AS last_version FROM ${this.tables.rules} GROUP BY id`)
    return new Map(rows.map((r) => [r.id, Number(r.last_version)]))
  }

  async appendChanges(changes: readonly RuleChange[]): Promise<void> {
    await this.insert(
      this.tables.ruleChanges,
      changes.map((c) => ({
        id: c.id,
        version: c.version,
        at: new Date(c.at).toISOString(),
        actor: c.actor,
        action: c.action,
        before: c.before === null ? null : JSON.stringify(c.before),
        after: c.after === null ? null : JSON.stringify(c.after),
      })),
    )
  }

  async writeCurrent(rows: readonly CurrentRule[]): Promise<void> {
    await this.insert(
      this.tables.rules,
      rows.map((r) => {
        const known = r.rule ?? r.previous
        return {
          id: r.id,
          version: r.version,
          indicator: known?.indicator ?? '',
          enabled: r.rule?.enabled ? 1 : 0,
          definition: r.rule ? JSON.stringify(r.rule) : '',
          updated: new Date(r.at).toISOString(),
          updated_by: r.actor,
          is_deleted: r.rule ? 0 : 1,
        }
      }),
    )
  }

  async history(id: string, limit: number): Promise<RuleChange[]> {
    const rows = await this.read<{ id: string; version: string | number; at: string | number; actor: string; action: string; before: string | null; after: string | null }>(
      `SELECT id, version, toUnixTimestamp64Milli(at) AS at, actor, action, before, after
       FROM ${this.tables.ruleChanges} WHERE id = {id:String} ORDER BY version DESC LIMIT {n:UInt32}`,
      { id, n: limit },
    )
    return rows.map((r) => ({
      id: r.id,
      version: Number(r.version),
      at: Number(r.at),
      actor: r.actor,
      action: RULE_ACTIONS.find((a) => a === r.action) ?? 'updated',
      before: r.before === null ? null : parseJson(r.before),
      after: r.after === null ? null : parseJson(r.after),
    }))
  }

  private async read<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>()
  }

  private async insert(table: string, values: object[]): Promise<void> {
    await this.client.insert({ table, values, format: 'JSONEachRow' })
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
