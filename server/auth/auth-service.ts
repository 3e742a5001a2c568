import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { ROLE_PERMISSIONS, ROLES, type AccountView, type KeyView, type Me, type Permission, type Role } from '../../common/auth'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Logger } from '../logger'
import type { AccountRow, AuthStore, KeyRow, SessionRow } from './auth-store'
import { GateFullError, WorkGate } from '../work-gate'
import { decoyHash, generatePassword, hashPassword, verifyPassword } from './password'

/**
 * Accounts, sessions and ingest keys. Everything lives in storage (written
 * before the caller is answered) and in memory (read on every request).
 *
 * A session token and a key's secret are random 256-bit and 192-bit values
 * shown once; storage keeps only their SHA-256, so a copy of the tables opens
 * nothing. Sessions slide: each use moves the end on by the session lifetime
 * (a wall left running for days stays signed in; a forgotten laptop does not).
 */

export interface AccountPrincipal {
  kind: 'account'
  name: string
  role: Role
  /** The root of the subtree the account sees. */
  region: string
  permissions: ReadonlySet<Permission>
  demo: boolean
  expiresAt: number
}

export interface KeyPrincipal {
  kind: 'key'
  /** `key:<id>`, as stored with what the key did. */
  name: string
  keyId: string
  permissions: ReadonlySet<Permission>
  /** null: every indicator. */
  indicators: ReadonlySet<string> | null
  /** Roots of the subtrees the key may write; null: every region. */
  regions: readonly string[] | null
}

export type Principal = AccountPrincipal | KeyPrincipal

export class AuthError extends Error {
  override readonly name = 'AuthError'
  constructor(
    readonly code: 'invalid_credentials' | 'not_found' | 'conflict' | 'bad_request' | 'forbidden' | 'outside_scope' | 'busy',
    message: string,
  ) {
    super(message)
  }
}

/**
 * Who makes an account or key change: their name (for the audit) and the root
 * of their region scope. An admin acts only within that subtree, on both what
 * the target is now and what it becomes.
 */
export interface Actor {
  name: string
  region: string
}

/**
 * Password hashing, for the whole process. scrypt takes 32 MiB and ~50–100 ms
 * on a thread of libuv's pool (4 threads by default), which file I/O, zlib
 * and DNS share with it: one hash at a time keeps three threads for them, so
 * a burst of sign-ins or password changes cannot starve storage or the ticks
 * (300 concurrent attempts stopped the ticks for ~60 s before this gate).
 * That allows ~10–20 hashes a second, well above a real sign-in rate; callers
 * (an address, an account) take turns, and a caller with this many attempts
 * waiting is refused at once (503) rather than queued without end.
 */
export const HASH_GATE = { concurrency: 1, perKeyQueued: 8, maxQueued: 64 } as const

export interface AuthServiceOptions {
  /** Where accounts, sessions, keys and the sign-in log are kept (auth-store.ts). */
  store: AuthStore
  index: CatalogIndex
  log: Logger
  now?: () => number
  /** How long a session lasts without use. */
  sessionTtlMs: number
}

/** Where a first start on loopback writes the demo accounts' passwords. */
export const CREDENTIALS_FILE = 'first-run-credentials.json'

export interface FirstRunCredentials {
  note: string
  url?: string
  accounts: Array<{ name: string; role: Role; region: string; password: string }>
  ingestKey: string
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const KEY_PREFIX = 'osk_'

export class AuthService {
  private readonly accounts = new Map<string, AccountRow>()
  private readonly sessions = new Map<string, SessionRow & { persistedExpires: number }>()
  private readonly keys = new Map<string, KeyRow>()
  private readonly now: () => number
  private lastVersion = 0
  private readonly hashing = new WorkGate(HASH_GATE)

  constructor(private readonly options: AuthServiceOptions) {
    this.now = options.now ?? Date.now
  }

  /** Hashing's queue: running, waiting and refused (for metrics and tests). */
  get hashingStats(): { running: number; queued: number; refused: number } {
    return this.hashing.stats
  }

