import type { z } from 'zod'
import type { MessageKey } from '../i18n/messages'

/**
 * A rule's problems as the rule editor says them: the field in words, in the
 * page's language, and what is wrong — from the zod issue's kind and bounds,
 * or, for the rule schema's own checks, by the field they are about. The
 * checks are the schema's (common/rule-schema.ts) and the server's; only the
 * words are the page's. A server problem comes as "path: message"; its path
 * is named the same way and its message kept as the server said it.
 */

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

const LABELS: Record<string, MessageKey> = {
  id: 'ruleEdit.field.id',
  'name.zh': 'ruleEdit.field.nameZh',
  'name.en': 'ruleEdit.field.nameEn',
  'message.zh': 'ruleEdit.field.messageZh',
  'message.en': 'ruleEdit.field.messageEn',
  indicator: 'ruleEdit.field.indicator',
  severity: 'ruleEdit.field.severity',
  enabled: 'ruleEdit.field.enabled',
  scope: 'ruleEdit.field.scope',
  'scope.level': 'ruleEdit.field.scopeLevel',
  'scope.region': 'ruleEdit.field.scopeRegion',
  'scope.stationKind': 'ruleEdit.field.scopeStationKind',
  condition: 'ruleEdit.field.condition',
  'condition.kind': 'ruleEdit.field.kind',
  'condition.op': 'ruleEdit.field.op',
  'condition.value': 'ruleEdit.field.value',
  'condition.recover': 'ruleEdit.field.recover',
  'condition.windowSeconds': 'ruleEdit.field.windowSeconds',
  'condition.direction': 'ruleEdit.field.direction',
  'condition.percent': 'ruleEdit.field.percent',
  'condition.absolute': 'ruleEdit.field.absolute',
  'condition.changeOverSeconds': 'ruleEdit.field.changeOverSeconds',
  'condition.cadences': 'ruleEdit.field.cadences',
  'condition.tolerance': 'ruleEdit.field.tolerance',
  'condition.with': 'ruleEdit.field.with',
  'condition.params': 'ruleEdit.field.params',
  'condition.params.threshold': 'ruleEdit.field.params.threshold',
  'condition.params.direction': 'ruleEdit.field.params.direction',
  'condition.params.slotMinutes': 'ruleEdit.field.params.slotMinutes',
  'condition.params.memoryVisits': 'ruleEdit.field.params.memoryVisits',
  'condition.params.weeklyTrustVisits': 'ruleEdit.field.params.weeklyTrustVisits',
  'condition.params.warmupVisits': 'ruleEdit.field.params.warmupVisits',
  'condition.params.learnClip': 'ruleEdit.field.params.learnClip',
  'condition.params.quietFloor': 'ruleEdit.field.params.quietFloor',
  'condition.params.minDeviation': 'ruleEdit.field.params.minDeviation',
  'condition.params.counts': 'ruleEdit.field.params.counts',
  for: 'ruleEdit.field.for',
  forPoints: 'ruleEdit.field.forPoints',
  keepFiringFor: 'ruleEdit.field.keepFiringFor',
  minPeriodShare: 'ruleEdit.field.minPeriodShare',
  escalateAfter: 'ruleEdit.field.escalateAfter',
  group: 'ruleEdit.field.group',
  'group.by': 'ruleEdit.field.groupBy',
  'group.min': 'ruleEdit.field.groupMin',
  'group.windowSeconds': 'ruleEdit.field.groupWindow',
  floodLimit: 'ruleEdit.field.floodLimit',
}

/** The field a rule path names, in words ("条件 · 比较的第 2 项 · 阈值"). */
export function ruleFieldLabel(path: ReadonlyArray<string | number>, t: Translate): string {
  if (path[0] === 'condition' && path[1] === 'with' && typeof path[2] === 'number') {
    const item = t('ruleEdit.field.withItem', { n: path[2] + 1 })
    const inner = path[3] === 'indicator' ? t('ruleEdit.field.indicator') : path[3] === 'op' ? t('ruleEdit.field.op') : path[3] === 'value' ? t('ruleEdit.field.value') : ''
    return inner ? `${item} · ${inner}` : item
  }
  const key = LABELS[path.join('.')]
  return key ? t(key) : path.join('.') || t('ruleEdit.field.rule')
}

/** The rule schema's own refinements, said by the field they are about. */
const REFINEMENTS: Record<string, MessageKey> = {
  'condition.recover': 'ruleEdit.err.recoverSide',
  'condition.percent': 'ruleEdit.err.percentOrAbsolute',
  'scope.stationKind': 'ruleEdit.err.levelOrStations',
  'scope.level': 'ruleEdit.err.scopeNeeded',
  'condition.windowSeconds': 'ruleEdit.err.positive',
  'condition.changeOverSeconds': 'ruleEdit.err.positive',
  'condition.params.slotMinutes': 'ruleEdit.err.dividesDay',
}

/** One zod issue of a rule as "field: what is wrong". */
export function ruleIssueText(issue: z.core.$ZodIssue, t: Translate): string {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
  const field = ruleFieldLabel(path, t)
  let text: string
  switch (issue.code) {
    case 'too_small':
      // A text's or a list's bound is a length: an empty name is missing, not "less than 1".
      if (issue.origin === 'string') text = Number(issue.minimum) <= 1 ? t('ruleEdit.err.required') : t('ruleEdit.err.minChars', { n: Number(issue.minimum) })
      else if (issue.origin === 'array') text = t('ruleEdit.err.minItems', { n: Number(issue.minimum) })
      else text = issue.inclusive === false ? t('ruleEdit.err.above', { n: Number(issue.minimum) }) : t('ruleEdit.err.atLeast', { n: Number(issue.minimum) })
      break
    case 'too_big':
      if (issue.origin === 'string') text = t('ruleEdit.err.maxChars', { n: Number(issue.maximum) })
      else if (issue.origin === 'array') text = t('ruleEdit.err.maxItems', { n: Number(issue.maximum) })
      else text = issue.inclusive === false ? t('ruleEdit.err.below', { n: Number(issue.maximum) }) : t('ruleEdit.err.atMost', { n: Number(issue.maximum) })
      break
    case 'invalid_type':
      // A fraction where a whole number goes is "expected int"; a field left empty is "expected number" (or text) without an input.
      text = issue.expected === 'int' ? t('ruleEdit.err.integer') : issue.input === undefined || issue.input === '' ? t('ruleEdit.err.required') : t('ruleEdit.err.number')
      break
    case 'invalid_value':
      text = t('ruleEdit.err.choice')
      break
    case 'invalid_format':
      text = t('ruleEdit.err.format')
      break
    case 'custom':
      text = REFINEMENTS[path.join('.')] ? t(REFINEMENTS[path.join('.')]!) : issue.message
      break
    default:
      text = issue.message
  }
  return t('ruleEdit.problem', { field, text })
}

/** A server problem ("condition.value: …") with its field named in words. */
export function serverProblemText(problem: string, t: Translate): string {
  const m = /^([\w.[\]]+): (.*)$/s.exec(problem)
  if (!m) return problem
  const path = m[1]!.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))
  return t('ruleEdit.problem', { field: ruleFieldLabel(path, t), text: m[2]! })
}
