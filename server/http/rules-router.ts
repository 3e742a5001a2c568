import express, { Router, type Request, type Response } from 'express'
import {
  backtestBodySchema,
  type BacktestReply,
  deleteRuleBodySchema,
  deleteRuleQuerySchema,
  patchRuleBodySchema,
  ruleListQuerySchema,
  type DeleteRuleReply,
  type PatchRuleReply,
  type PutRuleReply,
  type RuleHistoryReply,
  type RuleListReply,
  type RuleReply,
} from '../../common/api/rules-api'
import type { CatalogIndex } from '../../common/catalog-index'
import { RuleSchema, ScopeSchema, type Rule } from '../../common/rule-schema'
import { accountOf, requirePermission, scopeOf } from '../auth/http-auth'
import { RuleNotFoundError, type RuleChange, type RuleStore } from '../alerting/rule-store'
import { fieldProblems, parseRule, RuleValidationError } from '../alerting/rule-validation'
import { ApiError } from './api-error'
import { backtestRefusal, backtestSeries, backtestStep, MAX_BACKTEST_POINTS, runBacktest, seriesCount } from '../alerting/backtest'
import type { BacktestRows } from '../storage/backtest-rows'
import { parseQuery, requireIndicator, requireJson, requireObject } from './validate'

/**
 * Rules CRUD over HTTP, every change audited:
 *   GET    /api/rules[?indicator=&enabled=]   { rules }
 *   GET    /api/rules/:id                     { rule, version, updated, updatedBy }
 *   PUT    /api/rules/:id   rule              { rule, version, created }  201 created, 200 replaced
 *   PATCH  /api/rules/:id   { enabled }       { rule, version }
 *   DELETE /api/rules/:id                     { id, deleted: true, version }
 *   GET    /api/rules/:id/history             { id, changes: [newest first] }
 *
 * Changes are made by admins (rules.write) and audited under the signed-in
 * account's name; a body or query naming an `actor` is refused, so no one
 * can sign a change with someone else's name.
 *
 * Region scope: an account sees the rules that reach into its subtree (a
 * province-wide rule, one of its own region or above it, one of a region
 * inside it); another city's rule is not there for it (404). It may change
 * only rules that reach nowhere outside its subtree, before and after the
 * change: a city's admin cannot write a province-wide rule (403 outside_scope).
 */

/**
 * Largest rules body. A rule is about 1 KB; 64 KB leaves room for long
 * messages and stops a client from making the server parse megabytes.
 */
export const MAX_RULE_BODY_BYTES = 64 * 1024

/** What the router needs of the store: an interface, so a test can hand it a fake. */
export type RulesApi = Pick<RuleStore, 'list' | 'describe' | 'put' | 'remove' | 'setEnabled' | 'history'>

const json = express.json({ limit: MAX_RULE_BODY_BYTES })

/** What a backtest needs: the stored rows of its series, the clock, and the zone days begin in. */
export interface BacktestDeps {
  rows: Pick<BacktestRows, 'raw' | 'aggregates'>
  now(): number
  timeZone: string
}

/** The range a backtest covers when the body names none: the last 30 days. */
const DEFAULT_BACKTEST_DAYS = 30

