import { DEFAULT_BASELINE_PARAMS, type BaselineParams } from '../../../common/baseline-params'
import type { Indicator } from '../../../common/catalog-schema'
import type { Condition } from '../../../common/rule-schema'
import { useI18n } from '../i18n/i18n'
import { ChoiceField, FieldProblem, NumberField, OpField, type ProblemOf } from './rule-editor-inputs'

/**
 * A rule's condition as a form: the fields of its kind (the discriminated
 * union in common/rule-schema.ts), and only those — switching the kind starts
 * that kind's condition afresh (conditionFor), so no field of another kind
 * lingers in the rule to be refused by its strict schema.
 */

type ConditionKind = Condition['kind']
const DIRECTIONS = ['rise', 'fall', 'either'] as const
const BASELINE_SIDES = ['above', 'below', 'both'] as const
/** The baseline's numeric parameters in the order the form shows them (common/baseline-params.ts). */
const BASELINE_NUMBERS = ['threshold', 'slotMinutes', 'memoryVisits', 'weeklyTrustVisits', 'warmupVisits', 'learnClip', 'quietFloor', 'minDeviation'] as const

/** A condition of `kind` with sensible starting values for `indicator`. */
export function conditionFor(kind: ConditionKind, indicator: Indicator | undefined, others: readonly Indicator[]): Condition {
  const level = indicator?.target?.kind === 'level' ? indicator.target.value : 0
  const op = indicator?.better === 'higher' ? 'below' : 'above'
  switch (kind) {
    case 'threshold':
      return { kind, op, value: level }
    case 'rateOfChange':
      return { kind, windowSeconds: 3_600, direction: 'rise', percent: 50 }
    case 'baseline':
      return { kind }
    case 'stale':
      return { kind, cadences: 3 }
    case 'flatline':
      return { kind, cadences: 6 }
    case 'crossCheck':
      return { kind, op, value: level, with: [{ indicator: others[0]?.code ?? '', op: 'above', value: 0 }] }
  }
}

/** A baseline's parameters with one set or, given undefined, left to its default (and none left: no `params`). */
function withParam<K extends keyof BaselineParams>(c: Extract<Condition, { kind: 'baseline' }>, key: K, value: BaselineParams[K] | undefined): void {
  const params: BaselineParams = { ...c.params }
  if (value === undefined) delete params[key]
  else params[key] = value
  if (Object.keys(params).length === 0) delete c.params
  else c.params = params
}

