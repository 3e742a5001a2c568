import { useI18n } from '../i18n/i18n'
import { Field } from './admin-controls'

/**
 * The rule editor's fields: each named by the rule path it edits (the input's
 * `name` is the path, so a test and a problem find it the same way) and
 * showing that path's problem beside it. The problems are the rule schema's,
 * worded by rule-fields.ts; these only place them.
 */

/** The words for the first problem of a rule path, if it has one. */
export type ProblemOf = (path: string) => string | undefined

export function FieldProblem({ path, problemOf }: { path: string; problemOf: ProblemOf }) {
  const text = problemOf(path)
  return text ? (
    <span className="wall-edit-err" data-testid="field-error" data-field={path}>
      {text}
    </span>
  ) : null
}

/** A number field's text as the draft holds it: empty is "not given". */
const numberOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text))

/** A number; an optional one says so, and shows the value it takes when left empty. */
export function NumberField({
  path,
  label,
  value,
  onChange,
  problemOf,
  optional = false,
  fallback,
}: {
  path: string
  label: string
  value: number | undefined
  onChange(value: number | undefined): void
  problemOf: ProblemOf
  optional?: boolean
  /** What an empty optional field means (shown greyed in it). */
  fallback?: number
}) {
  const { t } = useI18n()
  return (
    <Field label={`${label}${optional ? ` ${t('ruleEdit.optional')}` : ''}`} error={<FieldProblem path={path} problemOf={problemOf} />}>
      <input
        name={path}
        type="number"
        step="any"
        placeholder={fallback === undefined ? undefined : t('ruleEdit.defaultIs', { value: fallback })}
        value={value === undefined || Number.isNaN(value) ? '' : value}
        onChange={(e) => onChange(numberOf(e.target.value))}
      />
    </Field>
  )
}

/**
 * One of a fixed set of choices. `empty`, when given, is the label of "not
 * given" (an optional field); choosing it passes undefined.
 */
export function ChoiceField<T extends string>({
  path,
  name = path,
  label,
  value,
  choices,
  choiceLabel,
  onChange,
  problemOf,
  empty,
}: {
  path: string
  /** The select's name, when it is not the path (kept from before the form named fields by path). */
  name?: string
  label: string
  value: T | undefined
  choices: readonly T[]
  choiceLabel(choice: T): string
  onChange(value: T | undefined): void
  problemOf: ProblemOf
  empty?: string
}) {
  return (
    <Field label={label} error={<FieldProblem path={path} problemOf={problemOf} />}>
      <select name={name} value={value ?? ''} onChange={(e) => onChange(choices.find((c) => c === e.target.value))}>
        {empty !== undefined && <option value="">{empty}</option>}
        {choices.map((c) => (
          <option key={c} value={c}>
            {choiceLabel(c)}
          </option>
        ))}
      </select>
    </Field>
  )
}

const OPS = ['above', 'below'] as const

/** Above or below, as a threshold and a cross-check's tests compare. */
export function OpField({ path, value, onChange, problemOf }: { path: string; value: 'above' | 'below'; onChange(value: 'above' | 'below'): void; problemOf: ProblemOf }) {
  const { t } = useI18n()
  return <ChoiceField path={path} label={t('ruleEdit.field.op')} value={value} choices={OPS} choiceLabel={(o) => t(`ruleEdit.op.${o}`)} onChange={(v) => onChange(v ?? 'above')} problemOf={problemOf} />
}
