import express, { Router, type Request, type Response } from 'express'
import {
  changePasswordSchema,
  createAccountSchema,
  createKeySchema,
  loginSchema,
  updateAccountSchema,
  type AccountListReply,
  type AccountReply,
  type CreateKeyReply,
  type DoneReply,
  type KeyListReply,
  type KeyReply,
  type LoginReply,
  type MeReply,
} from '../../common/api/auth-api'
import { AuthError, type Actor, type AuthService } from '../auth/auth-service'
import { accountOf, credentialOf, requirePermission, SESSION_COOKIE } from '../auth/http-auth'
import { ApiError } from './api-error'
import { parseBody } from './parse-body'
import { perMinute } from './rate-limit'

/**
 * Signing in and out, the signed-in account (GET /api/me, its password), and
 * the admin's accounts and ingest keys (/api/users, /api/keys).
 */

export interface AuthRouterOptions {
  /** Sign-in attempts per address per minute. */
  loginsPerMinute: number
  /** Whether the session cookie is marked Secure (served over HTTPS behind a proxy). */
  secureCookie: boolean
}

const address = (req: Request) => req.socket.remoteAddress ?? ''

const done: DoneReply = { ok: true }

export function authRouter(auth: AuthService, options: AuthRouterOptions): Router {
  const router = Router()
  const json = express.json({ limit: '8kb' })

  // Guessing passwords is slowed per address; a refusal says when to try again (429 + Retry-After).
  const loginLimit = perMinute(
    options.loginsPerMinute,
    'too_many_attempts',
    `too many sign-in attempts from this address; wait a minute (at most ${options.loginsPerMinute} a minute)`,
  )

  router.post('/login', loginLimit, json, async (req, res) => {
    const b = parseBody(loginSchema, req.body)
    const { token, expiresAt, principal } = await mapAuthErrors(() => auth.login(b.name, b.password, address(req)))
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: options.secureCookie, path: '/' })
    res.setHeader('Cache-Control', 'no-store')
    // The token in the body is for programs (Authorization: Bearer); browsers use the cookie.
    const body: LoginReply = { token, expiresAt, me: auth.me(principal) }
    res.json(body)
  })

  router.post('/logout', async (req, res) => {
    const credential = credentialOf(req.headers)
    if (credential) await auth.logout(credential, address(req))
    res.clearCookie(SESSION_COOKIE, { path: '/' })
    res.json(done)
  })

  router.get('/me', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    const body: MeReply = auth.me(accountOf(res))
    res.json(body)
  })

  // Each attempt costs a password hash, like a sign-in: limited the same way, per account.
  const passwordLimit = perMinute(
    options.loginsPerMinute,
    'too_many_attempts',
    `too many password changes from this account; wait a minute (at most ${options.loginsPerMinute} a minute)`,
    (_req, res) => `password:${accountOf(res).name}`,
  )
  router.post('/me/password', passwordLimit, json, async (req, res) => {
    const me = accountOf(res)
    const b = parseBody(changePasswordSchema, req.body)
    // The session that changes the password goes on; every other one of the account ends.
    await mapAuthErrors(() => auth.changePassword(me.name, b.current, b.password, address(req), credentialOf(req.headers) ?? undefined))
    res.json(done)
  })

  const admin = requirePermission('admin')
  router.get('/users', admin, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    const body: AccountListReply = { users: auth.listAccounts(actor(res).region) }
    res.json(body)
  })
  router.post('/users', admin, json, async (req, res) => {
    const b = parseBody(createAccountSchema, req.body)
    const body: AccountReply = await mapAuthErrors(() => auth.createAccount(b, actor(res), address(req)))
    res.status(201).json(body)
  })
  router.patch('/users/:name', admin, json, async (req: Request<{ name: string }>, res) => {
    const b = parseBody(updateAccountSchema, req.body)
    const body: AccountReply = await mapAuthErrors(() => auth.updateAccount(req.params.name, b, actor(res), address(req)))
    res.json(body)
  })

  router.get('/keys', admin, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    const body: KeyListReply = { keys: auth.listKeys(actor(res).region) }
    res.json(body)
  })
  router.post('/keys', admin, json, async (req, res) => {
    const b = parseBody(createKeySchema, req.body)
    res.setHeader('Cache-Control', 'no-store')
    const body: CreateKeyReply = await mapAuthErrors(() => auth.createKey(b, actor(res), address(req)))
    res.status(201).json(body)
  })
  router.post('/keys/:id/revoke', admin, async (req: Request<{ id: string }>, res) => {
    const body: KeyReply = await mapAuthErrors(() => auth.revokeKey(req.params.id, actor(res), address(req)))
    res.json(body)
  })
  return router
}

/** The signed-in admin, by name and region scope: what it may change is checked against both. */
function actor(res: Response): Actor {
  const { name, region } = accountOf(res)
  return { name, region }
}

const STATUS: Record<AuthError['code'], number> = {
  invalid_credentials: 401,
  // A signed-in account's wrong current password: its session is fine (401 would tell the page to sign in again).
  wrong_password: 403,
  not_found: 404,
  conflict: 409,
  bad_request: 400,
  forbidden: 403,
  outside_scope: 403,
  busy: 503,
}

/** How long a caller refused by the hashing queue waits: a queue of a few 100 ms hashes drains in seconds. */
const BUSY_RETRY_SECONDS = 5

async function mapAuthErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (!(err instanceof AuthError)) throw err
    throw new ApiError(STATUS[err.code], err.code, err.message, err.code === 'busy' ? { retryAfterSeconds: BUSY_RETRY_SECONDS } : {})
  }
}
