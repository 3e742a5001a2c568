import { MESSAGES, type MessageKey } from '../i18n/messages'

/**
 * A change to a rule, field by field: the leaves of the definitions before
 * and after (condition.value, scope.region, name.zh…) that differ, each with
 * both values, said in the page's language. History rows are the definitions
 * as stored then, so nothing here assumes they still parse as a rule: a value
 * that is not a plain object or list is a leaf, whatever it is.
 */

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string
type Path = Array<string | number>

export interface RuleFieldChange {
  /** The top-level part of the rule the field belongs to (condition, scope, name…). */
  part: string
  path: Path
  /** undefined: the field was not set on that side. */
  before: unknown
  after: unknown
}

const isBranch = (v: unknown): v is Record<string, unknown> | unknown[] => typeof v === 'object' && v !== null && (Array.isArray(v) || Object.keys(v).length > 0)

/** Every leaf of a definition by its path (insertion order: the rule's own order). */
function leaves(value: unknown, path: Path = [], out = new Map<string, { path: Path; value: unknown }>()) {
  if (isBranch(value)) {
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)
    for (const [key, v] of entries) leaves(v, [...path, key], out)
  } else if (path.length > 0) out.set(path.join('.'), { path, value })
  return out
}

/** The fields a change touched, in the order the rule before holds them, then those it added. */
export function ruleFieldChanges(before: unknown, after: unknown): RuleFieldChange[] {
  const a = leaves(before)
  const b = leaves(after)
  const out: RuleFieldChange[] = []
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key)
    const y = b.get(key)
    if (JSON.stringify(x?.value) === JSON.stringify(y?.value)) continue
    const path = (x ?? y)!.path
    out.push({ part: String(path[0]), path, before: x?.value, after: y?.value })
  }
  return out
}

/** Fields whose values are choices the page has words for, by the prefix of those words. */
const CHOICES: Array<{ test: (path: string) => boolean; prefix: string }> = [
  { test: (p) => p === 'condition.kind', prefix: 'ruleEdit.kind.' },
  { test: (p) => p === 'condition.op' || /^condition\.with\.\d+\.op$/.test(p), prefix: 'ruleEdit.op.' },
  { test: (p) => p === 'condition.direction', prefix: 'ruleEdit.direction.' },
  { test: (p) => p === 'condition.params.direction', prefix: 'ruleEdit.params.direction.' },
  { test: (p) => p === 'severity', prefix: 'alerts.severity.' },
  { test: (p) => p === 'scope.level' || p === 'group.by', prefix: 'ruleEdit.level.' },
  { test: (p) => p === 'scope.stationKind', prefix: 'ruleEdit.stations.' },
]

const isKey = (key: string): key is MessageKey => Object.hasOwn(MESSAGES.zh, key)

/** Names from the catalog, in the page's language; undefined for a code it does not know. */
export interface CatalogNames {
  indicator(code: string): string | undefined
  region(code: string): string | undefined
}

/** A field's value as the history shows it: choices and catalog codes in words, numbers and texts as they are. */
export function ruleValueText(path: Path, value: unknown, t: Translate, names: CatalogNames): string {
  if (value === undefined) return '—'
  const field = path.join('.')
  if (typeof value === 'boolean') return t(value ? 'ruleEdit.yes' : 'ruleEdit.no')
  if (typeof value === 'string') {
    const choice = CHOICES.find((c) => c.test(field))
    const key = choice ? `${choice.prefix}${value}` : ''
    if (isKey(key)) return t(key)
    if (field === 'indicator' || /^condition\.with\.\d+\.indicator$/.test(field)) return names.indicator(value) ?? value
    if (field === 'scope.region') return names.region(value) ?? value
    return value
  }
  if (typeof value === 'number') return String(value)
  return JSON.stringify(value)
}
