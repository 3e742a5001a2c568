import { type AccountView, type Role } from '../../common/auth'
import type { AccountRow } from './auth-store'
import { sha256, type AuthBook } from './auth-book'
import { AuthError, type Actor } from './auth-principals'
import { hashPassword, verifyPassword } from './password'
import type { Sessions } from './sessions'

/** Accounts: listed, made and changed by admins within their subtree, and a user's own password. */
export class Accounts {
  constructor(
    private readonly book: AuthBook,
    private readonly sessions: Sessions,
  ) {}

  /** The accounts whose scope lies within `scope`'s subtree. */
  listAccounts(scope: string): AccountView[] {
    return [...this.book.accounts.values()]
      .filter((a) => this.book.within(a.region, scope))
      .map(accountView)
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  account(name: string): AccountView | undefined {
    const row = this.book.accounts.get(name)
    return row && accountView(row)
  }

  async createAccount(input: { name: string; role: Role; region: string; password: string }, actor: Actor, address: string, demo = false): Promise<AccountView> {
    this.book.checkRegion(input.region)
    this.book.requireInScope(input.region, actor, 'region')
    // Checked after the scope: a city's admin learns nothing of names outside its subtree
    // beyond what a failed create must say.
    if (this.book.accounts.has(input.name)) throw new AuthError('conflict', `an account named ${input.name} exists`)
    const now = this.book.now()
    const row: AccountRow = {
      name: input.name,
      version: this.book.version(),
      role: input.role,
      region: input.region,
      password_hash: await this.book.hash(`account:${actor.name}`, () => hashPassword(input.password)),
      demo: demo ? 1 : 0,
      disabled: 0,
      created: now,
      updated: now,
      updated_by: actor.name,
    }
    await this.book.store.saveAccount(row)
    this.book.accounts.set(row.name, row)
    await this.book.audit('account.created', row.name, actor.name, address, `${row.role} ${row.region}`)
    return accountView(row)
  }

  /**
   * An admin's change to an account within its subtree, now and after the
   * change. A new password, a new scope or a disabled account ends its sessions.
   */
  async updateAccount(name: string, patch: { role?: Role; region?: string; password?: string; disabled?: boolean }, actor: Actor, address: string): Promise<AccountView> {
    const row = this.book.accounts.get(name)
    // An account outside the actor's subtree is not there for it.
    if (!row || !this.book.within(row.region, actor.region)) throw new AuthError('not_found', `no account ${name}`)
    if (patch.region !== undefined) {
      this.book.checkRegion(patch.region)
      this.book.requireInScope(patch.region, actor, 'region')
    }
    if (name === actor.name && (patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin')))
      throw new AuthError('forbidden', 'an admin cannot disable or demote their own account (another admin can)')
    const next: AccountRow = {
      ...row,
      version: this.book.version(),
      role: patch.role ?? row.role,
      region: patch.region ?? row.region,
      disabled: patch.disabled === undefined ? row.disabled : patch.disabled ? 1 : 0,
      password_hash: patch.password !== undefined ? await this.book.hash(`account:${actor.name}`, () => hashPassword(patch.password!)) : row.password_hash,
      demo: patch.password !== undefined ? 0 : row.demo,
      updated: this.book.now(),
      updated_by: actor.name,
    }
    await this.book.store.saveAccount(next)
    this.book.accounts.set(name, next)
    const changed = Object.keys(patch).filter((k) => k !== 'password')
    await this.book.audit('account.updated', name, actor.name, address, [...changed, ...(patch.password !== undefined ? ['password'] : [])].join(','))
    if (patch.password !== undefined || patch.disabled === true || (patch.region !== undefined && patch.region !== row.region) || (patch.role !== undefined && patch.role !== row.role))
      await this.sessions.endSessionsOf(name)
    return accountView(next)
  }

  /**
   * The signed-in user's own change of password (the current one is asked for
   * again). Every other session of the account ends (and with it its sockets);
   * the one that made the change, `keepToken`, goes on.
   */
  async changePassword(name: string, current: string, password: string, address: string, keepToken?: string): Promise<void> {
    const row = this.book.accounts.get(name)
    const ok = row !== undefined && (await this.book.hash(`account:${name}`, () => verifyPassword(current, row.password_hash)))
    if (!row || !ok) {
      await this.book.audit('password.failed', name, name, address, '')
      throw new AuthError('wrong_password', 'current: the current password is wrong')
    }
    if (current === password) throw new AuthError('bad_request', 'the new password must differ from the current one')
    const hash = await this.book.hash(`account:${name}`, () => hashPassword(password))
    const next: AccountRow = { ...row, version: this.book.version(), password_hash: hash, demo: 0, updated: this.book.now(), updated_by: name }
    await this.book.store.saveAccount(next)
    this.book.accounts.set(name, next)
    await this.sessions.endSessionsOf(name, keepToken === undefined ? undefined : sha256(keepToken))
    await this.book.audit('password.changed', name, name, address, '')
  }
}

export function accountView(r: AccountRow): AccountView {
  return { name: r.name, role: r.role, region: r.region, disabled: r.disabled === 1, demo: r.demo === 1, createdAt: r.created, updatedAt: r.updated }
}
