import { parse as parseCookie } from 'cookie'
import type { IncomingHttpHeaders } from 'node:http'
import type { RequestHandler, Response } from 'express'
import type { Permission } from '../../common/auth'
import type { CatalogIndex } from '../../common/catalog-index'
import { ApiError } from '../http/api-error'
import type { AccountPrincipal, AuthService, Principal } from './auth-service'

/**
 * How a request proves who sends it, and what it may then do. A browser holds
 * its session in an HttpOnly, SameSite=Strict cookie; programs send
 * `Authorization: Bearer <session token or ingest key>`. The socket's
 * handshake is checked the same way (live-server.ts).
 */

export const SESSION_COOKIE = 'onescreen_session'

/** The credential a request or handshake carries: a bearer token first, else the session cookie. */
export function credentialOf(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S{1,512})$/i.exec(auth.trim())
    return m ? m[1]! : null
  }
  const cookie = headers.cookie
  if (typeof cookie !== 'string') return null
  return parseCookie(cookie)[SESSION_COOKIE] ?? null
}

/** What resolving a credential needs (AuthService; a fake in unit tests). */
export type Authenticator = Pick<AuthService, 'key' | 'session'>

/** Resolves a credential to whoever holds it. */
export function principalFor(auth: Authenticator, credential: string | null): Principal | null {
  if (!credential) return null
  return auth.key(credential) ?? auth.session(credential)
}

/** Attaches the principal, if any, to every request (res.locals.principal); refuses nothing itself. */
export function authenticate(auth: Authenticator): RequestHandler {
  return (req, res, next) => {
    res.locals.principal = principalFor(auth, credentialOf(req.headers))
    next()
  }
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | null | undefined
  if (!p) throw new ApiError(401, 'unauthenticated', 'sign in first (POST /api/login), or send a session token or an ingest key as "Authorization: Bearer …"')
  return p
}

export function accountOf(res: Response): AccountPrincipal {
  const p = principalOf(res)
  if (p.kind !== 'account') throw new ApiError(403, 'forbidden', 'an ingest key can only push points (POST /api/ingest); sign in as a person for this')
  return p
}

export const requireAuth: RequestHandler = (_req, res, next) => {
  principalOf(res)
  next()
}

const WHAT: Record<Permission, string> = {
  view: 'read the dashboards',
  explore: 'use the analyst view or export data',
  'alerts.act': 'act on alerts or silences',
  'rules.write': 'change alert rules',
  'walls.write': 'change walls or playlists',
  admin: 'manage accounts and ingest keys',
  ingest: 'push points',
}

export function requirePermission(permission: Permission): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res)
    if (!p.permissions.has(permission)) {
      const who = p.kind === 'account' ? `the ${p.role} role` : 'an ingest key'
      throw new ApiError(403, 'forbidden', `${who} may not ${WHAT[permission]}`)
    }
    next()
  }
}

/** The root of what the request's account sees (the whole tree for an account scoped to it). */
export function scopeOf(res: Response): string {
  return accountOf(res).region
}

/** Refuses a region outside the account's subtree, naming both. */
export function requireInScope(catalog: CatalogIndex, res: Response, code: string, param: string): void {
  const scope = scopeOf(res)
  if (!catalog.tree.isWithin(code, scope)) {
    const name = catalog.region(scope)?.name.zh ?? scope
    throw new ApiError(403, 'outside_scope', `${param}: region ${code} is outside this account's region ${scope} (${name})`)
  }
}

/** Whether a region lies in the account's subtree. */
export function inScope(catalog: CatalogIndex, res: Response, code: string): boolean {
  return catalog.tree.isWithin(code, scopeOf(res))
}
