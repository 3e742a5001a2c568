import { useMemo, useState } from 'react'
import { z } from 'zod'
import { putRuleReplySchema } from '../../../common/api/rules-api'
import type { Indicator } from '../../../common/catalog-schema'
import { ConditionSchema, DEFAULT_FLOOD_LIMIT, DEFAULT_GROUPING, RuleSchema, SEVERITIES, type Condition, type RuleInput } from '../../../common/rule-schema'
import { ApiRequestError, putJson } from '../api/http'
import { useAuth } from '../auth/auth'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { indent, regionOptions } from '../ui/region-options'
import { Field, Section } from './admin-controls'
import { serverError } from './form-errors'
import { RuleBacktest, type Tested } from './rule-editor-backtest'
import { ConditionFields, conditionFor } from './rule-editor-condition'
import { RuleHistory } from './rule-editor-history'
import { ChoiceField, FieldProblem, NumberField, type ProblemOf } from './rule-editor-inputs'
import { ruleIssueText, serverProblemText } from './rule-fields'

/**
 * The rule editor (/admin/rules): a rule as a form, with the fields of its
 * condition's kind (threshold, rate of change, baseline, stale, flatline,
 * cross-check; rule-editor-condition.tsx), checked as it changes by the
 * rule's own schema — each problem naming its field in the page's language —
 * and by the server at save, whose refusal is named the same way. Before
 * saving, the edited rule is backtested over the stored history of its scope
 * (rule-editor-backtest.tsx); below, the rule's changes, field by field
 * (rule-editor-history.tsx).
 */

type Draft = RuleInput
const KINDS = ConditionSchema.options.map((o) => o.shape.kind.value)
const LEVELS = ['province', 'city', 'county', 'leaf'] as const
const GROUP_LEVELS = ['province', 'city', 'county'] as const
/** A 400's problems from the envelope's details, when it lists them. */
const problemsSchema = z.object({ problems: z.array(z.string()) })

export function newRule(indicator: Indicator): Draft {
  return {
    id: '',
    name: { zh: '', en: '' },
    enabled: true,
    indicator: indicator.code,
    scope: indicator.stationKind ? { stationKind: indicator.stationKind } : { level: 'leaf' },
    condition: conditionFor('threshold', indicator, []),
    for: 0,
    keepFiringFor: 0,
    severity: 'warning',
    message: { zh: '{region}{indicator}为 {value}{unit}，越过 {threshold}', en: '{indicator} in {region} is {value} {unit}, past {threshold}' },
  }
}

