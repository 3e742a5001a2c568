import { StorageUnavailableError } from '../../common/errors'
import type { AccountRow, AuthLogRow, AuthStore, KeyRow, SessionRow } from '../../server/auth/auth-store'

/**
 * The accounts service's store in memory, for unit tests: the same contract
 * as the ClickHouse one (the highest version of a record wins; live sessions
 * only), the rows written kept for assertions, and a switch that makes every
 * write fail as an unavailable storage does.
 */
export class MemoryAuthStore implements AuthStore {
  readonly accounts = new Map<string, AccountRow>()
  readonly sessions = new Map<string, SessionRow>()
  readonly keys = new Map<string, KeyRow>()
  readonly log: AuthLogRow[] = []
  /** While true, every write throws StorageUnavailableError and stores nothing. */
  failing = false

  async loadAccounts(): Promise<AccountRow[]> {
    return [...this.accounts.values()].map((r) => ({ ...r }))
  }
  async loadLiveSessions(now: number): Promise<SessionRow[]> {
    return [...this.sessions.values()].filter((s) => s.revoked === 0 && s.expires > now).map((r) => ({ ...r }))
  }
  async loadKeys(): Promise<KeyRow[]> {
    return [...this.keys.values()].map((r) => ({ ...r, indicators: [...r.indicators], regions: [...r.regions] }))
  }
  async saveAccount(row: AccountRow): Promise<void> {
    this.write(() => keep(this.accounts, row.name, row))
  }
  async saveSessions(rows: readonly SessionRow[]): Promise<void> {
    this.write(() => rows.forEach((r) => keep(this.sessions, r.token_hash, r)))
  }
  async saveKey(row: KeyRow): Promise<void> {
    this.write(() => keep(this.keys, row.id, row))
  }
  async appendAuthLog(row: AuthLogRow): Promise<void> {
    this.write(() => this.log.push({ ...row }))
  }

  private write(apply: () => void): void {
    if (this.failing) throw new StorageUnavailableError(new Error('storage is switched off in this test'))
    apply()
  }
}

function keep<R extends { version: number }>(map: Map<string, R>, key: string, row: R): void {
  const have = map.get(key)
  if (!have || row.version >= have.version) map.set(key, structuredClone(row))
}