export function rulesRouter(store: RulesApi, index: CatalogIndex, backtest?: BacktestDeps, lastFired?: (region: string) => ReadonlyMap<string, number>): Router {
  const router = Router()

  router.get('/rules', (req, res) => {
    const q = parseQuery(ruleListQuerySchema, req.query)
    if (q.indicator !== undefined) requireIndicator(index, q.indicator)
    const scope = scopeOf(res)
    const rules = store
      .list()
      .filter((r) => reachesInto(index, r, scope) && (q.enabled === undefined || r.enabled === q.enabled) && (q.indicator === undefined || watches(r, q.indicator)))
    const fired = lastFired?.(scope)
    const body: RuleListReply = fired ? { rules, lastFired: Object.fromEntries(rules.flatMap((r) => (fired.has(r.id) ? [[r.id, fired.get(r.id)!]] : []))) } : { rules }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })

  router.get('/rules/:id', (req, res) => {
    const id = pathId(req)
    const stored = store.describe(id)
    if (!stored || !reachesInto(index, stored.rule, scopeOf(res))) throw unknownRule(id)
    const body: RuleReply = stored
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })

  router.get('/rules/:id/history', async (req, res) => {
    const id = pathId(req)
    const changes = await store.history(id)
    // A deleted rule's history is seen by those its last definition reached.
    const reach = store.describe(id)?.rule ?? lastDefinitionScope(changes)
    if (changes.length === 0 || (reach && !reachesInto(index, reach, scopeOf(res)))) throw unknownRule(id)
    const body: RuleHistoryReply = { id, changes }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })

  const write = requirePermission('rules.write')
  router.put('/rules/:id', write, requireJson, json, async (req, res) => {
    const rule = requireObject(req.body)
    const problems: string[] = []
    if ('actor' in rule) problems.push(ACTOR_REFUSED)
    // The id may be left out of the body: the path names the rule.
    if (rule.id === undefined) rule.id = req.params.id
    else if (rule.id !== req.params.id)
      problems.push(`id: the body's id ${JSON.stringify(rule.id)} does not match the path's ${JSON.stringify(req.params.id)}`)
    let parsed: Rule | undefined
    try {
      parsed = parseRule(rule, index)
    } catch (err) {
      if (!(err instanceof RuleValidationError)) throw err
      problems.push(...err.problems)
    }
    if (problems.length > 0 || !parsed) throw invalid(problems)
    // Both the rule replaced and its replacement must lie within the account's region.
    requireRuleWithinScope(index, res, store, parsed.id)
    requireWithinScope(index, res, parsed, 'scope.region')
    const { rule: stored, version, created } = await store.put(rule, accountOf(res).name).catch(mapStoreError)
    const body: PutRuleReply = { rule: stored, version, created }
    res.status(created ? 201 : 200).json(body)
  })

  /**
   * POST /api/rules/backtest: the rule (checked as a PUT checks it) over the
   * stored history of its scope. Bounded before anything is read: range,
   * series and buckets (server/alerting/backtest.ts); too large is a 422 that
   * says which bound and how to come within it.
   */
  if (backtest)
    router.post('/rules/backtest', write, requireJson, json, async (req, res) => {
      const parsedBody = backtestBodySchema.safeParse(requireObject(req.body), { reportInput: true })
      if (!parsedBody.success) throw invalid(fieldProblems(parsedBody.error.issues), 'invalid_change')
      const body = parsedBody.data
      let rule: Rule
      try {
        rule = parseRule({ id: 'backtest', ...body.rule }, index)
      } catch (err) {
        if (!(err instanceof RuleValidationError)) throw err
        throw invalid(err.problems.map((p) => `rule.${p}`))
      }
      requireWithinScope(index, res, rule, 'rule.scope.region')
      const now = backtest.now()
      const to = body.to ?? now
      const from = body.from ?? to - DEFAULT_BACKTEST_DAYS * 86_400_000
      if (from >= to) throw new ApiError(400, 'bad_body', `from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})`)
      const series = backtestSeries(index, rule)
      const count = seriesCount(series)
      const step = backtestStep({ from, to }, count, now)
      const refusal = backtestRefusal({ from, to }, count, step)
      if (refusal || !step) throw new ApiError(422, 'backtest_too_large', refusal ?? 'too large')
      const indicator = index.indicator(rule.indicator)!
      const limit = MAX_BACKTEST_POINTS + 1
      const [stations, own, aggregates] = await Promise.all([
        backtest.rows.raw(indicator, { regions: [...new Set(series.stations.map((s) => s.region))], stations: series.stations.map((s) => s.code), from, to, step, limit }),
        backtest.rows.raw(indicator, { regions: series.rawRegions, from, to, step, limit }),
        backtest.rows.aggregates(indicator, { targets: series.aggregates, from, to, step, limit }),
      ])
      if (stations.length + own.length + aggregates.length > MAX_BACKTEST_POINTS) throw new ApiError(422, 'backtest_too_large', `the range holds more than ${MAX_BACKTEST_POINTS} points: shorten it`)
      const rows = [...stations, ...own, ...aggregates].sort((a, b) => a.ts - b.ts)
      const outcome = runBacktest(index, rule, rows, backtest.timeZone)
      const reply: BacktestReply = { from, to, step, alerts: outcome.alerts, evaluated: outcome.evaluated, seriesCount: count }
      res.json(reply)
    })

  router.patch('/rules/:id', write, requireJson, json, async (req, res) => {
    const id = pathId(req)
    const parsed = patchRuleBodySchema.safeParse(requireObject(req.body), { reportInput: true })
    if (!parsed.success) throw invalid(fieldProblems(parsed.error.issues), 'invalid_change')
    requireRuleWithinScope(index, res, store, id)
    const body: PatchRuleReply = await store.setEnabled(id, parsed.data.enabled, accountOf(res).name).catch(mapStoreError)
    res.json(body)
  })

  router.delete('/rules/:id', write, json, async (req, res) => {
    const id = pathId(req)
    parseQuery(deleteRuleQuerySchema, req.query)
    const body = req.body === undefined ? {} : requireObject(req.body)
    const parsed = deleteRuleBodySchema.safeParse(body, { reportInput: true })
    if (!parsed.success) throw invalid(fieldProblems(parsed.error.issues), 'invalid_change')
    requireRuleWithinScope(index, res, store, id)
    const { version } = await store.remove(id, accountOf(res).name).catch(mapStoreError)
    const reply: DeleteRuleReply = { id, deleted: true, version }
    res.json(reply)
  })

  return router
}

