import { randomBytes } from 'node:crypto'
import { ROLE_PERMISSIONS, type Me } from '../../common/auth'
import type { Logger } from '../logger'
import type { AccountRow, SessionRow } from './auth-store'
import { sha256, type AuthBook } from './auth-book'
import { AuthError, type AccountPrincipal } from './auth-principals'
import { decoyHash, verifyPassword } from './password'

/**
 * Sessions: signing in and out, and the account behind a token. A token is a
 * random 256-bit value shown once; storage keeps only its SHA-256. Sessions
 * slide: each use moves the end on by the session lifetime (a wall left
 * running for days stays signed in; a forgotten laptop does not).
 */
export class Sessions {
  constructor(
    private readonly book: AuthBook,
    private readonly ttlMs: number,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  /** Signs in; the token is the caller's only copy. */
  async login(name: string, password: string, address: string): Promise<{ token: string; expiresAt: number; principal: AccountPrincipal }> {
    const account = this.book.accounts.get(name.toLowerCase())
    // The same work whether or not the account exists: timing tells nothing.
    const ok = await this.book.hash(`address:${address}`, async () => verifyPassword(password, account?.password_hash ?? (await decoyHash())))
    if (!account || !ok || account.disabled) {
      await this.book.audit('login.failed', name.slice(0, 64), '', address, account?.disabled ? 'disabled' : '')
      throw new AuthError('invalid_credentials', 'wrong name or password')
    }
    const token = randomBytes(32).toString('base64url')
    const now = this.book.now()
    const row: SessionRow = { token_hash: sha256(token), version: this.book.version(), account: account.name, created: now, expires: now + this.ttlMs, revoked: 0 }
    await this.book.store.saveSessions([row])
    this.book.sessions.set(row.token_hash, { ...row, persistedExpires: row.expires })
    await this.book.audit('login', account.name, account.name, address, '')
    return { token, expiresAt: row.expires, principal: principalOf(account, row.expires) }
  }

  async logout(token: string, address: string): Promise<void> {
    const hash = sha256(token)
    const session = this.book.sessions.get(hash)
    if (!session) return
    await this.book.store.saveSessions([{ ...stripSession(session), version: this.book.version(), revoked: 1 }])
    this.book.sessions.delete(hash)
    await this.book.audit('logout', session.account, session.account, address, '')
  }

  /** The account behind a session token, or null (unknown, expired, revoked, or its account disabled). */
  session(token: string): AccountPrincipal | null {
    const hash = sha256(token)
    const session = this.book.sessions.get(hash)
    if (!session) return null
    const now = this.book.now()
    const account = this.book.accounts.get(session.account)
    if (session.expires <= now || !account || account.disabled) {
      this.book.sessions.delete(hash)
      return null
    }
    session.expires = now + this.ttlMs
    // The new end is written now and then, not on every request: at worst a
    // restart forgets a few minutes of sliding.
    if (session.expires - session.persistedExpires > this.ttlMs / 24) {
      session.persistedExpires = session.expires
      this.book.store.saveSessions([{ ...stripSession(session), version: this.book.version() }]).catch((err: unknown) =>
        this.log.warn({ err }, 'a session extension was not stored; it lasts until its stored end after a restart'),
      )
    }
    return principalOf(account, session.expires)
  }

  me(p: AccountPrincipal): Me {
    return { name: p.name, role: p.role, region: p.region, permissions: [...p.permissions], expiresAt: p.expiresAt, demo: p.demo }
  }

  /** Ends the account's sessions, but for the one whose token hash is `except`. */
  async endSessionsOf(name: string, except?: string): Promise<void> {
    const ended = [...this.book.sessions.values()].filter((s) => s.account === name && s.token_hash !== except)
    if (ended.length === 0) return
    const version = this.book.version()
    await this.book.store.saveSessions(ended.map((s) => ({ ...stripSession(s), version, revoked: 1 })))
    for (const s of ended) this.book.sessions.delete(s.token_hash)
  }
}

export function principalOf(row: AccountRow, expiresAt: number): AccountPrincipal {
  return { kind: 'account', name: row.name, role: row.role, region: row.region, permissions: new Set(ROLE_PERMISSIONS[row.role]), demo: row.demo === 1, expiresAt }
}

export function stripSession(s: SessionRow & { persistedExpires?: number }): SessionRow {
  return { token_hash: s.token_hash, version: s.version, account: s.account, created: s.created, expires: s.expires, revoked: s.revoked }
}
