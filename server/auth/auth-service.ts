import type { AccountView, KeyView, Me, Role } from '../../common/auth'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Logger } from '../logger'
import { Accounts } from './accounts'
import { AuthBook } from './auth-book'
import type { AccountPrincipal, Actor, KeyPrincipal } from './auth-principals'
import type { AuthStore } from './auth-store'
import { firstRun } from './first-run'
import { IngestKeys } from './ingest-keys'
import { Sessions } from './sessions'

export { AuthError, type AccountPrincipal, type Actor, type KeyPrincipal, type Principal } from './auth-principals'
export { HASH_GATE } from './auth-book'
export { CREDENTIALS_FILE, type FirstRunCredentials } from './first-run'

/**
 * Accounts, sessions and ingest keys: the one door the HTTP layer and the
 * sockets use. Everything lives in storage (written before the caller is
 * answered) and in memory (read on every request); each job has its own
 * module — accounts.ts, sessions.ts, ingest-keys.ts, first-run.ts — over the
 * state they share (auth-book.ts).
 */

export interface AuthServiceOptions {
  /** Where accounts, sessions, keys and the sign-in log are kept (auth-store.ts). */
  store: AuthStore
  index: CatalogIndex
  log: Logger
  now?: () => number
  /** How long a session lasts without use. */
  sessionTtlMs: number
}

export class AuthService {
  private readonly book: AuthBook
  private readonly sessions: Sessions
  private readonly accounts: Accounts
  private readonly keys: IngestKeys

  constructor(private readonly options: AuthServiceOptions) {
    this.book = new AuthBook(options.store, options.index, options.now ?? Date.now)
    this.sessions = new Sessions(this.book, options.sessionTtlMs, options.log)
    this.accounts = new Accounts(this.book, this.sessions)
    this.keys = new IngestKeys(this.book)
  }

  /** Hashing's queue: running, waiting and refused (for metrics and tests). */
  get hashingStats(): { running: number; queued: number; refused: number } {
    return this.book.hashingStats
  }

  /** Reads accounts, live sessions and keys from storage. */
  async load(): Promise<{ accounts: number; sessions: number; keys: number }> {
    const { store } = this.options
    const book = this.book
    for (const r of await store.loadAccounts()) {
      book.accounts.set(r.name, r)
      book.seen(r.version)
    }
    for (const r of await store.loadLiveSessions(book.now())) {
      book.sessions.set(r.token_hash, { ...r, persistedExpires: r.expires })
      book.seen(r.version)
    }
    for (const r of await store.loadKeys()) {
      book.keys.set(r.id, r)
      book.seen(r.version)
    }
    return { accounts: book.accounts.size, sessions: book.sessions.size, keys: book.keys.size }
  }

  get accountCount(): number {
    return this.book.accounts.size
  }

  // ---- sessions (sessions.ts) ----

  login(name: string, password: string, address: string): Promise<{ token: string; expiresAt: number; principal: AccountPrincipal }> {
    return this.sessions.login(name, password, address)
  }

  logout(token: string, address: string): Promise<void> {
    return this.sessions.logout(token, address)
  }

  session(token: string): AccountPrincipal | null {
    return this.sessions.session(token)
  }

  me(p: AccountPrincipal): Me {
    return this.sessions.me(p)
  }

  // ---- ingest keys (ingest-keys.ts) ----

  key(token: string): KeyPrincipal | null {
    return this.keys.key(token)
  }

  createKey(input: { name: string; indicators: string[]; regions: string[] }, actor: Actor, address: string): Promise<{ key: string; view: KeyView }> {
    return this.keys.createKey(input, actor, address)
  }

  revokeKey(id: string, actor: Actor, address: string): Promise<KeyView> {
    return this.keys.revokeKey(id, actor, address)
  }

  listKeys(scope: string): KeyView[] {
    return this.keys.listKeys(scope)
  }

  // ---- accounts (accounts.ts) ----

  listAccounts(scope: string): AccountView[] {
    return this.accounts.listAccounts(scope)
  }

  account(name: string): AccountView | undefined {
    return this.accounts.account(name)
  }

  createAccount(input: { name: string; role: Role; region: string; password: string }, actor: Actor, address: string, demo = false): Promise<AccountView> {
    return this.accounts.createAccount(input, actor, address, demo)
  }

  updateAccount(name: string, patch: { role?: Role; region?: string; password?: string; disabled?: boolean }, actor: Actor, address: string): Promise<AccountView> {
    return this.accounts.updateAccount(name, patch, actor, address)
  }

  changePassword(name: string, current: string, password: string, address: string, keepToken?: string): Promise<void> {
    return this.accounts.changePassword(name, current, password, address, keepToken)
  }

  // ---- first start (first-run.ts) ----

  firstRun(opts: { loopback: boolean; dataDir: string; adminPassword?: string }): Promise<{ created: string[]; credentialsFile?: string }> {
    return firstRun(this, this.options.index, opts)
  }
}
