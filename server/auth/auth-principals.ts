import type { Permission, Role } from '../../common/auth'

/** Who a request is: a signed-in account or an ingest key; and the errors and actors of the accounts service. */

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
    readonly code: 'invalid_credentials' | 'wrong_password' | 'not_found' | 'conflict' | 'bad_request' | 'forbidden' | 'outside_scope' | 'busy',
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