  async load(): Promise<{ accounts: number; sessions: number; keys: number }> {
    const { store } = this.options
    const seen = (version: number) => (this.lastVersion = Math.max(this.lastVersion, version))
    for (const r of await store.loadAccounts()) {
      this.accounts.set(r.name, r)
      seen(r.version)
    }
    for (const r of await store.loadLiveSessions(this.now())) {
      this.sessions.set(r.token_hash, { ...r, persistedExpires: r.expires })
      seen(r.version)
    }
    for (const r of await store.loadKeys()) {
      this.keys.set(r.id, r)
      seen(r.version)
    }
    return { accounts: this.accounts.size, sessions: this.sessions.size, keys: this.keys.size }
  }

  get accountCount(): number {
    return this.accounts.size
  }

  // ---- sessions -----------------------------------------------------------

  /** Signs in; the token is the caller's only copy. */
  async login(name: string, password: string, address: string): Promise<{ token: string; expiresAt: number; principal: AccountPrincipal }> {
    const account = this.accounts.get(name.toLowerCase())
    // The same work whether or not the account exists: timing tells nothing.
    const ok = await this.hash(`address:${address}`, async () => verifyPassword(password, account?.password_hash ?? (await decoyHash())))
    if (!account || !ok || account.disabled) {
      await this.audit('login.failed', name.slice(0, 64), '', address, account?.disabled ? 'disabled' : '')
      throw new AuthError('invalid_credentials', 'wrong name or password')
    }
    const token = randomBytes(32).toString('base64url')
    const now = this.now()
    const row: SessionRow = { token_hash: sha256(token), version: this.version(), account: account.name, created: now, expires: now + this.options.sessionTtlMs, revoked: 0 }
    await this.options.store.saveSessions([row])
    this.sessions.set(row.token_hash, { ...row, persistedExpires: row.expires })
    await this.audit('login', account.name, account.name, address, '')
    return { token, expiresAt: row.expires, principal: this.principalOf(account, row.expires) }
  }

  async logout(token: string, address: string): Promise<void> {
    const hash = sha256(token)
    const session = this.sessions.get(hash)
    if (!session) return
    await this.options.store.saveSessions([{ ...stripSession(session), version: this.version(), revoked: 1 }])
    this.sessions.delete(hash)
    await this.audit('logout', session.account, session.account, address, '')
  }

  /** The account behind a session token, or null (unknown, expired, revoked, or its account disabled). */
  session(token: string): AccountPrincipal | null {
    const hash = sha256(token)
    const session = this.sessions.get(hash)
    if (!session) return null
    const now = this.now()
    const account = this.accounts.get(session.account)
    if (session.expires <= now || !account || account.disabled) {
      this.sessions.delete(hash)
      return null
    }
    session.expires = now + this.options.sessionTtlMs
    // The new end is written now and then, not on every request: at worst a
    // restart forgets a few minutes of sliding.
    if (session.expires - session.persistedExpires > this.options.sessionTtlMs / 24) {
      session.persistedExpires = session.expires
      this.options.store.saveSessions([{ ...stripSession(session), version: this.version() }]).catch((err: unknown) =>
        this.options.log.warn({ err }, 'a session extension was not stored; it lasts until its stored end after a restart'),
      )
    }
    return this.principalOf(account, session.expires)
  }

  me(p: AccountPrincipal): Me {
    return { name: p.name, role: p.role, region: p.region, permissions: [...p.permissions], expiresAt: p.expiresAt, demo: p.demo }
  }

  // ---- ingest keys ----------------------------------------------------------

  /** The key behind `osk_<id>_<secret>`, or null. */
  key(token: string): KeyPrincipal | null {
    if (!token.startsWith(KEY_PREFIX)) return null
    const [id, secret] = token.slice(KEY_PREFIX.length).split('_')
    const row = id ? this.keys.get(id) : undefined
    if (!row || row.revoked || !secret) return null
    const given = Buffer.from(sha256(secret), 'hex')
    const stored = Buffer.from(row.key_hash, 'hex')
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null
    return {
      kind: 'key',
      name: `key:${row.id}`,
      keyId: row.id,
      permissions: new Set<Permission>(['ingest']),
      indicators: row.indicators.includes('*') ? null : new Set(row.indicators),
      regions: row.regions.includes('*') ? null : row.regions,
    }
  }

