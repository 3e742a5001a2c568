import { z } from 'zod'
import { instantParam } from './params'

/**
 * The operator's audit trail: GET /api/audit (JSON) and GET /api/audit.csv
 * (the same entries as a spreadsheet). One log over what the server already
 * records: sign-ins and account and key changes (auth_log), rule changes
 * (rule_changes) and what people did to alerts and silences (alert_events).
 */

/** What an entry is about: `what` in the query, `kind` in an entry. */
export const AUDIT_KINDS = ['signin', 'account', 'key', 'rule', 'alert'] as const
export type AuditKind = (typeof AUDIT_KINDS)[number]

/** Most entries one read answers: a screenful many times over, and a CSV a spreadsheet opens at once. */
export const MAX_AUDIT_LIMIT = 5000
/** Entries a read answers when it names no limit. */
export const DEFAULT_AUDIT_LIMIT = 500
/** The range a read covers when it names no `from`: the last 30 days before `to`. */
export const DEFAULT_AUDIT_DAYS = 30

// --- GET /api/audit, GET /api/audit.csv ---------------------------------------

export const auditQuerySchema = z
  .strictObject({
    /** An account's name: what it did, and (sign-ins, account changes) what was done to it. */
    who: z.string().trim().min(1, 'who must name an account').max(64, 'who must be at most 64 characters').optional(),
    /** Kinds of entry, comma-separated. */
    what: z
      .string()
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(z.enum(AUDIT_KINDS, { error: (i) => `what must be among ${AUDIT_KINDS.join(', ')} (got "${String(i.input)}")` })).min(1, `what must name at least one of ${AUDIT_KINDS.join(', ')}`))
      .optional(),
    from: instantParam('from').optional(),
    to: instantParam('to').optional(),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be 1 or more')
      .max(MAX_AUDIT_LIMIT, `limit must be at most ${MAX_AUDIT_LIMIT}`)
      .optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['from'] })
export type AuditQuery = z.input<typeof auditQuerySchema>

export const auditEntrySchema = z.object({
  /** When, epoch ms. */
  at: z.number(),
  kind: z.enum(AUDIT_KINDS),
  /** What happened, as the source logs it: `login`, `account.updated`, `updated`, `acknowledged`, `silence-created`… */
  action: z.string(),
  /** Who did it ('' for a failed sign-in: nobody was signed in). */
  actor: z.string(),
  /** What it was done to: an account's name, a key's id, a rule's id, an alert's or silence's id. */
  subject: z.string(),
  /** The region it concerns (an account's, a rule's reach, an alert's); null when none is known (keys, unknown accounts). */
  region: z.string().nullable(),
  /** What else the source recorded: the fields changed, a comment, an assignee, a reason, a rule's version. */
  detail: z.string(),
  /** The address a sign-in or account change came from ('' elsewhere). */
  address: z.string(),
})
export type AuditEntry = z.infer<typeof auditEntrySchema>

export const auditReplySchema = z.object({
  /** Newest first. */
  entries: z.array(auditEntrySchema),
  /** The range read, epoch ms (`to` exclusive). */
  from: z.number(),
  to: z.number(),
  /** Whether more entries matched than the limit let through (the oldest were left out). */
  more: z.boolean(),
})
export type AuditReply = z.infer<typeof auditReplySchema>

/** The columns of GET /api/audit.csv, in order. */
export const AUDIT_CSV_COLUMNS = ['time', 'kind', 'action', 'actor', 'subject', 'region', 'region_name', 'detail', 'address'] as const
