import type { ClickHouseClient } from '@clickhouse/client'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import { RuleSchema, RulesFileSchema, type Rule } from '../../common/rule-schema'
import type { Logger } from '../logger'
import type { TableNames } from '../storage/tables'
import { StorageUnavailableError } from '../../common/errors'
import { zodProblems } from '../../common/zod-problems'

/**
 * Alert rules as data, stored in ClickHouse with an audit trail.
 *
 * `rule_changes` is the record: every change appends one row (who, when,
 * before, after) and is durable before the call returns. `rules` holds the
 * current definition per id (ReplacingMergeTree by version, tombstones for
 * deleted rules) for readers in SQL; it is written right after the audit row,
 * and a start repairs it from the audit log should a crash have fallen between
 * the two writes. On a first start (an empty audit log) the default rules are
 * seeded from `<catalogDir>/rules/*.json`.
 */

export const RULE_ACTIONS = ['created', 'updated', 'deleted', 'enabled', 'disabled'] as const
export type RuleAction = (typeof RULE_ACTIONS)[number]

/** The directory of default rules inside the catalog directory. */
export const RULES_DIR = 'rules'

/** Audit rows one history read returns: a rule edited daily for three years. */
export const MAX_HISTORY_ROWS = 1_000

/**
 * Who makes a change. Until accounts exist (a later issue) callers name
 * themselves; the logged-in user will replace this.
 */
export const ActorSchema = z
  .string({ error: 'actor must be a name (who makes the change)' })
  .trim()
  .min(1, 'actor must name who makes the change')
  .max(64, 'actor must be at most 64 characters')
  .regex(/^[^\p{Cc}]+$/u, 'actor must not contain control characters')

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

/** A rule (or actor) that does not pass validation; each problem names its field. */
export class RuleValidationError extends Error {
  override readonly name = 'RuleValidationError'
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '))
  }
}

export class RuleNotFoundError extends Error {
  override readonly name = 'RuleNotFoundError'
  constructor(readonly id: string) {
    super(`no rule ${id}`)
  }
}

export interface RuleStoreOptions {
  client: ClickHouseClient
  tables: TableNames
  index: CatalogIndex
  /** Where the default rules are read from on a first start (`<catalogDir>/rules`); none when absent. */
  seedDir?: string
  log: Logger
  now?: () => number
}

interface AuditRow {
  id: string
  version: string | number
  at: string | number
  actor: string
  action: string
  before: string | null
  after: string | null
}

interface RulesRow {
  id: string
  version: number
  indicator: string
  enabled: number
  definition: string
  updated: string
  updated_by: string
  is_deleted: number
}

export class RuleStore {
  private readonly current = new Map<string, StoredRule>()
  /** The newest version of every id ever written, deleted ones included: versions only grow. */
  private readonly versions = new Map<string, number>()
  /** `rules` rows whose write failed after their audit row was stored; retried before the next change. */
  private readonly unsynced = new Map<string, RulesRow>()
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
    const { client, tables, index, log } = this.options
    this.current.clear()
    this.versions.clear()
    this.unsynced.clear()
    // The newest audit row per rule. `after` is wrapped in a tuple because
    // aggregate functions skip NULLs, and a NULL `after` is how a deletion reads.
    // (Aliases differ from the columns: ClickHouse would read `version` inside argMax as the alias.)
    const audit = await queryRows<{ id: string; last_version: string | number; last_at: string | number; last_actor: string; last_after: string | null }>(
      client,
      `SELECT id, max(version) AS last_version, toUnixTimestamp64Milli(argMax(at, version)) AS last_at,
         argMax(actor, version) AS last_actor, argMax(tuple(after), version).1 AS last_after
       FROM ${tables.ruleChanges} GROUP BY id`,
    )
    if (audit.length === 0) {
      const seeded = await this.seed()
      return { rules: this.current.size, seeded, repaired: 0 }
    }

