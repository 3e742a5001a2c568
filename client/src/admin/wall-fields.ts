import type { FieldProblem } from '../../../common/wall-schema'
import type { MessageKey } from '../i18n/messages'

/**
 * A wall's or playlist's problems as the editor says them: the field in
 * words, in the page's language ("第 2 列 · 第 3 张卡片"), and what is wrong
 * with it from the problem's code and parameters (the checks are the
 * schema's and the server's own; only the words are the page's). A problem
 * without a known code keeps the English message it came with.
 */

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/** The field a path names, in words. */
export function fieldLabel(path: ReadonlyArray<string | number>, t: Translate): string {
  const [top, a, b, c] = path
  const n = (x: unknown) => Number(x) + 1
  switch (top) {
    case 'id':
      return t('wallEdit.field.id')
    case 'title':
      return a === 'en' ? t('wallEdit.field.titleEn') : t('wallEdit.field.titleZh')
    case 'root':
      return t('wallEdit.field.root')
    case 'columns': {
      if (typeof a !== 'number') return t('wallEdit.field.columns')
      const column = t('wallEdit.field.column', { n: n(a) })
      if (b === 'domain') return `${column} · ${t('wallEdit.field.domain')}`
      if (b === 'kpis') return typeof c === 'number' ? `${column} · ${t('wallEdit.field.card', { n: n(c) })}` : `${column} · ${t('wallEdit.field.cards')}`
      if (b === 'trend') return `${column} · ${c === 'window' ? t('wallEdit.field.trendWindow') : t('wallEdit.field.trend')}`
      if (b === 'ranking') return `${column} · ${t('wallEdit.field.ranking')}`
      return column
    }
    case 'map':
      return `${t('wallEdit.field.map')} · ${a === 'layers' ? t('wallEdit.field.layers') : t('wallEdit.field.mapIndicator')}`
    case 'tour':
      if (a === 'steps') return typeof b === 'number' ? `${t('wallEdit.field.tour')} · ${t('wallEdit.field.step', { n: n(b) })}` : `${t('wallEdit.field.tour')} · ${t('wallEdit.field.steps')}`
      return `${t('wallEdit.field.tour')} · ${a === 'autostart' ? t('wallEdit.field.autostart') : t('wallEdit.field.dwell')}`
    case 'entries':
      if (typeof a !== 'number') return t('wallEdit.field.entries')
      return `${t('wallEdit.field.entry', { n: n(a) })} · ${b === 'dwellSeconds' ? t('wallEdit.field.dwell') : t('wallEdit.field.wall')}`
    default:
      return path.join('.')
  }
}

const CODES: Record<string, MessageKey> = {
  unknown_indicator: 'wallEdit.err.unknownIndicator',
  other_domain: 'wallEdit.err.otherDomain',
  unknown_region: 'wallEdit.err.unknownRegion',
  outside_scope: 'wallEdit.err.outsideScope',
  unknown_domain: 'wallEdit.err.unknownDomain',
  no_column: 'wallEdit.err.noColumn',
  duplicate: 'wallEdit.err.duplicate',
  domain_taken: 'wallEdit.err.domainTaken',
  unknown_wall: 'wallEdit.err.unknownWall',
  wall_outside_scope: 'wallEdit.err.wallOutsideScope',
  too_small: 'wallEdit.err.tooSmall',
  too_big: 'wallEdit.err.tooBig',
  required: 'wallEdit.err.required',
  unknown_field: 'wallEdit.err.unknownField',
}

/** What is wrong, in words. */
export function problemText(p: FieldProblem, t: Translate): string {
  const key = p.code ? CODES[p.code] : undefined
  return key ? t(key, p.params) : p.message
}

/** "<field>: <what is wrong>", as the editor lists it. */
export function describeFieldProblem(p: FieldProblem, t: Translate): string {
  return t('wallEdit.problem', { field: fieldLabel(p.path, t), text: problemText(p, t) })
}

/** A path as a key, for placing a problem beside its field. */
export function pathKey(path: ReadonlyArray<string | number>): string {
  return path.join('.')
}

/** `items` with the one at `from` moved by `by` places (clamped); the same array when it cannot move. */
export function moved<T>(items: readonly T[], from: number, by: number): T[] {
  const to = Math.max(0, Math.min(items.length - 1, from + by))
  if (to === from || from < 0 || from >= items.length) return [...items]
  const out = [...items]
  const [item] = out.splice(from, 1)
  out.splice(to, 0, item!)
  return out
}

/**
 * What changed between two versions of a definition, part by part: each
 * top-level field, and each column or entry by its place, as compact JSON.
 */
export function changedParts(before: unknown, after: unknown): Array<{ part: string; before: string; after: string }> {
  const a = (before ?? {}) as Record<string, unknown>
  const b = (after ?? {}) as Record<string, unknown>
  const out: Array<{ part: string; before: string; after: string }> = []
  const text = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v))
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key]
    const y = b[key]
    if (Array.isArray(x) && Array.isArray(y) && (key === 'columns' || key === 'entries')) {
      for (let i = 0; i < Math.max(x.length, y.length); i++)
        if (JSON.stringify(x[i]) !== JSON.stringify(y[i])) out.push({ part: `${key}[${i}]`, before: text(x[i]), after: text(y[i]) })
    } else if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ part: key, before: text(x), after: text(y) })
  }
  return out
}

/** A zod issue as a field problem: its kind and bounds, for the words. */
export function issueProblem(issue: { path: PropertyKey[]; message: string; code: string; params?: unknown; minimum?: unknown; maximum?: unknown; input?: unknown }): FieldProblem {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
  const custom = (issue.params ?? {}) as Record<string, string | number>
  if (issue.code === 'custom' && typeof custom.code === 'string') return { path, message: issue.message, code: custom.code, params: custom }
  if (issue.code === 'too_small') return { path, message: issue.message, code: 'too_small', params: { minimum: Number(issue.minimum) } }
  if (issue.code === 'too_big') return { path, message: issue.message, code: 'too_big', params: { maximum: Number(issue.maximum) } }
  return { path, message: issue.message }
}