export function ConditionFields({
  condition,
  kinds,
  onKind,
  onChange,
  problemOf,
  others,
}: {
  condition: Condition
  kinds: readonly ConditionKind[]
  onKind(kind: ConditionKind): void
  /** Changes the draft's condition in place (on a copy the editor made). */
  onChange(change: (c: Condition) => void): void
  problemOf: ProblemOf
  /** The indicators a cross-check may compare with (all but the rule's own). */
  others: readonly Indicator[]
}) {
  const { t, name } = useI18n()
  const optional = (path: string, label: string, value: number | undefined, set: (c: Condition, v: number | undefined) => void) => (
    <NumberField path={path} label={label} value={value} optional problemOf={problemOf} onChange={(v) => onChange((c) => set(c, v))} />
  )
  const required = (path: string, label: string, value: number | undefined, set: (c: Condition, v: number) => void) => (
    // An emptied required field stays empty in the draft: the schema names it as missing rather than the form inventing a value.
    <NumberField path={path} label={label} value={value} problemOf={problemOf} onChange={(v) => onChange((c) => set(c, v as number))} />
  )

  return (
    <>
      <div className="admin-form" data-testid="condition-form" data-kind={condition.kind}>
        <ChoiceField path="condition.kind" name="condition-kind" label={t('ruleEdit.field.kind')} value={condition.kind} choices={kinds} choiceLabel={(k) => t(`ruleEdit.kind.${k}`)} onChange={(k) => onKind(k ?? 'threshold')} problemOf={problemOf} />
        {condition.kind === 'threshold' && (
          <>
            <OpField path="condition.op" value={condition.op} problemOf={problemOf} onChange={(v) => onChange((c) => c.kind === 'threshold' && void (c.op = v))} />
            {required('condition.value', t('ruleEdit.field.value'), condition.value, (c, v) => c.kind === 'threshold' && void (c.value = v))}
            {optional('condition.recover', t('ruleEdit.field.recover'), condition.recover, (c, v) => c.kind === 'threshold' && void (v === undefined ? delete c.recover : (c.recover = v)))}
          </>
        )}
        {condition.kind === 'rateOfChange' && (
          <>
            {required('condition.windowSeconds', t('ruleEdit.field.windowSeconds'), condition.windowSeconds, (c, v) => c.kind === 'rateOfChange' && void (c.windowSeconds = v))}
            <ChoiceField
              path="condition.direction"
              label={t('ruleEdit.field.direction')}
              value={condition.direction}
              choices={DIRECTIONS}
              choiceLabel={(d) => t(`ruleEdit.direction.${d}`)}
              onChange={(d) => onChange((c) => c.kind === 'rateOfChange' && void (c.direction = d ?? 'rise'))}
              problemOf={problemOf}
            />
            {optional('condition.percent', t('ruleEdit.field.percent'), condition.percent, (c, v) => c.kind === 'rateOfChange' && void (v === undefined ? delete c.percent : (c.percent = v)))}
            {optional('condition.absolute', t('ruleEdit.field.absolute'), condition.absolute, (c, v) => c.kind === 'rateOfChange' && void (v === undefined ? delete c.absolute : (c.absolute = v)))}
          </>
        )}
        {condition.kind === 'baseline' && (
          <>
            {optional('condition.changeOverSeconds', t('ruleEdit.field.changeOverSeconds'), condition.changeOverSeconds, (c, v) => c.kind === 'baseline' && void (v === undefined ? delete c.changeOverSeconds : (c.changeOverSeconds = v)))}
            <ChoiceField
              path="condition.params.direction"
              label={t('ruleEdit.field.params.direction')}
              value={condition.params?.direction}
              choices={BASELINE_SIDES}
              choiceLabel={(d) => t(`ruleEdit.params.direction.${d}`)}
              empty={t('ruleEdit.defaultIs', { value: t(`ruleEdit.params.direction.${DEFAULT_BASELINE_PARAMS.direction}`) })}
              onChange={(d) => onChange((c) => c.kind === 'baseline' && withParam(c, 'direction', d))}
              problemOf={problemOf}
            />
            {BASELINE_NUMBERS.map((key) => (
              <NumberField
                key={key}
                path={`condition.params.${key}`}
                label={t(`ruleEdit.field.params.${key}`)}
                value={condition.params?.[key]}
                optional
                fallback={DEFAULT_BASELINE_PARAMS[key]}
                problemOf={problemOf}
                onChange={(v) => onChange((c) => c.kind === 'baseline' && withParam(c, key, v))}
              />
            ))}
            <label>
              <input type="checkbox" name="condition.params.counts" checked={condition.params?.counts === true} onChange={(e) => onChange((c) => c.kind === 'baseline' && withParam(c, 'counts', e.target.checked || undefined))} />
              {t('ruleEdit.field.params.counts')}
            </label>
          </>
        )}
        {(condition.kind === 'stale' || condition.kind === 'flatline') &&
          required('condition.cadences', t('ruleEdit.field.cadences'), condition.cadences, (c, v) => (c.kind === 'stale' || c.kind === 'flatline') && void (c.cadences = v))}
        {condition.kind === 'flatline' && optional('condition.tolerance', t('ruleEdit.field.tolerance'), condition.tolerance, (c, v) => c.kind === 'flatline' && void (v === undefined ? delete c.tolerance : (c.tolerance = v)))}
        {condition.kind === 'crossCheck' && (
          <>
            <OpField path="condition.op" value={condition.op} problemOf={problemOf} onChange={(v) => onChange((c) => c.kind === 'crossCheck' && void (c.op = v))} />
            {required('condition.value', t('ruleEdit.field.value'), condition.value, (c, v) => c.kind === 'crossCheck' && void (c.value = v))}
          </>
        )}
      </div>
      {condition.kind === 'baseline' && <p className="muted">{t('ruleEdit.paramsNote')}</p>}
      {condition.kind === 'crossCheck' && (
        <>
          <ol className="wall-edit-steps">
            {condition.with.map((w, k) => (
              <li key={k}>
                <select name={`condition.with.${k}.indicator`} aria-label={t('ruleEdit.field.withItem', { n: k + 1 })} value={w.indicator} onChange={(e) => onChange((c) => c.kind === 'crossCheck' && void (c.with[k]!.indicator = e.target.value))}>
                  {others.map((i) => (
                    <option key={i.code} value={i.code}>
                      {name(i.name)}
                    </option>
                  ))}
                </select>
                <OpField path={`condition.with.${k}.op`} value={w.op} problemOf={problemOf} onChange={(v) => onChange((c) => c.kind === 'crossCheck' && void (c.with[k]!.op = v))} />
                {required(`condition.with.${k}.value`, t('ruleEdit.field.value'), w.value, (c, v) => c.kind === 'crossCheck' && void (c.with[k]!.value = v))}
                <button type="button" disabled={condition.with.length === 1} onClick={() => onChange((c) => c.kind === 'crossCheck' && void c.with.splice(k, 1))}>
                  ✕
                </button>
              </li>
            ))}
          </ol>
          <FieldProblem path="condition.with" problemOf={problemOf} />
          {condition.with.length < 5 && (
            <button type="button" onClick={() => onChange((c) => c.kind === 'crossCheck' && void c.with.push({ indicator: others[0]?.code ?? '', op: 'above', value: 0 }))}>
              ＋ {t('ruleEdit.addWith')}
            </button>
          )}
        </>
      )}
    </>
  )
}
