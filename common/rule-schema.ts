import { z } from 'zod'
import { BaselineParamsSchema } from './baseline-params'

/**
 * Alert rules as data. A rule watches one indicator over a scope of series and
 * raises an alert per series (its dedupe key is rule + region + station) when
 * its condition has held for `for`; the alert resolves once the condition has
 * been clear for `keepFiringFor`. Everything a duty officer reads — severity,
 * message — is in the rule, in both languages.
 *
 * Which series a rule watches:
 * - `scope.stationKind`: every station of that kind (each station is a series),
 *   optionally only those within `scope.region`;
 * - `scope.level`: every region of that level (its aggregate, as the live hub
 *   computes it, or its own points when it reports alone), optionally within
 *   `scope.region`. `leaf` is every region with nothing below it — counties,
 *   and cities without counties (Dongguan, Zhongshan) — where region-level
 *   indicators are reported;
 * - `scope.region` alone: that region's aggregate only.
 */

const code = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/, 'must be an indicator code such as env.aqi')
const regionCode = z.string().regex(/^\d{6}$/, 'must be a 6-digit region code')
const seconds = (what: string) => z.number({ error: `${what} must be a number of seconds` }).min(0, `${what} must be 0 or more`).max(366 * 86_400, `${what} must be at most a year`)
const text = z.string().min(1).max(500)