    const materialised = new Map(
      (await queryRows<{ id: string; last_version: string | number }>(client, `SELECT id, max(version) AS last_version FROM ${tables.rules} GROUP BY id`)).map(
        (r) => [r.id, Number(r.last_version)],
      ),
    )
    const repairs: RulesRow[] = []
    for (const row of audit) {
      const version = Number(row.last_version)
      const at = Number(row.last_at)
      this.versions.set(row.id, version)
      const rule = row.last_after === null ? null : parseStored(row.last_after)
      if (row.last_after !== null && rule === null) {
        // Left as stored (not tombstoned): a later version of the schema may read it again.
        log.warn({ rule: row.id, version }, 'a stored rule no longer fits the rule schema; it is not loaded')
        continue
      }
      if ((materialised.get(row.id) ?? 0) < version) repairs.push(rulesRow(row.id, version, at, row.last_actor, rule, null))
      if (!rule) continue
      const problems = validateRuleAgainstCatalog(rule, index)
      if (problems.length > 0) log.warn({ rule: rule.id, problems }, 'a stored rule does not fit the catalog any more; edit or delete it')
      this.current.set(rule.id, { rule, version, updated: at, updatedBy: row.last_actor })
    }
    if (repairs.length > 0) {
      await insertRows(client, tables.rules, repairs)
      log.warn({ rules: repairs.map((r) => r.id) }, 'the rules table lagged the audit log and was repaired')
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
    const rows = await queryRows<AuditRow>(
      this.options.client,
      `SELECT id, version, toUnixTimestamp64Milli(at) AS at, actor, action, before, after
       FROM ${this.options.tables.ruleChanges} WHERE id = {id:String} ORDER BY version DESC LIMIT {n:UInt32}`,
      { id, n: MAX_HISTORY_ROWS },
    )
    return rows.map((r) => ({
      id: r.id,
      version: Number(r.version),
      at: Number(r.at),
      actor: r.actor,
      action: RULE_ACTIONS.find((a) => a === r.action) ?? 'updated',
      before: r.before === null ? null : parseJson(r.before),
      after: r.after === null ? null : parseJson(r.after),
    }))
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
    const { client, tables, log } = this.options
    await this.retryUnsynced()
    const version = (this.versions.get(id) ?? 0) + 1
    const at = this.now()
    await insertRows(client, tables.ruleChanges, [auditRow(id, version, at, actor, action, before, after)]).catch((err: unknown) => {
      throw new StorageUnavailableError(err)
    })
    this.versions.set(id, version)
    if (after) this.current.set(id, { rule: after, version, updated: at, updatedBy: actor })
    else this.current.delete(id)
    const row = rulesRow(id, version, at, actor, after, before)
    try {
      await insertRows(client, tables.rules, [row])
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
    await insertRows(this.options.client, this.options.tables.rules, [...this.unsynced.values()]).catch((err: unknown) => {
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
    const { client, tables, index, seedDir, log } = this.options
    if (seedDir === undefined || !fs.existsSync(seedDir)) {
      log.info({ seedDir }, 'no default rules to seed')
      return 0
    }
    const entries = readRuleFiles(seedDir, index)
    if (entries.length === 0) return 0
    const at = this.now()
    const actor = (file: string) => `seed:${path.basename(file)}`.slice(0, 64)
    await insertRows(client, tables.ruleChanges, entries.map((e) => auditRow(e.rule.id, 1, at, actor(e.file), 'created', null, e.rule)))
    await insertRows(client, tables.rules, entries.map((e) => rulesRow(e.rule.id, 1, at, actor(e.file), e.rule, null)))
    for (const e of entries) {
      this.versions.set(e.rule.id, 1)
      this.current.set(e.rule.id, { rule: e.rule, version: 1, updated: at, updatedBy: actor(e.file) })
    }
    log.info({ rules: entries.length, seedDir }, 'default rules seeded')
    return entries.length
  }
}

// --- validation -------------------------------------------------------------

/** Parses a rule and checks it against the catalog; throws RuleValidationError naming every bad field. */
export function parseRule(input: unknown, index: CatalogIndex): Rule {
  const parsed = RuleSchema.safeParse(input, { reportInput: true })
  if (!parsed.success) throw new RuleValidationError(fieldProblems(parsed.error.issues))
  const problems = validateRuleAgainstCatalog(parsed.data, index)
  if (problems.length > 0) throw new RuleValidationError(problems)
  return parsed.data
}

function parseActor(actor: string): string {
  const parsed = ActorSchema.safeParse(actor)
  if (!parsed.success) throw new RuleValidationError(parsed.error.issues.map((i) => `actor: ${i.message}`))
  return parsed.data
}

/**
 * zod issues as `field: problem` lines. Parse with `reportInput: true` so a
 * missing field reads "… is required" rather than as a type mismatch.
 */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return zodProblems(issues, { prefix, root: '(body)', reportInput: true })
}

/** What a message template may name; filled in by the alert service, in the message's own language. */
export const MESSAGE_PLACEHOLDERS = ['indicator', 'region', 'station', 'value', 'unit', 'threshold'] as const

/**
 * What the schema cannot know: that the rule's indicators, regions and
 * stations exist in this catalog and fit each other, that its levels lie
 * within the indicator's range, and that its messages name only what will be
 * filled in. Each problem names its field.
 */
export function validateRuleAgainstCatalog(rule: Rule, index: CatalogIndex): string[] {
  const out: string[] = []
  const indicator = index.indicator(rule.indicator)
  if (!indicator) out.push(`indicator: unknown indicator ${rule.indicator} (GET /api/catalog lists the codes)`)
  const { level, region, stationKind } = rule.scope
  const scopeRegion = region === undefined ? undefined : index.region(region)
  if (region !== undefined && !scopeRegion) out.push(`scope.region: unknown region ${region}`)
  if (indicator && stationKind !== undefined) {
    if (indicator.stationKind === undefined)
      out.push(`scope.stationKind: ${indicator.code} is reported by regions, not measured at stations; use scope.level or scope.region`)
    else if (indicator.stationKind !== stationKind)
      out.push(`scope.stationKind: ${indicator.code} is measured at ${indicator.stationKind} stations, not ${stationKind}`)
    else if (scopeRegion && !index.stationsOfKind(stationKind).some((s) => index.tree.isWithin(s.region, scopeRegion.code)))
      out.push(`scope.region: there are no ${stationKind} stations within ${scopeRegion.code}`)
  }
  const regionsOfLevel = (l: NonNullable<typeof level>) => (l === 'leaf' ? index.tree.leaves(region ?? index.tree.root.code) : index.tree.atLevel(l, region))
  if (level !== undefined && (region === undefined || scopeRegion) && regionsOfLevel(level).length === 0)
    out.push(scopeRegion ? `scope.level: ${scopeRegion.code} is a ${scopeRegion.level} with no ${level} regions within it` : `scope.level: the catalog has no ${level} regions`)

  if (rule.minPeriodShare !== undefined) {
    const judged = [rule.indicator, ...(rule.condition.kind === 'crossCheck' ? rule.condition.with.map((w) => w.indicator) : [])]
    if (judged.every((code) => index.indicator(code) !== undefined && index.indicator(code)!.running === undefined))
      out.push(`minPeriodShare: ${judged.join(', ')} ${judged.length > 1 ? 'are' : 'is'} not a running value (today so far, month to date); the setting applies only to those`)
  }
  const c = rule.condition
  if (indicator) {
    if (c.kind === 'threshold') {
      out.push(...outsideRange('condition.value', c.value, indicator))
      if (c.recover !== undefined) out.push(...outsideRange('condition.recover', c.recover, indicator))
    }
    if (c.kind === 'rateOfChange' && c.absolute !== undefined && c.absolute > indicator.range[1] - indicator.range[0])
      out.push(`condition.absolute: a change of ${c.absolute} cannot happen within ${indicator.code}'s range [${indicator.range.join(', ')}]`)
    if (c.kind === 'crossCheck') out.push(...outsideRange('condition.value', c.value, indicator))
  }
  if (c.kind === 'crossCheck') {
    if (stationKind !== undefined) out.push('scope.stationKind: a cross-check compares indicators of one region; use scope.level or scope.region')
    const seen = new Set([rule.indicator])
    c.with.forEach((w, i) => {
      const field = `condition.with.${i}.indicator`
      const other = index.indicator(w.indicator)
      if (!other) out.push(`${field}: unknown indicator ${w.indicator}`)
      else if (seen.has(w.indicator)) out.push(`${field}: ${w.indicator} is already part of this cross-check`)
      else out.push(...outsideRange(`condition.with.${i}.value`, w.value, other))
      seen.add(w.indicator)
    })
  }
  if (c.kind === 'stale' && rule.forPoints !== undefined) out.push('forPoints: a stale condition holds in silence, with no points to count; use for')

  for (const lang of ['zh', 'en'] as const) {
    for (const [, name] of rule.message[lang].matchAll(/\{([^{}]*)\}/g)) {
      const field = `message.${lang}`
      if (!(MESSAGE_PLACEHOLDERS as readonly string[]).includes(name!))
        out.push(`${field}: unknown placeholder {${name}} (known: ${MESSAGE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`)
      else if (name === 'station' && stationKind === undefined) out.push(`${field}: {station} is empty for a rule over regions (its scope has no stationKind)`)
      else if (name === 'threshold' && c.kind !== 'threshold' && c.kind !== 'crossCheck') out.push(`${field}: {threshold} has no value for a ${c.kind} condition`)
      else if (name === 'value' && c.kind === 'stale') out.push(`${field}: {value} has no value for a stale condition (silence has none)`)
    }
  }
  return out
}

function outsideRange(field: string, value: number, indicator: Indicator): string[] {
  const [min, max] = indicator.range
  return value < min || value > max ? [`${field}: ${value} is outside ${indicator.code}'s range [${min}, ${max}]`] : []
}

// --- rule files -------------------------------------------------------------

export interface RuleFileEntry {
  file: string
  rule: Rule
}

/**
 * Reads and validates every `*.json` of a rules directory (`{ "rules": [...] }`
 * each), in name order. Any problem throws one error naming the file, the rule
 * and the field of each problem (the first ten).
 */
export function readRuleFiles(dir: string, index: CatalogIndex): RuleFileEntry[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f))
  const out: RuleFileEntry[] = []
  const problems: string[] = []
  const definedIn = new Map<string, string>()
  for (const file of files) {
    let json: unknown
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'))
    } catch (err) {
      problems.push(`rules file ${file}: not readable JSON: ${err instanceof Error ? err.message : String(err)}`)
      continue
    }
    const parsed = RulesFileSchema.safeParse(json, { reportInput: true })
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [top, i, ...rest] = issue.path
        if (top === 'rules' && typeof i === 'number') {
          const [problem] = fieldProblems([{ ...issue, path: rest }])
          problems.push(`rules file ${file}: rule ${ruleIdAt(json, i)}: ${problem}`)
        } else if (issue.path.length === 0) problems.push(`rules file ${file}: must be an object { "rules": [ … ] }`)
        else problems.push(`rules file ${file}: ${fieldProblems([issue])[0]}`)
      }
      continue
    }
    parsed.data.rules.forEach((rule, i) => {
      const where = `rules file ${file}: rule ${rule.id} (rules[${i}])`
      for (const problem of validateRuleAgainstCatalog(rule, index)) problems.push(`${where}: ${problem}`)
      const earlier = definedIn.get(rule.id)
      if (earlier) problems.push(`${where}: id: ${rule.id} is also defined in ${earlier}`)
      definedIn.set(rule.id, file)
      out.push({ file, rule })
    })
  }
  if (problems.length > 0) {
    const more = problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''
    throw new Error(`the default rules are invalid: ${problems.slice(0, 10).join('; ')}${more}`)
  }
  return out
}

