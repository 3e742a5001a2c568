import fs from 'node:fs'
import path from 'node:path'
import type { CatalogIndex } from '../../common/catalog-index'
import { StorageUnavailableError } from '../../common/errors'
import { RuleSchema, type Rule } from '../../common/rule-schema'
import type { Logger } from '../logger'
import { readRuleFiles } from './rule-files'
import { parseActor, parseRule, validateRuleAgainstCatalog } from './rule-validation'

/**
 * Alert rules as data, with an audit trail, over their records (RuleRecords;
 * the ClickHouse adapter is server/storage/rule-tables.ts).
 *
 * The audit log is the record: every change appends one entry (who, when,
 * before, after) and is durable before the call returns. The current
 * definitions (for readers in SQL) are written right after, and a start
 * repairs them from the audit log should a crash have fallen between the two
 * writes. On a first start (an empty audit log) the default rules are seeded
 * from `<catalogDir>/rules/*.json`. Validation is rule-validation.ts; rule
 * files are rule-files.ts.
 */

export const RULE_ACTIONS = ['created', 'updated', 'deleted', 'enabled', 'disabled'] as const
export type RuleAction = (typeof RULE_ACTIONS)[number]

/** Audit rows one history read returns: a rule edited daily for three years. */
export const MAX_HISTORY_ROWS = 1_000

export interface StoredRule {
  rule: Rule
  version: number
  /** When and by whom this version was written (epoch ms). */
  updated: number
  updatedBy: string
}

/** One audit row. `before`/`after` are the definitions as stored then (JSON), null when there was none. */
export interface RuleChange {
  id: string
  version: number
  at: number
  actor: string
  action: RuleAction
  before: unknown
  after: unknown
}

export type RulesListener = (rules: readonly Rule[]) => void

export class RuleNotFoundError extends Error {
  override readonly name = 'RuleNotFoundError'
  constructor(readonly id: string) {
    super(`no rule ${id}`)
  }
}

/** The newest audit entry of a rule: what it is now, as stored (null: deleted). */
export interface LatestRuleChange {
  id: string
  version: number
  at: number
  actor: string
  after: string | null
}

/** A rule's current definition, or its tombstone (rule null) carrying what it was. */
export interface CurrentRule {
  id: string
  version: number
  at: number
  actor: string
  rule: Rule | null
  previous: Rule | null
}

/** Where rules are kept: the audit log, and the current definitions derived from it. Methods throw when storage fails. */
export interface RuleRecords {
  /** The newest audit entry of every rule ever written. */
  latestChanges(): Promise<LatestRuleChange[]>
  /** The newest version of each rule among the current definitions. */
  currentVersions(): Promise<Map<string, number>>
  appendChanges(changes: readonly RuleChange[]): Promise<void>
  writeCurrent(rows: readonly CurrentRule[]): Promise<void>
  /** A rule's audit entries, newest first, at most `limit`. */
  history(id: string, limit: number): Promise<RuleChange[]>
}

export interface RuleStoreOptions {
  records: RuleRecords
  index: CatalogIndex
  /** Where the default rules are read from on a first start (`<catalogDir>/rules`); none when absent. */
  seedDir?: string
  log: Logger
  now?: () => number
}

export class RuleStore {
  private readonly current = new Map<string, StoredRule>()
  /** The newest version of every id ever written, deleted ones included: versions only grow. */
  private readonly versions = new Map<string, number>()
  /** `rules` rows whose write failed after their audit row was stored; retried before the next change. */
  private readonly unsynced = new Map<string, CurrentRule>()
  private readonly listeners = new Set<RulesListener>()
  private tail: Promise<unknown> = Promise.resolve()
  private readonly now: () => number

  constructor(private readonly options: RuleStoreOptions) {
    this.now = options.now ?? Date.now
  }

  /**
   * Reads the rules from storage, repairing `rules` from the audit log where
   * it lags; seeds the default rules when the log is empty. A bad seed file
   * rejects with a message naming the file, the rule and the field.
   */
  async load(): Promise<{ rules: number; seeded: number; repaired: number }> {
    const { records, index, log } = this.options
    this.current.clear()
    this.versions.clear()
    this.unsynced.clear()
    const audit = await records.latestChanges()
    if (audit.length === 0) {
      const seeded = await this.seed()
      return { rules: this.current.size, seeded, repaired: 0 }
    }

    const materialised = await records.currentVersions()
    const repairs: CurrentRule[] = []
    for (const row of audit) {
      const { version, at } = row
      this.versions.set(row.id, version)
      const rule = row.after === null ? null : parseStored(row.after)
      if (row.after !== null && rule === null) {
        // Left as stored (not tombstoned): a later version of the schema may read it again.
        log.warn({ rule: row.id, version }, 'a stored rule no longer fits the rule schema; it is not loaded')
        continue
      }
      if ((materialised.get(row.id) ?? 0) < version) repairs.push({ id: row.id, version, at, actor: row.actor, rule, previous: null })
      if (!rule) continue
      const problems = validateRuleAgainstCatalog(rule, index)
      if (problems.length > 0) log.warn({ rule: rule.id, problems }, 'a stored rule does not fit the catalog any more; edit or delete it')
      this.current.set(rule.id, { rule, version, updated: at, updatedBy: row.actor })
    }
    if (repairs.length > 0) {
      await records.writeCurrent(repairs)
      log.warn({ rules: repairs.map((r) => r.id) }, 'the current rules lagged the audit log and were repaired')
    }
    return { rules: this.current.size, seeded: 0, repaired: repairs.length }
  }

