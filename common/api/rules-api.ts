import { z } from 'zod'
import { RuleSchema } from '../rule-schema'
import { codeParam, instantParam, noParams } from './params'

/**
 * Rules over HTTP (changes by admins, every one audited):
 *   GET    /api/rules[?indicator=&enabled=]   { rules }
 *   GET    /api/rules/:id                     { rule, version, updated, updatedBy }
 *   PUT    /api/rules/:id   rule              { rule, version, created }  201 created, 200 replaced
 *   PATCH  /api/rules/:id   { enabled }       { rule, version }
 *   DELETE /api/rules/:id                     { id, deleted: true, version }
 *   GET    /api/rules/:id/history             { id, changes: [newest first] }
 */

/** What a change to a rule did (the audit's `action`). */
export const RULE_ACTIONS = ['created', 'updated', 'deleted', 'enabled', 'disabled'] as const

// --- GET /api/rules ----------------------------------------------------------

export const ruleListQuerySchema = z.strictObject({
  indicator: codeParam('indicator').optional(),
  enabled: z
    .enum(['true', 'false'], { error: 'enabled must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
})

export const ruleListReplySchema = z.object({
  rules: z.array(RuleSchema),
  /** When each listed rule last raised an alert within the account's region (epoch ms), by rule id; absent: not among the alerts held. */
  lastFired: z.record(z.string(), z.number()).optional(),
})
export type RuleListReply = z.infer<typeof ruleListReplySchema>

// --- GET /api/rules/:id ------------------------------------------------------

export const ruleReplySchema = z.object({
  rule: RuleSchema,
  version: z.number(),
  /** When and by whom this version was written (epoch ms). */
  updated: z.number(),
  updatedBy: z.string(),
})
export type RuleReply = z.infer<typeof ruleReplySchema>

// --- GET /api/rules/:id/history ----------------------------------------------

/** One audit row. `before`/`after` are the definitions as stored then (JSON), null when there was none. */
export const ruleChangeSchema = z.object({
  id: z.string(),
  version: z.number(),
  at: z.number(),
  actor: z.string(),
  action: z.enum(RULE_ACTIONS),
  // As stored then: a definition of an older version may not parse as a rule today.
  before: z.unknown(),
  after: z.unknown(),
})
export const ruleHistoryReplySchema = z.object({ id: z.string(), changes: z.array(ruleChangeSchema) })
export type RuleHistoryReply = z.infer<typeof ruleHistoryReplySchema>

// --- PUT /api/rules/:id ------------------------------------------------------

/**
 * The rule; its `id` may be left out (the path names it). The server also
 * checks it against the catalog and refuses an `actor`.
 */
export const putRuleBodySchema = RuleSchema.partial({ id: true })
export const putRuleReplySchema = z.object({ rule: RuleSchema, version: z.number(), created: z.boolean() })
export type PutRuleReply = z.infer<typeof putRuleReplySchema>

// --- PATCH /api/rules/:id ----------------------------------------------------

export const patchRuleBodySchema = z.strictObject({
  enabled: z.boolean({ error: 'enabled must be true or false' }),
})
export const patchRuleReplySchema = z.object({ rule: RuleSchema, version: z.number() })
export type PatchRuleReply = z.infer<typeof patchRuleReplySchema>

// --- DELETE /api/rules/:id ---------------------------------------------------

export const deleteRuleQuerySchema = noParams
export const deleteRuleBodySchema = noParams
export const deleteRuleReplySchema = z.object({ id: z.string(), deleted: z.literal(true), version: z.number() })
export type DeleteRuleReply = z.infer<typeof deleteRuleReplySchema>

// --- POST /api/rules/backtest ---------------------------------------------

/** An instant in a body: epoch milliseconds, or an ISO-8601 date-time with a zone (as in a query). */
const bodyInstant = (name: string) => z.union([z.number({ error: `${name} must be epoch milliseconds or an ISO-8601 date-time` }).int().nonnegative(), instantParam(name)])

/**
 * A rule (checked as PUT /api/rules/:id checks it; its id may be left out) run
 * over the stored history of its scope from `from` to `to` (default: the 30
 * days before now).
 */
export const backtestBodySchema = z.strictObject({
  rule: z.record(z.string(), z.unknown(), { error: 'rule must be a rule definition (an object)' }),
  from: bodyInstant('from').optional(),
  to: bodyInstant('to').optional(),
})

export const backtestAlertSchema = z.object({
  ts: z.number(),
  region: z.string(),
  station: z.string().optional(),
  value: z.number().nullable(),
})

export const backtestReplySchema = z.object({
  from: z.number(),
  to: z.number(),
  /** The rollup step the history was read at (the finest that holds it and fits the bounds). */
  step: z.enum(['1m', '1h', '1d']),
  /** When the rule would have fired, on which series, at which value. */
  alerts: z.array(backtestAlertSchema),
  /** Buckets the engine judged. */
  evaluated: z.number(),
  seriesCount: z.number(),
})
export type BacktestReply = z.infer<typeof backtestReplySchema>
