import { z } from 'zod'
import { RuleSchema } from '../rule-schema'
import { codeParam, noParams } from './params'

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

export const ruleListReplySchema = z.object({ rules: z.array(RuleSchema) })
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