  /** Every rule, enabled or not, by id. */
  list(): Rule[] {
    return [...this.current.values()].map((s) => s.rule).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  get(id: string): Rule | undefined {
    return this.current.get(id)?.rule
  }

  /** The rule with its version and who wrote it. */
  describe(id: string): StoredRule | undefined {
    return this.current.get(id)
  }

  /**
   * Creates or replaces a rule (validated against the schema and the catalog).
   * Storing the same definition again changes nothing and is not audited.
   */
  put(input: unknown, actor: string): Promise<{ rule: Rule; created: boolean; version: number }> {
    const rule = parseRule(input, this.options.index)
    const who = parseActor(actor)
    return this.serially(async () => {
      const old = this.current.get(rule.id)
      if (old && canonicalJson(old.rule) === canonicalJson(rule)) return { rule: old.rule, created: false, version: old.version }
      const version = await this.commit(rule.id, old ? 'updated' : 'created', who, old?.rule ?? null, rule)
      return { rule, created: !old, version }
    })
  }

  remove(id: string, actor: string): Promise<{ rule: Rule; version: number }> {
    const who = parseActor(actor)
    return this.serially(async () => {
      const old = this.current.get(id)
      if (!old) throw new RuleNotFoundError(id)
      return { rule: old.rule, version: await this.commit(id, 'deleted', who, old.rule, null) }
    })
  }

  /** Switches a rule on or off; setting the state it already has changes nothing. */
  setEnabled(id: string, enabled: boolean, actor: string): Promise<{ rule: Rule; version: number }> {
    const who = parseActor(actor)
    return this.serially(async () => {
      const old = this.current.get(id)
      if (!old) throw new RuleNotFoundError(id)
      if (old.rule.enabled === enabled) return { rule: old.rule, version: old.version }
      const rule: Rule = { ...old.rule, enabled }
      return { rule, version: await this.commit(id, enabled ? 'enabled' : 'disabled', who, old.rule, rule) }
    })
  }

  /** A rule's audit rows, newest first (also for a deleted rule); empty for an id never used. */
  async history(id: string): Promise<RuleChange[]> {
    return this.options.records.history(id, MAX_HISTORY_ROWS)
  }

  /** Called with the whole rule list after every change (the rule engine reloads from it). */
  subscribe(listener: RulesListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Changes one at a time, so versions are numbered in storage order. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work)
    this.tail = run.catch(() => undefined)
    return run
  }

  /** Appends the audit row (the commit point), then the current definition, then tells the listeners. */
  private async commit(id: string, action: RuleAction, actor: string, before: Rule | null, after: Rule | null): Promise<number> {
    const { records, log } = this.options
    await this.retryUnsynced()
    const version = (this.versions.get(id) ?? 0) + 1
    const at = this.now()
    await records.appendChanges([{ id, version, at, actor, action, before, after }]).catch((err: unknown) => {
      throw new StorageUnavailableError(err)
    })
    this.versions.set(id, version)
    if (after) this.current.set(id, { rule: after, version, updated: at, updatedBy: actor })
    else this.current.delete(id)
    const row: CurrentRule = { id, version, at, actor, rule: after, previous: before }
    try {
      await records.writeCurrent([row])
    } catch (err) {
      // The change is durable in the audit log; the table catches up at the next change or start.
      this.unsynced.set(id, row)
      log.error({ err, rule: id, version }, 'rule change audited but the rules table was not updated; will retry')
    }
    this.notify()
    return version
  }

  private async retryUnsynced(): Promise<void> {
    if (this.unsynced.size === 0) return
    await this.options.records.writeCurrent([...this.unsynced.values()]).catch((err: unknown) => {
      throw new StorageUnavailableError(err)
    })
    this.unsynced.clear()
  }

  private notify(): void {
    const rules = this.list()
    for (const listener of this.listeners) {
      try {
        listener(rules)
      } catch (err) {
        this.options.log.error({ err }, 'a rules listener failed')
      }
    }
  }

  private async seed(): Promise<number> {
    const { records, index, seedDir, log } = this.options
    if (seedDir === undefined || !fs.existsSync(seedDir)) {
      log.info({ seedDir }, 'no default rules to seed')
      return 0
    }
    const entries = readRuleFiles(seedDir, index)
    if (entries.length === 0) return 0
    const at = this.now()
    const actor = (file: string) => `seed:${path.basename(file)}`.slice(0, 64)
    await records.appendChanges(entries.map((e) => ({ id: e.rule.id, version: 1, at, actor: actor(e.file), action: 'created' as const, before: null, after: e.rule })))
    await records.writeCurrent(entries.map((e) => ({ id: e.rule.id, version: 1, at, actor: actor(e.file), rule: e.rule, previous: null })))
    for (const e of entries) {
      this.versions.set(e.rule.id, 1)
      this.current.set(e.rule.id, { rule: e.rule, version: 1, updated: at, updatedBy: actor(e.file) })
    }
    log.info({ rules: entries.length, seedDir }, 'default rules seeded')
    return entries.length
  }
}

/** A stored definition, checked: null when it no longer fits the schema. */
function parseStored(text: string): Rule | null {
  const parsed = RuleSchema.safeParse(parseJson(text))
  return parsed.success ? parsed.data : null
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** JSON with sorted keys: two definitions are the same rule when these agree. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  )
}
