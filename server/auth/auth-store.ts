import type { Role } from '../../common/auth'

/**
 * What the accounts service keeps, as rows: accounts, sessions, ingest keys,
 * and the sign-in and change log. Times are epoch ms. Every row is a new
 * version of its record (the highest version wins); nothing is updated in
 * place. The ClickHouse adapter is `server/storage/auth-tables.ts`; unit
 * tests use an in-memory one (`test/fakes/memory-auth-store.ts`).
 */

export interface AccountRow {
  name: string
  version: number
  role: Role
  region: string
  password_hash: string
  demo: number
  disabled: number
  created: number
  updated: number
  updated_by: string
}

export interface SessionRow {
  token_hash: string
  version: number
  account: string
  created: number
  expires: number
  /** 1 once ended (sign-out, a password change), else 0. */
  revoked: number
}

export interface KeyRow {
  id: string
  version: number
  name: string
  key_hash: string
  indicators: string[]
  regions: string[]
  created_by: string
  created: number
  /** 1 once revoked, else 0. */
  revoked: number
}

/** One line of the sign-in and change log. */
export interface AuthLogRow {
  at: number
  event: string
  account: string
  actor: string
  address: string
  detail: string
}

export interface AccountStore {
  /** The latest version of every account. */
  loadAccounts(): Promise<AccountRow[]>
  saveAccount(row: AccountRow): Promise<void>
}

export interface SessionStore {
  /** The latest version of every session not revoked and not expired at `now`. */
  loadLiveSessions(now: number): Promise<SessionRow[]>
  saveSessions(rows: readonly SessionRow[]): Promise<void>
}

export interface KeyStore {
  /** The latest version of every ingest key. */
  loadKeys(): Promise<KeyRow[]>
  saveKey(row: KeyRow): Promise<void>
}

export interface AuthLog {
  appendAuthLog(row: AuthLogRow): Promise<void>
}

/** Everything the accounts service keeps. Writes throw StorageUnavailableError when storage fails. */
export type AuthStore = AccountStore & SessionStore & KeyStore & AuthLog
