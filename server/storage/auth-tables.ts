import type { ClickHouseClient } from '@clickhouse/client'
import { StorageUnavailableError } from '../../common/errors'
import type { AccountRow, AuthLogRow, AuthStore, KeyRow, SessionRow } from '../auth/auth-store'
import type { TableNames } from './tables'

/**
 * The accounts service's rows in ClickHouse (ReplacingMergeTree tables read
 * with FINAL: the highest version of each record). Times are written as ISO
 * text and read back as epoch ms under aliases of their own (a column's own
 * name would shadow it in WHERE).
 */
export class ClickHouseAuthStore implements AuthStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
  ) {}

  async loadAccounts(): Promise<AccountRow[]> {
    const rows = await this.read<AccountRow & { created_ms: string; updated_ms: string }>(
      `SELECT name, version, role, region, password_hash, demo, disabled, updated_by,
        toUnixTimestamp64Milli(created) AS created_ms, toUnixTimestamp64Milli(updated) AS updated_ms
      FROM ${this.tables.accounts} FINAL`,
    )
    return rows.map((r) => ({
      name: r.name,
      version: Number(r.version),
      role: r.role,
      region: r.region,
      password_hash: r.password_hash,
      demo: Number(r.demo),
      disabled: Number(r.disabled),
      created: Number(r.created_ms),
      updated: Number(r.updated_ms),
      updated_by: r.updated_by,
    }))
  }

  async loadLiveSessions(now: number): Promise<SessionRow[]> {
    const rows = await this.read<SessionRow & { created_ms: string; expires_ms: string }>(
      `SELECT token_hash, version, account, toUnixTimestamp64Milli(created) AS created_ms, toUnixTimestamp64Milli(expires) AS expires_ms
      FROM ${this.tables.sessions} FINAL WHERE revoked = 0 AND expires > fromUnixTimestamp64Milli({now:Int64})`,
      { now },
    )
    return rows.map((r) => ({ token_hash: r.token_hash, version: Number(r.version), account: r.account, created: Number(r.created_ms), expires: Number(r.expires_ms), revoked: 0 }))
  }

  async loadKeys(): Promise<KeyRow[]> {
    const rows = await this.read<KeyRow & { created_ms: string }>(
      `SELECT id, version, name, key_hash, indicators, regions, created_by, revoked, toUnixTimestamp64Milli(created) AS created_ms FROM ${this.tables.apiKeys} FINAL`,
    )
    return rows.map((r) => ({
      id: r.id,
      version: Number(r.version),
      name: r.name,
      key_hash: r.key_hash,
      indicators: r.indicators,
      regions: r.regions,
      created_by: r.created_by,
      created: Number(r.created_ms),
      revoked: Number(r.revoked),
    }))
  }

  saveAccount(row: AccountRow): Promise<void> {
    return this.insert(this.tables.accounts, [row])
  }

  saveSessions(rows: readonly SessionRow[]): Promise<void> {
    return rows.length === 0 ? Promise.resolve() : this.insert(this.tables.sessions, rows)
  }

  saveKey(row: KeyRow): Promise<void> {
    return this.insert(this.tables.apiKeys, [row])
  }

  appendAuthLog(row: AuthLogRow): Promise<void> {
    return this.insert(this.tables.authLog, [row])
  }

  private async read<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    return (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>()
  }

  private async insert(table: string, rows: readonly object[]): Promise<void> {
    const values = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, TIME_COLUMNS.has(k) && typeof v === 'number' ? new Date(v).toISOString() : v])))
    await this.client.insert({ table, values, format: 'JSONEachRow' }).catch((err: unknown) => {
      throw new StorageUnavailableError(err)
    })
  }
}

const TIME_COLUMNS = new Set(['created', 'updated', 'expires', 'at'])
