import { z } from 'zod'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import { RuleSchema, type Rule } from '../../common/rule-schema'
import { zodProblems } from '../../common/zod-problems'

/**
 * Whether a rule may be stored: its schema (common/rule-schema.ts), then what
 * the schema cannot know — the catalog it runs against. Every problem names
 * its field.
 */

/** A rule (or actor) that does not pass validation; each problem names its field. */
export class RuleValidationError extends Error {
  override readonly name = 'RuleValidationError'
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '))
  }
}

/**
 * Who makes a change: the signed-in account's name (or `seed:<file>` for
 * the default rules).
 */
export const ActorSchema = z
  .string({ error: 'actor must be a name (who makes the change)' })
  .trim()
  .min(1, 'actor must name who makes the change')
  .max(64, 'actor must be at most 64 characters')
  .regex(/^[^\p{Cc}]+$/u, 'actor must not contain control characters')

/** Parses a rule and checks it against the catalog; throws RuleValidationError naming every bad field. */
export function parseRule(input: unknown, index: CatalogIndex): Rule {
  const parsed = RuleSchema.safeParse(input, { reportInput: true })
  if (!parsed.success) throw new RuleValidationError(fieldProblems(parsed.error.issues))
  const problems = validateRuleAgainstCatalog(parsed.data, index)
  if (problems.length > 0) throw new RuleValidationError(problems)
  return parsed.data
}

export function parseActor(actor: string): string {
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
