import { z } from 'zod'
import { accountViewSchema, keyViewSchema, meSchema } from '../auth'

/**
 * Signing in and out, the signed-in account, and the admin's accounts and
 * keys: each route's body and reply. The body schemas live with the roles
 * and permissions in common/auth.ts (the rules for names and passwords are
 * theirs); this module names them by route.
 */

export { changePasswordSchema, createAccountSchema, createKeySchema, loginSchema, updateAccountSchema } from '../auth'

/** A reply that says only that it was done: POST /api/logout, POST /api/me/password. */
export const doneReplySchema = z.object({ ok: z.literal(true) })
export type DoneReply = z.infer<typeof doneReplySchema>

/** POST /api/login. The token is for programs (Authorization: Bearer); browsers use the cookie set with it. */
export const loginReplySchema = z.object({ token: z.string(), expiresAt: z.number(), me: meSchema })
export type LoginReply = z.infer<typeof loginReplySchema>

/** GET /api/me. */
export const meReplySchema = meSchema
export type MeReply = z.infer<typeof meReplySchema>

/** GET /api/users. */
export const accountListReplySchema = z.object({ users: z.array(accountViewSchema) })
export type AccountListReply = z.infer<typeof accountListReplySchema>

/** POST /api/users (201), PATCH /api/users/:name: the account as it now is. */
export const accountReplySchema = accountViewSchema
export type AccountReply = z.infer<typeof accountReplySchema>

/** GET /api/keys. */
export const keyListReplySchema = z.object({ keys: z.array(keyViewSchema) })
export type KeyListReply = z.infer<typeof keyListReplySchema>

/** POST /api/keys (201): the key itself, shown this once, and its listing. */
export const createKeyReplySchema = z.object({ key: z.string(), view: keyViewSchema })
export type CreateKeyReply = z.infer<typeof createKeyReplySchema>

/** POST /api/keys/:id/revoke: the key as it now is. */
export const keyReplySchema = keyViewSchema
export type KeyReply = z.infer<typeof keyReplySchema>
