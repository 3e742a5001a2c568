import { z } from 'zod'

/**
 * Who may do what. Four roles, each a set of permissions; every account also
 * has a region scope (a region code: it sees that region's subtree and nothing
 * else). Shared by the server, which enforces it, and the client, which shows
 * only what the signed-in account may use.
 */

export const ROLES = ['leader', 'analyst', 'duty', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const PERMISSIONS = [
  /** The wall's data: snapshots, series, rankings, scorecard, freshness, alerts to read, live ticks. */
  'view',
  /** The analyst view and its exports. */
  'explore',
  /** Acting on alerts: acknowledge, assign, comment, resolve, silence. */
  'alerts.act',
  /** Writing alert rules. */
  'rules.write',
  /** Writing walls and playlists. */
  'walls.write',
  /** Accounts and ingest keys. */
  'admin',
  /** Pushing points over HTTP (ingest keys; admins too). */
  'ingest',
] as const
export type Permission = (typeof PERMISSIONS)[number]

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  leader: ['view'],
  analyst: ['view', 'explore'],
  duty: ['view', 'alerts.act'],
  admin: ['view', 'explore', 'alerts.act', 'rules.write', 'walls.write', 'admin', 'ingest'],
}

/** The screens each role opens (the client's navigation). */
/** The screens of the client, and which each role may open (the server refuses what a role may not do either way). */
export const SCREENS = ['wall', 'explore', 'duty', 'admin', 'account'] as const
export type Screen = (typeof SCREENS)[number]

export const ROLE_SCREENS: Record<Role, readonly Screen[]> = {
  leader: ['wall', 'account'],
  analyst: ['wall', 'explore', 'account'],
  duty: ['wall', 'duty', 'account'],
  admin: ['wall', 'explore', 'duty', 'admin', 'account'],
}

/** The signed-in account as the client sees it (GET /api/me). */
export const meSchema = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  /** The root of what the account may see. */
  region: z.string(),
  permissions: z.array(z.enum(PERMISSIONS)),
  /** The session's end (epoch ms); it moves on while the account is active. */
  expiresAt: z.number(),
  /** The account still has the password it was created with on a first start: it should change it. */
  demo: z.boolean(),
})
export type Me = z.infer<typeof meSchema>

export const ACCOUNT_NAME = z
  .string({ error: 'name is required' })
  .regex(/^[a-z][a-z0-9._-]{1,31}$/, 'name must be 2–32 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter')

/** Long enough to resist guessing; the upper bound keeps hashing cheap to refuse. */
export const PASSWORD = z
  .string({ error: 'password is required' })
  .min(12, 'a password must be at least 12 characters')
  .max(256, 'a password must be at most 256 characters')

export const loginSchema = z.strictObject({
  name: z.string({ error: 'name is required' }).min(1, 'name is required').max(64),
  password: z.string({ error: 'password is required' }).min(1, 'password is required').max(256),
})

export const createAccountSchema = z.strictObject({
  name: ACCOUNT_NAME,
  role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` }),
  region: z.string({ error: 'region is required' }).regex(/^\d{6}$/, 'region must be a 6-digit region code'),
  password: PASSWORD,
})

export const updateAccountSchema = z
  .strictObject({
    role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` }).optional(),
    region: z.string().regex(/^\d{6}$/, 'region must be a 6-digit region code').optional(),
    password: PASSWORD.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of role, region, password, disabled')

export const changePasswordSchema = z.strictObject({
  current: z.string({ error: 'current is required (the password now)' }).min(1).max(256),
  password: PASSWORD,
})

export const createKeySchema = z.strictObject({
  name: z.string({ error: 'name is required' }).trim().min(1, 'name is required').max(64),
  /** Indicator codes the key may write, or ["*"]. */
  indicators: z.array(z.string().min(1).max(64)).min(1, 'indicators: list the codes the key may write, or ["*"]').max(500),
  /** Regions whose subtrees the key may write, or ["*"]. */
  regions: z.array(z.string().min(1).max(16)).min(1, 'regions: list the regions the key may write, or ["*"]').max(500),
})

/** An account as the admin API lists it (never its password hash). */
export const accountViewSchema = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  region: z.string(),
  disabled: z.boolean(),
  demo: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
})
export type AccountView = z.infer<typeof accountViewSchema>

/** An ingest key as the admin API lists it (never its secret). */
export const keyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  indicators: z.array(z.string()),
  regions: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.number(),
  revoked: z.boolean(),
})
export type KeyView = z.infer<typeof keyViewSchema>