export function RuleEditor({ start, isNew, onDone }: { start: Draft; isNew: boolean; onDone(message: string | null): void }) {
  const { t, name } = useI18n()
  const { me } = useAuth()
  const catalog = useCatalog()
  const [draft, setDraft] = useState<Draft>(start)
  const [serverProblems, setServerProblems] = useState<string[]>([])
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [tested, setTested] = useState<Tested | null>(null)

  const parsed = useMemo(() => RuleSchema.safeParse(draft), [draft])
  const problems = useMemo(() => (parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), text: ruleIssueText(i, t) }))), [parsed, t])
  const problemOf: ProblemOf = (path) => problems.find((p) => p.path === path)?.text
  const edit = (change: (d: Draft) => void) => {
    setDraft((d) => {
      const copy = structuredClone(d)
      change(copy)
      return copy
    })
    setServerProblems([])
  }
  const indicator = catalog.indicator(draft.indicator)
  const others = catalog.catalog.indicators.filter((i) => i.code !== draft.indicator)

  const save = () => {
    if (!parsed.success) return
    setSaving(true)
    setError(null)
    // The draft as edited, not the parse: defaults the operator never set stay unset in the stored rule.
    putJson(`/api/rules/${encodeURIComponent(parsed.data.id)}`, draft, putRuleReplySchema)
      .then(
        (r) => onDone(t('ruleEdit.saved', { id: r.rule.id, version: r.version })),
        (e: unknown) => {
          const details = e instanceof ApiRequestError ? problemsSchema.safeParse(e.details) : null
          if (details?.success) setServerProblems(details.data.problems)
          setError(serverError(e, t))
        },
      )
      .finally(() => setSaving(false))
  }

  const regions = regionOptions(catalog.tree).filter((o) => catalog.tree.isWithin(o.region.code, me.region))
  const top = regions[0]?.depth ?? 0
  const scopeKind = draft.scope.stationKind ? 'stations' : draft.scope.level ? 'level' : 'region'
  const groupMode = draft.group === undefined ? 'default' : draft.group === false ? 'off' : 'custom'
  const group = typeof draft.group === 'object' ? draft.group : null

  return (
    <div className="wall-edit" data-testid="rule-editor">
      <section className="admin-section">
        <div className="wall-edit-bar">
          <button type="button" onClick={() => onDone(null)}>
            ‹ {t('ruleEdit.back')}
          </button>
          <h2>{name(draft.name) || draft.id || t('ruleEdit.new')}</h2>
          <button type="button" className="primary" data-testid="rule-save" disabled={saving || !parsed.success} onClick={save}>
            {t('ruleEdit.save')}
          </button>
        </div>
        {(problems.length > 0 || serverProblems.length > 0) && (
          <div className="admin-error" role="alert" data-testid="rule-problems">
            {t('ruleEdit.invalid', { count: problems.length + serverProblems.length })}
            <ul>
              {problems.map((p) => (
                <li key={p.path + p.text}>{p.text}</li>
              ))}
              {serverProblems.map((p) => (
                <li key={p}>{serverProblemText(p, t)}</li>
              ))}
            </ul>
          </div>
        )}
        {error && (
          <p className="admin-error" role="alert" data-testid="form-error">
            {error}
          </p>
        )}
      </section>

      <Section title={t('ruleEdit.section.basics')}>
        <div className="admin-form">
          <Field label={t('ruleEdit.field.id')} error={<FieldProblem path="id" problemOf={problemOf} />}>
            <input name="id" value={draft.id} disabled={!isNew} onChange={(e) => edit((d) => void (d.id = e.target.value.trim()))} />
          </Field>
          <Field label={t('ruleEdit.field.nameZh')} error={<FieldProblem path="name.zh" problemOf={problemOf} />}>
            <input name="name-zh" value={draft.name.zh} onChange={(e) => edit((d) => void (d.name.zh = e.target.value))} />
          </Field>
          <Field label={t('ruleEdit.field.nameEn')} error={<FieldProblem path="name.en" problemOf={problemOf} />}>
            <input name="name-en" value={draft.name.en} onChange={(e) => edit((d) => void (d.name.en = e.target.value))} />
          </Field>
          <Field label={t('ruleEdit.field.indicator')} error={<FieldProblem path="indicator" problemOf={problemOf} />}>
            <select
              name="indicator"
              value={draft.indicator}
              onChange={(e) =>
                edit((d) => {
                  const next = catalog.indicator(e.target.value)
                  d.indicator = e.target.value
                  // A station indicator is watched at its stations; a region one by level.
                  if (next?.stationKind) d.scope = { stationKind: next.stationKind, ...(d.scope.region ? { region: d.scope.region } : {}) }
                  else if (d.scope.stationKind) d.scope = { level: 'leaf', ...(d.scope.region ? { region: d.scope.region } : {}) }
                })
              }
            >
              {catalog.domainList.map((dm) => (
                <optgroup key={dm.code} label={name(dm.name)}>
                  {catalog.indicatorsOf(dm.code).map((i) => (
                    <option key={i.code} value={i.code}>
                      {name(i.name)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </Field>
          <ChoiceField path="severity" label={t('ruleEdit.field.severity')} value={draft.severity} choices={SEVERITIES} choiceLabel={(s) => t(`alerts.severity.${s}`)} onChange={(s) => edit((d) => void (d.severity = s ?? 'warning'))} problemOf={problemOf} />
          <label>
            <input type="checkbox" name="enabled" checked={draft.enabled !== false} onChange={(e) => edit((d) => void (d.enabled = e.target.checked))} />
            {t('ruleEdit.field.enabled')}
          </label>
        </div>
        <div className="admin-form">
          <Field label={t('ruleEdit.field.messageZh')} error={<FieldProblem path="message.zh" problemOf={problemOf} />}>
            <input name="message-zh" className="rule-edit-message" value={draft.message.zh} onChange={(e) => edit((d) => void (d.message.zh = e.target.value))} />
          </Field>
          <Field label={t('ruleEdit.field.messageEn')} error={<FieldProblem path="message.en" problemOf={problemOf} />}>
            <input name="message-en" className="rule-edit-message" value={draft.message.en} onChange={(e) => edit((d) => void (d.message.en = e.target.value))} />
          </Field>
        </div>
        <p className="muted">{t('ruleEdit.placeholders')}</p>
      </Section>

      <Section title={t('ruleEdit.section.scope')}>
        <div className="admin-form">
          <Field label={t('ruleEdit.field.scopeKind')} error={null}>
            <select
              name="scope-kind"
              value={scopeKind}
              onChange={(e) =>
                edit((d) => {
                  const region = d.scope.region
                  const kind = e.target.value
                  d.scope = kind === 'stations' ? { stationKind: indicator?.stationKind ?? 'air', ...(region ? { region } : {}) } : kind === 'level' ? { level: 'leaf', ...(region ? { region } : {}) } : { region: region ?? me.region }
                })
              }
            >
              {indicator?.stationKind && <option value="stations">{t('ruleEdit.scope.stations')}</option>}
              <option value="level">{t('ruleEdit.scope.level')}</option>
              <option value="region">{t('ruleEdit.scope.region')}</option>
            </select>
          </Field>
          {scopeKind === 'stations' && (
            <ChoiceField
              path="scope.stationKind"
              name="scope-station-kind"
              label={t('ruleEdit.field.scopeStationKind')}
              value={draft.scope.stationKind}
              choices={['air', 'traffic'] as const}
              choiceLabel={(k) => t(`ruleEdit.stations.${k}`)}
              onChange={(k) => edit((d) => void (d.scope.stationKind = k ?? 'air'))}
              problemOf={problemOf}
            />
          )}
          {scopeKind === 'level' && (
            <ChoiceField path="scope.level" name="scope-level" label={t('ruleEdit.field.scopeLevel')} value={draft.scope.level} choices={LEVELS} choiceLabel={(l) => t(`ruleEdit.level.${l}`)} onChange={(l) => edit((d) => void (d.scope.level = l ?? 'leaf'))} problemOf={problemOf} />
          )}
          <Field label={t('ruleEdit.field.scopeRegion')} error={<FieldProblem path="scope.region" problemOf={problemOf} />}>
            <select name="scope-region" aria-label={t('ruleEdit.field.scopeRegion')} value={draft.scope.region ?? ''} onChange={(e) => edit((d) => void (e.target.value === '' ? delete d.scope.region : (d.scope.region = e.target.value)))}>
              {/* One region's total needs the region; a level or a station kind may cover the admin's whole subtree. */}
              {scopeKind !== 'region' && <option value="">{t('ruleEdit.scope.anyRegion')}</option>}
              {regions.map((o) => (
                <option key={o.region.code} value={o.region.code}>
                  {indent(o.depth - top)}
                  {name(o.region.name)}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </Section>

      <Section title={t('ruleEdit.section.condition')}>
        <ConditionFields
          condition={draft.condition as Condition}
          kinds={KINDS}
          onKind={(kind) => edit((d) => void (d.condition = conditionFor(kind, indicator, others)))}
          onChange={(change) => edit((d) => change(d.condition as Condition))}
          problemOf={problemOf}
          others={others}
        />
      </Section>

      <Section title={t('ruleEdit.section.timing')}>
        <div className="admin-form">
          <NumberField path="for" label={t('ruleEdit.field.for')} value={draft.for} problemOf={problemOf} onChange={(v) => edit((d) => void (d.for = v ?? 0))} />
          <NumberField path="forPoints" label={t('ruleEdit.field.forPoints')} value={draft.forPoints} optional problemOf={problemOf} onChange={(v) => edit((d) => void (v === undefined ? delete d.forPoints : (d.forPoints = v)))} />
          <NumberField path="keepFiringFor" label={t('ruleEdit.field.keepFiringFor')} value={draft.keepFiringFor} problemOf={problemOf} onChange={(v) => edit((d) => void (d.keepFiringFor = v ?? 0))} />
          {/* Only a running value (today so far) has a period to be part-way through. */}
          {indicator?.running && (
            <NumberField path="minPeriodShare" label={t('ruleEdit.field.minPeriodShare')} value={draft.minPeriodShare} optional problemOf={problemOf} onChange={(v) => edit((d) => void (v === undefined ? delete d.minPeriodShare : (d.minPeriodShare = v)))} />
          )}
          <NumberField path="escalateAfter" label={t('ruleEdit.field.escalateAfter')} value={draft.escalateAfter} optional problemOf={problemOf} onChange={(v) => edit((d) => void (v === undefined ? delete d.escalateAfter : (d.escalateAfter = v)))} />
        </div>
      </Section>

      <Section title={t('ruleEdit.section.storm')}>
        <div className="admin-form">
          <Field label={t('ruleEdit.field.group')} error={<FieldProblem path="group" problemOf={problemOf} />}>
            <select
              name="group"
              value={groupMode}
              onChange={(e) =>
                edit((d) => {
                  if (e.target.value === 'off') d.group = false
                  // A custom grouping starts from the default, so choosing it changes nothing until a field does.
                  else if (e.target.value === 'custom') d.group = { ...DEFAULT_GROUPING }
                  else delete d.group
                })
              }
            >
              <option value="default">{t('ruleEdit.group.default', { by: t(`ruleEdit.level.${DEFAULT_GROUPING.by}`), minutes: DEFAULT_GROUPING.windowSeconds / 60, min: DEFAULT_GROUPING.min })}</option>
              <option value="off">{t('ruleEdit.group.off')}</option>
              <option value="custom">{t('ruleEdit.group.custom')}</option>
            </select>
          </Field>
          {group && (
            <>
              <ChoiceField
                path="group.by"
                label={t('ruleEdit.field.groupBy')}
                value={group.by}
                choices={GROUP_LEVELS}
                choiceLabel={(l) => t(`ruleEdit.level.${l}`)}
                empty={t('ruleEdit.defaultIs', { value: t(`ruleEdit.level.${DEFAULT_GROUPING.by}`) })}
                onChange={(by) => edit((d) => typeof d.group === 'object' && void (by === undefined ? delete d.group.by : (d.group.by = by)))}
                problemOf={problemOf}
              />
              <NumberField path="group.min" label={t('ruleEdit.field.groupMin')} value={group.min} optional fallback={DEFAULT_GROUPING.min} problemOf={problemOf} onChange={(v) => edit((d) => typeof d.group === 'object' && void (v === undefined ? delete d.group.min : (d.group.min = v)))} />
              <NumberField
                path="group.windowSeconds"
                label={t('ruleEdit.field.groupWindow')}
                value={group.windowSeconds}
                optional
                fallback={DEFAULT_GROUPING.windowSeconds}
                problemOf={problemOf}
                onChange={(v) => edit((d) => typeof d.group === 'object' && void (v === undefined ? delete d.group.windowSeconds : (d.group.windowSeconds = v)))}
              />
            </>
          )}
          <NumberField path="floodLimit" label={t('ruleEdit.field.floodLimit')} value={draft.floodLimit} optional fallback={DEFAULT_FLOOD_LIMIT} problemOf={problemOf} onChange={(v) => edit((d) => void (v === undefined ? delete d.floodLimit : (d.floodLimit = v)))} />
        </div>
      </Section>

      <Section title={t('ruleEdit.section.backtest')}>
        <RuleBacktest draft={draft} valid={parsed.success} tested={tested} onTested={setTested} />
      </Section>

      {!isNew && (
        <Section title={t('ruleEdit.section.history')}>
          <RuleHistory id={start.id} />
        </Section>
      )}
    </div>
  )
}