export const SEVERITIES = ['info', 'warning', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

export const ThresholdConditionSchema = z
  .strictObject({
    kind: z.literal('threshold'),
    op: z.enum(['above', 'below']),
    value: z.number(),
    /**
     * Hysteresis: once firing, the condition counts as clear only past this
     * level (below it for `above`, above it for `below`). Defaults to `value`.
     */
    recover: z.number().optional(),
  })
  .refine((c) => c.recover === undefined || (c.op === 'above' ? c.recover <= c.value : c.recover >= c.value), {
    message: 'recover must be on the clear side of value (≤ value for above, ≥ value for below)',
    path: ['recover'],
  })

export const RateOfChangeConditionSchema = z
  .strictObject({
    kind: z.literal('rateOfChange'),
    /** Compared with the value this long before (the newest point at or before then). */
    windowSeconds: seconds('windowSeconds').refine((s) => s > 0, 'windowSeconds must be more than 0'),
    direction: z.enum(['rise', 'fall', 'either']),
    /** Change in percent of the earlier value, and/or in the indicator's unit; at least one. */
    percent: z.number().positive().optional(),
    absolute: z.number().positive().optional(),
  })
  .refine((c) => c.percent !== undefined || c.absolute !== undefined, { message: 'give percent or absolute (or both)', path: ['percent'] })

export const BaselineConditionSchema = z.strictObject({
  kind: z.literal('baseline'),
  params: BaselineParamsSchema.optional(),
  /**
   * Judge the change over this window instead of the value: the value less
   * the newest one at or before this long ago (within the value's own period,
   * for a running value). For a count so far today, "incidents in the last
   * hour" held against the usual for that hour of the day, so a busy city's
   * rush hour is not news and a quiet county's burst is.
   */
  changeOverSeconds: seconds('changeOverSeconds').refine((s) => s > 0, 'changeOverSeconds must be more than 0').optional(),
})

export const StaleConditionSchema = z.strictObject({
  kind: z.literal('stale'),
  /** No point for this many times the indicator's expected cadence. */
  cadences: z.number().min(1, 'cadences must be at least 1').max(1000),
})

export const FlatlineConditionSchema = z.strictObject({
  kind: z.literal('flatline'),
  /** The same value for this many times the indicator's expected cadence. */
  cadences: z.number().min(2, 'cadences must be at least 2').max(1000),
  /** Values closer than this count as the same (default: exactly equal). */
  tolerance: z.number().min(0).optional(),
})

export const CrossCheckConditionSchema = z.strictObject({
  kind: z.literal('crossCheck'),
  /**
   * Further tests on other indicators of the same region; with the rule's own
   * test (`op`, `value` on the rule's indicator) all must hold at once.
   */
  op: z.enum(['above', 'below']),
  value: z.number(),
  with: z
    .array(z.strictObject({ indicator: code, op: z.enum(['above', 'below']), value: z.number() }))
    .min(1, 'a cross-check needs at least one other indicator')
    .max(5),
})

export const ConditionSchema = z.discriminatedUnion('kind', [
  ThresholdConditionSchema,
  RateOfChangeConditionSchema,
  BaselineConditionSchema,
  StaleConditionSchema,
  FlatlineConditionSchema,
  CrossCheckConditionSchema,
])
export type Condition = z.infer<typeof ConditionSchema>

export const ScopeSchema = z
  .strictObject({
    level: z.enum(['province', 'city', 'county', 'leaf']).optional(),
    region: regionCode.optional(),
    stationKind: z.enum(['air', 'traffic']).optional(),
  })
  .refine((s) => !(s.level && s.stationKind), { message: 'a scope is regions of a level or stations of a kind, not both', path: ['stationKind'] })
  .refine((s) => s.level || s.region || s.stationKind, { message: 'a scope needs a level, a region or a station kind', path: ['level'] })
export type Scope = z.infer<typeof ScopeSchema>

export const RuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'id must be 2–64 lowercase letters, digits or dashes'),
  name: z.strictObject({ zh: text, en: text }),
  enabled: z.boolean().default(true),
  indicator: code,
  scope: ScopeSchema,
  condition: ConditionSchema,
  /** How long the condition must hold before the alert fires (0: at once). */
  for: seconds('for').default(0),
  /** Or: how many consecutive points must meet it (e.g. 2: "two readings in a row"). */
  forPoints: z.number().int().min(1).max(1000).optional(),
  /** How long the condition must be clear before the alert resolves. */
  keepFiringFor: seconds('keepFiringFor').default(0),
  /**
   * For a rule over running values (today so far, month to date): the share of
   * the period that must lie behind a value before it is judged at all. A rate
   * over the first two samples after midnight neither fires nor clears an alert.
   */
  minPeriodShare: z.number({ error: 'minPeriodShare must be a number between 0 and 1' }).gt(0, 'minPeriodShare must be above 0').lt(1, 'minPeriodShare must be below 1').optional(),
  severity: z.enum(SEVERITIES),
  /**
   * Storm control, grouping: when `min` series under one region of level `by`
   * have fired this rule within `windowSeconds`, they become one grouped alert
   * for that region (acknowledged once, resolved when its last member clears).
   * `false` keeps every series' alert on its own. Default: by city, 3 within
   * 15 minutes (DEFAULT_GROUPING).
   */
  group: z
    .union([
      z.literal(false),
      z.strictObject({
        by: z.enum(['province', 'city', 'county'], { error: 'group.by must be province, city or county' }).optional(),
        min: z.number({ error: 'group.min must be a whole number from 2 to 1000' }).int('group.min must be a whole number').min(2, 'group.min must be at least 2').max(1000, 'group.min must be at most 1000').optional(),
        windowSeconds: seconds('group.windowSeconds').optional(),
      }),
    ])
    .optional(),
  /**
   * Storm control, flood limit: at most this many alerts of the rule (single
   * or grouped) are raised on their own in any hour; beyond it, further
   * series are gathered into one alert that says how many it holds. Default
   * DEFAULT_FLOOD_LIMIT.
   */
  floodLimit: z.number({ error: 'floodLimit must be a whole number from 1 to 10000' }).int('floodLimit must be a whole number').min(1, 'floodLimit must be at least 1').max(10_000, 'floodLimit must be at most 10000').optional(),
  /** A firing alert nobody acknowledges within this time is escalated (severity up). */
  escalateAfter: seconds('escalateAfter').optional(),
  /**
   * Templates: {indicator}, {region}, {station}, {value}, {unit}, {threshold}
   * are filled in (names in the message's own language).
   */
  message: z.strictObject({ zh: text, en: text }),
})
export type Rule = z.infer<typeof RuleSchema>
export type RuleInput = z.input<typeof RuleSchema>

/** Grouping when a rule says nothing: a city's worth of series firing together is one incident to a duty officer. */
export const DEFAULT_GROUPING = { by: 'city', min: 3, windowSeconds: 900 } as const
/** Alerts a rule raises on its own per hour when it says nothing; more than a duty officer can read one by one. */
export const DEFAULT_FLOOD_LIMIT = 10

export const RulesFileSchema = z.strictObject({ rules: z.array(RuleSchema) })