/** The id a rule in a raw rules file gives itself, for messages about a rule that did not parse. */
function ruleIdAt(json: unknown, i: number): string {
  const rules = typeof json === 'object' && json !== null && 'rules' in json ? json.rules : undefined
  const rule: unknown = Array.isArray(rules) ? rules[i] : undefined
  const id = typeof rule === 'object' && rule !== null && 'id' in rule ? rule.id : undefined
  return typeof id === 'string' ? `${id} (rules[${i}])` : `rules[${i}]`
}

// --- storage ----------------------------------------------------------------

function auditRow(id: string, version: number, at: number, actor: string, action: RuleAction, before: Rule | null, after: Rule | null) {
  return {
    id,
    version,
    at: new Date(at).toISOString(),
    actor,
    action,
    before: before === null ? null : JSON.stringify(before),
    after: after === null ? null : JSON.stringify(after),
  }
}

/** The current-definition row; a tombstone (is_deleted) when the rule is gone, carrying what it was. */
function rulesRow(id: string, version: number, at: number, actor: string, rule: Rule | null, previous: Rule | null): RulesRow {
  const known = rule ?? previous
  return {
    id,
    version,
    indicator: known?.indicator ?? '',
    enabled: rule?.enabled ? 1 : 0,
    definition: rule ? JSON.stringify(rule) : '',
    updated: new Date(at).toISOString(),
    updated_by: actor,
    is_deleted: rule ? 0 : 1,
  }
}

async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}

async function insertRows(client: ClickHouseClient, table: string, values: readonly object[]): Promise<void> {
  await client.insert({ table, values: [...values], format: 'JSONEachRow' })
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
