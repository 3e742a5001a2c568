import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { KeyView, Permission } from '../../common/auth'
import type { KeyRow } from './auth-store'
import { sha256, type AuthBook } from './auth-book'
import { AuthError, type Actor, type KeyPrincipal } from './auth-principals'

/** Ingest keys: `osk_<id>_<secret>`, the secret a random 192-bit value shown once (storage keeps its SHA-256). */

const KEY_PREFIX = 'osk_'

export class IngestKeys {
  constructor(private readonly book: AuthBook) {}

  /** The key behind `osk_<id>_<secret>`, or null. */
  key(token: string): KeyPrincipal | null {
    if (!token.startsWith(KEY_PREFIX)) return null
    const [id, secret] = token.slice(KEY_PREFIX.length).split('_')
    const row = id ? this.book.keys.get(id) : undefined
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
    const { index } = this.book
    for (const code of input.indicators) if (code !== '*' && !index.indicator(code)) throw new AuthError('bad_request', `indicators: unknown indicator ${code}`)
    for (const code of input.regions) if (code !== '*' && !index.region(code)) throw new AuthError('bad_request', `regions: unknown region ${code}`)
    this.book.requireKeyInScope(input.regions, actor, 'regions')
    const id = randomBytes(6).toString('hex')
    const secret = randomBytes(24).toString('base64url').replace(/_/g, '-')
    const row: KeyRow = {
      id,
      version: this.book.version(),
      name: input.name,
      key_hash: sha256(secret),
      indicators: [...new Set(input.indicators)],
      regions: [...new Set(input.regions)],
      created_by: actor.name,
      created: this.book.now(),
      revoked: 0,
    }
    await this.book.store.saveKey(row)
    this.book.keys.set(id, row)
    await this.book.audit('key.created', '', actor.name, address, `${id} ${input.name}`)
    return { key: `${KEY_PREFIX}${id}_${secret}`, view: keyView(row) }
  }

  /** Revokes a key within the actor's subtree (one the actor cannot see is not found). */
  async revokeKey(id: string, actor: Actor, address: string): Promise<KeyView> {
    const row = this.book.keys.get(id)
    if (!row || !this.book.keyWithin(row.regions, actor.region)) throw new AuthError('not_found', `no ingest key ${id}`)
    const next = { ...row, version: this.book.version(), revoked: 1 }
    await this.book.store.saveKey(next)
    this.book.keys.set(id, next)
    await this.book.audit('key.revoked', '', actor.name, address, id)
    return keyView(next)
  }

  /** The keys that write only within `scope`'s subtree. */
  listKeys(scope: string): KeyView[] {
    return [...this.book.keys.values()]
      .filter((k) => this.book.keyWithin(k.regions, scope))
      .map(keyView)
      .sort((a, b) => a.createdAt - b.createdAt)
  }
}

export function keyView(r: KeyRow): KeyView {
  return { id: r.id, name: r.name, indicators: r.indicators, regions: r.regions, createdBy: r.created_by, createdAt: r.created, revoked: r.revoked === 1 }
}