/** The region whose subtree a rule watches: its scope's region, else the whole tree. */
function reachOf(index: CatalogIndex, rule: Pick<Rule, 'scope'>): string {
  return rule.scope.region ?? index.tree.root.code
}

/** Whether a rule watches any region of the account's subtree. */
function reachesInto(index: CatalogIndex, rule: Pick<Rule, 'scope'>, scope: string): boolean {
  const reach = reachOf(index, rule)
  return index.tree.isWithin(reach, scope) || index.tree.isWithin(scope, reach)
}

/** Refuses a rule that watches regions outside the account's subtree. */
function requireWithinScope(index: CatalogIndex, res: Response, rule: Pick<Rule, 'scope'>, what: string): void {
  const scope = scopeOf(res)
  const reach = reachOf(index, rule)
  if (index.tree.isWithin(reach, scope)) return
  const name = index.region(scope)?.name.zh ?? scope
  const watched = rule.scope.region === undefined ? `the whole tree (${reach})` : `region ${reach}`
  throw new ApiError(403, 'outside_scope', `${what}: the rule watches ${watched}, beyond this account's region ${scope} (${name})`)
}

/** The same for a stored rule by id; one the account cannot see is answered as unknown. */
function requireRuleWithinScope(index: CatalogIndex, res: Response, store: RulesApi, id: string): void {
  const stored = store.describe(id)
  if (!stored) return
  if (!reachesInto(index, stored.rule, scopeOf(res))) throw unknownRule(id)
  requireWithinScope(index, res, stored.rule, `rule ${id}`)
}

/** The scope of the newest definition in a rule's history (newest first), if one reads as a scope. */
function lastDefinitionScope(changes: readonly RuleChange[]): Pick<Rule, 'scope'> | undefined {
  const last = changes.map((c) => c.after ?? c.before).find((d) => d != null) as { scope?: unknown } | undefined
  const scope = ScopeSchema.safeParse(last?.scope)
  return scope.success ? { scope: scope.data } : undefined
}

/** Whether a rule reads an indicator: its own, or one it cross-checks. */
function watches(rule: Rule, indicator: string): boolean {
  return rule.indicator === indicator || (rule.condition.kind === 'crossCheck' && rule.condition.with.some((w) => w.indicator === indicator))
}

const ACTOR_REFUSED = 'actor: changes are signed by the signed-in account; leave actor out'

/** A path id that no rule can have is answered like an id no rule has. */
function pathId(req: Request): string {
  const id = req.params.id
  if (typeof id !== 'string' || !RuleSchema.shape.id.safeParse(id).success) throw unknownRule(String(id))
  return id
}

/** A 400 listing every problem: `invalid_rule` for a definition, `invalid_change` for a PATCH or DELETE. */
function invalid(problems: readonly string[], code: 'invalid_rule' | 'invalid_change' = 'invalid_rule'): ApiError {
  return new ApiError(400, code, problems.join('; '), { details: { problems } })
}

function unknownRule(id: string): ApiError {
  const shown = id.length > 64 ? `${id.slice(0, 64)}…` : id
  return new ApiError(404, 'unknown_rule', `no rule ${shown} (GET /api/rules lists them)`)
}

/** The store's typed errors as replies; anything else is a bug and goes to the 500 handler. */
function mapStoreError(err: unknown): never {
  // The router checks definitions first; what the store still refuses here is its own validation.
  if (err instanceof RuleValidationError) throw invalid(err.problems, 'invalid_change')
  if (err instanceof RuleNotFoundError) throw unknownRule(err.id)
  throw err
}