  /**
   * A new ingest key. Its regions (`*`: every region) must lie within the
   * actor's subtree: a city's admin cannot make a key that writes elsewhere.
   */
  async createKey(input: { name: string; indicators: string[]; regions: string[] }, actor: Actor, address: string): Promise<{ key: string; view: KeyView }> {
    const { index } = this.options
    for (const code of input.indicators) if (code !== '*' && !index.indicator(code)) throw new AuthError('bad_request', `indicators: unknown indicator ${code}`)
    for (const code of input.regions) if (code !== '*' && !index.region(code)) throw new AuthError('bad_request', `regions: unknown region ${code}`)
    this.requireKeyInScope(input.regions, actor, 'regions')
    const id = randomBytes(6).toString('hex')
    const secret = randomBytes(24).toString('base64url').replace(/_/g, '-')
    const row: KeyRow = {
      id,
      version: this.version(),
      name: input.name,
      key_hash: sha256(secret),
      indicators: [...new Set(input.indicators)],
      regions: [...new Set(input.regions)],
      created_by: actor.name,
      created: this.now(),
      revoked: 0,
    }
    await this.options.store.saveKey(row)
    this.keys.set(id, row)
    await this.audit('key.created', '', actor.name, address, `${id} ${input.name}`)
    return { key: `${KEY_PREFIX}${id}_${secret}`, view: keyView(row) }
  }

  /** Revokes a key within the actor's subtree (one the actor cannot see is not found). */
  async revokeKey(id: string, actor: Actor, address: string): Promise<KeyView> {
    const row = this.keys.get(id)
    if (!row || !this.keyWithin(row.regions, actor.region)) throw new AuthError('not_found', `no ingest key ${id}`)
    const next = { ...row, version: this.version(), revoked: 1 }
    await this.options.store.saveKey(next)
    this.keys.set(id, next)
    await this.audit('key.revoked', '', actor.name, address, id)
    return keyView(next)
  }

