import { createHash } from 'node:crypto'
import type { CatalogIndex } from '../../common/catalog-index'
import { GateFullError, WorkGate } from '../work-gate'
import type { AccountRow, AuthStore, KeyRow, SessionRow } from './auth-store'
import { AuthError, type Actor } from './auth-principals'

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

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

/** A session as kept in memory: its stored row, and the end last written (sliding is written now and then). */
export type LiveSession = SessionRow & { persistedExpires: number }

/**
 * What the accounts, sessions and keys share: the records in memory (read on
 * every request), the store they are written to first, one version counter,
 * the sign-in log, the region scope rules and the password-hashing gate.
 */
export class AuthBook {
  readonly accounts = new Map<string, AccountRow>()
  readonly sessions = new Map<string, LiveSession>()
  readonly keys = new Map<string, KeyRow>()
  private lastVersion = 0
  private readonly hashing = new WorkGate(HASH_GATE)

  constructor(
    readonly store: AuthStore,
    readonly index: CatalogIndex,
    readonly now: () => number,
  ) {}

  get hashingStats(): { running: number; queued: number; refused: number } {
    return this.hashing.stats
  }

  /** Versions only grow, and follow the clock: a newer row always wins in storage. */
  version(): number {
    this.lastVersion = Math.max(this.lastVersion + 1, this.now())
    return this.lastVersion
  }

  /** A version read back from storage: later ones are numbered after it. */
  seen(version: number): void {
    this.lastVersion = Math.max(this.lastVersion, version)
  }

  async audit(event: string, account: string, actor: string, address: string, detail: string): Promise<void> {
    await this.store.appendAuthLog({ at: this.now(), event, account, actor, address, detail })
  }

  checkRegion(code: string): void {
    if (!this.index.region(code)) throw new AuthError('bad_request', `region: unknown region ${code}`)
  }

  within(code: string, scope: string): boolean {
    return this.index.tree.isWithin(code, scope)
  }

  /** Refuses a region outside the actor's subtree, naming both. */
  requireInScope(code: string, actor: Actor, field: string): void {
    if (!this.within(code, actor.region)) {
      const name = this.index.region(actor.region)?.name.zh ?? actor.region
      throw new AuthError('outside_scope', `${field}: region ${code} is outside your region ${actor.region} (${name})`)
    }
  }

  /** A key's regions (`*`: the whole tree) all lie within `scope`'s subtree. */
  keyWithin(regions: readonly string[], scope: string): boolean {
    const root = this.index.tree.root.code
    return regions.every((r) => this.within(r === '*' ? root : r, scope))
  }

  requireKeyInScope(regions: readonly string[], actor: Actor, field: string): void {
    const root = this.index.tree.root.code
    for (const r of regions) {
      if (r === '*' && !this.within(root, actor.region))
        throw new AuthError('outside_scope', `${field}: "*" (every region) reaches outside your region ${actor.region}; list regions within it`)
      if (r !== '*') this.requireInScope(r, actor, field)
    }
  }

  /** Runs password hashing through the process's one gate; a caller with too much waiting gets 'busy'. */
  async hash<T>(caller: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.hashing.run(caller, work)
    } catch (err) {
      if (err instanceof GateFullError)
        throw new AuthError('busy', err.scope === 'caller' ? 'too many password checks from you at once; try again in a few seconds' : 'the server is busy checking passwords; try again in a few seconds')
      throw err
    }
  }
}