  /** The keys that write only within `scope`'s subtree. */
  listKeys(scope: string): KeyView[] {
    return [...this.keys.values()]
      .filter((k) => this.keyWithin(k.regions, scope))
      .map(keyView)
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  // ---- accounts ---------------------------------------------------------

  /** The accounts whose scope lies within `scope`'s subtree. */
  listAccounts(scope: string): AccountView[] {
    return [...this.accounts.values()]
      .filter((a) => this.within(a.region, scope))
      .map(accountView)
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  account(name: string): AccountView | undefined {
    const row = this.accounts.get(name)
    return row && accountView(row)
  }

  async createAccount(input: { name: string; role: Role; region: string; password: string }, actor: Actor, address: string, demo = false): Promise<AccountView> {
    this.checkRegion(input.region)
    this.requireInScope(input.region, actor, 'region')
    // Checked after the scope: a city's admin learns nothing of names outside its subtree
    // beyond what a failed create must say.
    if (this.accounts.has(input.name)) throw new AuthError('conflict', `an account named ${input.name} exists`)
    const now = this.now()
    const row: AccountRow = {
      name: input.name,
      version: this.version(),
      role: input.role,
      region: input.region,
      password_hash: await this.hash(`account:${actor.name}`, () => hashPassword(input.password)),
      demo: demo ? 1 : 0,
      disabled: 0,
      created: now,
      updated: now,
      updated_by: actor.name,
    }
    await this.options.store.saveAccount(row)
    this.accounts.set(row.name, row)
    await this.audit('account.created', row.name, actor.name, address, `${row.role} ${row.region}`)
    return accountView(row)
  }

  /**
   * An admin's change to an account within its subtree, now and after the
   * change. A new password, a new scope or a disabled account ends its sessions.
   */
  async updateAccount(name: string, patch: { role?: Role; region?: string; password?: string; disabled?: boolean }, actor: Actor, address: string): Promise<AccountView> {
    const row = this.accounts.get(name)
    // An account outside the actor's subtree is not there for it.
    if (!row || !this.within(row.region, actor.region)) throw new AuthError('not_found', `no account ${name}`)
    if (patch.region !== undefined) {
      this.checkRegion(patch.region)
      this.requireInScope(patch.region, actor, 'region')
    }
    if (name === actor.name && (patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin')))
      throw new AuthError('forbidden', 'an admin cannot disable or demote their own account (another admin can)')
    const next: AccountRow = {
      ...row,
      version: this.version(),
      role: patch.role ?? row.role,
      region: patch.region ?? row.region,
      disabled: patch.disabled === undefined ? row.disabled : patch.disabled ? 1 : 0,
      password_hash: patch.password !== undefined ? await this.hash(`account:${actor.name}`, () => hashPassword(patch.password!)) : row.password_hash,
      demo: patch.password !== undefined ? 0 : row.demo,
      updated: this.now(),
      updated_by: actor.name,
    }
    await this.options.store.saveAccount(next)
    this.accounts.set(name, next)
    const changed = Object.keys(patch).filter((k) => k !== 'password')
    await this.audit('account.updated', name, actor.name, address, [...changed, ...(patch.password !== undefined ? ['password'] : [])].join(','))
    if (patch.password !== undefined || patch.disabled === true || (patch.region !== undefined && patch.region !== row.region) || (patch.role !== undefined && patch.role !== row.role))
      await this.endSessionsOf(name)
    return accountView(next)
  }

  /**
   * The signed-in user's own change of password (the current one is asked for
   * again). Every other session of the account ends (and with it its sockets);
   * the one that made the change, `keepToken`, goes on.
   */
  async changePassword(name: string, current: string, password: string, address: string, keepToken?: string): Promise<void> {
    const row = this.accounts.get(name)
    const ok = row !== undefined && (await this.hash(`account:${name}`, () => verifyPassword(current, row.password_hash)))
    if (!row || !ok) {
      await this.audit('password.failed', name, name, address, '')
      throw new AuthError('invalid_credentials', 'the current password is wrong')
    }
    if (current === password) throw new AuthError('bad_request', 'the new password must differ from the current one')
    const hash = await this.hash(`account:${name}`, () => hashPassword(password))
    const next: AccountRow = { ...row, version: this.version(), password_hash: hash, demo: 0, updated: this.now(), updated_by: name }
    await this.options.store.saveAccount(next)
    this.accounts.set(name, next)
    await this.endSessionsOf(name, keepToken === undefined ? undefined : sha256(keepToken))
    await this.audit('password.changed', name, name, address, '')
  }

  /**
   * A first start. With no accounts: on loopback, one demo account per role
   * (admin, leader, analyst, duty) with generated passwords and a demo ingest
   * key, written to DATA_DIR/first-run-credentials.json (readable by its owner
   * only); elsewhere, an admin from ONESCREEN_ADMIN_PASSWORD, or a refusal.
   * On any address but loopback, accounts that still have their generated
   * password are refused too.
   */
  async firstRun(opts: { loopback: boolean; dataDir: string; adminPassword?: string }): Promise<{ created: string[]; credentialsFile?: string }> {
    const root = this.options.index.tree.root.code
    if (this.accounts.size === 0) {
      if (!opts.loopback) {
        if (!opts.adminPassword)
          throw new Error(
            'refusing to start on a non-loopback address without accounts: set ONESCREEN_ADMIN_PASSWORD (12+ characters) to create the admin account, or start once on 127.0.0.1 and change the demo passwords',
          )
        await this.createAccount({ name: 'admin', role: 'admin', region: root, password: opts.adminPassword }, { name: 'first-start', region: root }, '')
        return { created: ['admin'] }
      }
      const accounts = ROLES.map((role) => ({ name: role, role, region: root, password: generatePassword() }))
      const firstStart: Actor = { name: 'first-start', region: root }
      for (const a of accounts) await this.createAccount(a, firstStart, '', true)
      const { key } = await this.createKey({ name: 'demo producer', indicators: ['*'], regions: ['*'] }, firstStart, '')
      const file = path.join(opts.dataDir, CREDENTIALS_FILE)
      const body: FirstRunCredentials = {
        note: 'Demo accounts made on the first start on loopback. Change their passwords (PATCH /api/users/<name> or the account menu) before serving any other address: OneScreen refuses to bind elsewhere while they are unchanged.',
        accounts,
        ingestKey: key,
      }
      fs.mkdirSync(opts.dataDir, { recursive: true })
      fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 })
      return { created: accounts.map((a) => a.name), credentialsFile: file }
    }
    if (!opts.loopback) {
      const demo = [...this.accounts.values()].filter((a) => a.demo && !a.disabled).map((a) => a.name).sort()
      if (demo.length > 0)
        throw new Error(`refusing to start on a non-loopback address while accounts ${demo.join(', ')} still have their generated demo passwords: change or disable them first (on 127.0.0.1)`)
    }
    return { created: [] }
  }

  // ---- internals --------------------------------------------------------

  private principalOf(row: AccountRow, expiresAt: number): AccountPrincipal {
    return { kind: 'account', name: row.name, role: row.role, region: row.region, permissions: new Set(ROLE_PERMISSIONS[row.role]), demo: row.demo === 1, expiresAt }
  }

  private checkRegion(code: string): void {
    if (!this.options.index.region(code)) throw new AuthError('bad_request', `region: unknown region ${code}`)
  }

  private within(code: string, scope: string): boolean {
    return this.options.index.tree.isWithin(code, scope)
  }

  /** Refuses a region outside the actor's subtree, naming both. */
  private requireInScope(code: string, actor: Actor, field: string): void {
    if (!this.within(code, actor.region)) {
      const name = this.options.index.region(actor.region)?.name.zh ?? actor.region
      throw new AuthError('outside_scope', `${field}: region ${code} is outside your region ${actor.region} (${name})`)
    }
  }

  /** A key's regions (`*`: the whole tree) all lie within `scope`'s subtree. */
  private keyWithin(regions: readonly string[], scope: string): boolean {
    const root = this.options.index.tree.root.code
    return regions.every((r) => this.within(r === '*' ? root : r, scope))
  }

  private requireKeyInScope(regions: readonly string[], actor: Actor, field: string): void {
    const root = this.options.index.tree.root.code
    for (const r of regions) {
      if (r === '*' && !this.within(root, actor.region))
        throw new AuthError('outside_scope', `${field}: "*" (every region) reaches outside your region ${actor.region}; list regions within it`)
      if (r !== '*') this.requireInScope(r, actor, field)
    }
  }

  /** Runs password hashing through the process's one gate; a caller with too much waiting gets 'busy'. */
  private async hash<T>(caller: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.hashing.run(caller, work)
    } catch (err) {
      if (err instanceof GateFullError)
        throw new AuthError('busy', err.scope === 'caller' ? 'too many password checks from you at once; try again in a few seconds' : 'the server is busy checking passwords; try again in a few seconds')
      throw err
    }
  }

  /** Ends the account's sessions, but for the one whose token hash is `except`. */
  private async endSessionsOf(name: string, except?: string): Promise<void> {
    const ended = [...this.sessions.values()].filter((s) => s.account === name && s.token_hash !== except)
    if (ended.length === 0) return
    const version = this.version()
    await this.options.store.saveSessions(ended.map((s) => ({ ...stripSession(s), version, revoked: 1 })))
    for (const s of ended) this.sessions.delete(s.token_hash)
  }

  private version(): number {
    this.lastVersion = Math.max(this.lastVersion + 1, this.now())
    return this.lastVersion
  }

  private async audit(event: string, account: string, actor: string, address: string, detail: string): Promise<void> {
    await this.options.store.appendAuthLog({ at: this.now(), event, account, actor, address, detail })
  }
}

function stripSession(s: SessionRow & { persistedExpires?: number }): SessionRow {
  return { token_hash: s.token_hash, version: s.version, account: s.account, created: s.created, expires: s.expires, revoked: s.revoked }
}

function accountView(r: AccountRow): AccountView {
  return { name: r.name, role: r.role, region: r.region, disabled: r.disabled === 1, demo: r.demo === 1, createdAt: r.created, updatedAt: r.updated }
}

function keyView(r: KeyRow): KeyView {
  return { id: r.id, name: r.name, indicators: r.indicators, regions: r.regions, createdBy: r.created_by, createdAt: r.created, revoked: r.revoked === 1 }
}
