import { useEffect, useMemo, useState } from 'react'
import { z } from 'zod'
import { seriesReplySchema, type SeriesReply } from '../../../common/api/query-api'
import { backtestReplySchema, putRuleReplySchema, type BacktestReply } from '../../../common/api/rules-api'
import type { Indicator } from '../../../common/catalog-schema'
import { ConditionSchema, RuleSchema, SEVERITIES, type Condition, type RuleInput } from '../../../common/rule-schema'
import { ApiRequestError, getJson, postJson, putJson, query } from '../api/http'
import { useAuth } from '../auth/auth'
import { CHART_COLORS, TIME_LABELS, type ChartOption } from '../charts/echarts'
import { useChart } from '../charts/use-chart'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { indent, regionOptions } from '../ui/region-options'
import { DocumentHistory } from './document-history'
import { Field, Section } from './admin-controls'
import { serverError } from './form-errors'
import { ruleIssueText, serverProblemText } from './rule-fields'

/**
 * The rule editor (/admin/rules): a rule as a form, with the fields of its
 * condition's kind (threshold, rate of change, baseline, stale, flatline,
 * cross-check), checked as it changes by the rule's own schema — each problem
 * naming its field in the page's language — and by the server at save.
 * Before saving, the edited rule is backtested over the stored history of its
 * scope (default the last 30 days): how often it would have fired, on which
 * series, when, and a series drawn with its firings marked. The firings are
 * the server's engine run (POST /api/rules/backtest), not a guess of the page.
 */

type Draft = RuleInput
type ConditionKind = Condition['kind']
const KINDS = ConditionSchema.options.map((o) => o.shape.kind.value)
const DAY_MS = 86_400_000
const SHOWN_FIRINGS = 200

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

/** A number field's text as the draft holds it: empty is "not given". */
const numberOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text))

export function RuleEditor({ start, isNew, onDone }: { start: Draft; isNew: boolean; onDone(message: string | null): void }) {
  const { t, name } = useI18n()
  const { me } = useAuth()
  const catalog = useCatalog()
  const [draft, setDraft] = useState<Draft>(start)
  const [serverProblems, setServerProblems] = useState<string[]>([])
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [tested, setTested] = useState<{ reply: BacktestReply; rule: string } | null>(null)

  const parsed = useMemo(() => RuleSchema.safeParse(draft), [draft])
  const problems = useMemo(() => (parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), text: ruleIssueText(i, t) }))), [parsed, t])
  const fieldError = (path: string) => {
    const p = problems.find((x) => x.path === path)
    return p ? (
      <span className="wall-edit-err" data-testid="field-error" data-field={path}>
        {p.text}
      </span>
    ) : null
  }
  const edit = (change: (d: Draft) => void) => {
    setDraft((d) => {
      const copy = structuredClone(d)
      change(copy)
      return copy
    })
    setServerProblems([])
  }
  const indicator = catalog.indicator(draft.indicator)
  const condition = draft.condition
  const others = catalog.catalog.indicators.filter((i) => i.code !== draft.indicator)

  const save = () => {
    if (!parsed.success) return
    setSaving(true)
    setError(null)
    putJson(`/api/rules/${encodeURIComponent(parsed.data.id)}`, draft, putRuleReplySchema)
      .then(
        (r) => onDone(t('ruleEdit.saved', { id: r.rule.id, version: r.version })),
        (e: unknown) => {
          const details = e instanceof ApiRequestError ? z.object({ problems: z.array(z.string()) }).safeParse(e.details) : null
          if (details?.success) setServerProblems(details.data.problems)
          setError(serverError(e, t))
        },
      )
      .finally(() => setSaving(false))
  }

  const regions = regionOptions(catalog.tree).filter((o) => catalog.tree.isWithin(o.region.code, me.region))
  const top = regions[0]?.depth ?? 0
  const regionSelect = (value: string | undefined, onChange: (code: string | undefined) => void, allowAny: boolean, label: string) => (
    <select name="scope-region" aria-label={label} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
      {allowAny && <option value="">{t('ruleEdit.scope.anyRegion')}</option>}
      {regions.map((o) => (
        <option key={o.region.code} value={o.region.code}>
          {indent(o.depth - top)}
          {name(o.region.name)}
        </option>
      ))}
    </select>
  )
  const scopeKind = draft.scope.stationKind ? 'stations' : draft.scope.level ? 'level' : 'region'
  const numberInput = (path: string, value: number | undefined, set: (v: number | undefined) => void, label: string, optional = false) => (
    <Field label={`${label}${optional ? ` ${t('ruleEdit.optional')}` : ''}`} error={fieldError(path)}>
      <input name={path} type="number" step="any" value={value === undefined || Number.isNaN(value) ? '' : value} onChange={(e) => set(numberOf(e.target.value))} />
    </Field>
  )
  const opSelect = (path: string, value: 'above' | 'below', set: (v: 'above' | 'below') => void) => (
    <Field label={t('ruleEdit.field.op')} error={fieldError(path)}>
      <select name={path} value={value} onChange={(e) => set(e.target.value === 'below' ? 'below' : 'above')}>
        <option value="above">{t('ruleEdit.op.above')}</option>
        <option value="below">{t('ruleEdit.op.below')}</option>
      </select>
    </Field>
  )
  const setCondition = (change: (c: Condition) => void) => edit((d) => change(d.condition as Condition))

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
          <Field label={t('ruleEdit.field.id')} error={fieldError('id')}>
            <input name="id" value={draft.id} disabled={!isNew} onChange={(e) => edit((d) => void (d.id = e.target.value.trim()))} />
          </Field>
          <Field label={t('ruleEdit.field.nameZh')} error={fieldError('name.zh')}>
            <input name="name-zh" value={draft.name.zh} onChange={(e) => edit((d) => void (d.name.zh = e.target.value))} />
          </Field>
          <Field label={t('ruleEdit.field.nameEn')} error={fieldError('name.en')}>
            <input name="name-en" value={draft.name.en} onChange={(e) => edit((d) => void (d.name.en = e.target.value))} />
          </Field>
          <Field label={t('ruleEdit.field.indicator')} error={fieldError('indicator')}>
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
          <Field label={t('ruleEdit.field.severity')} error={fieldError('severity')}>
            <select name="severity" value={draft.severity} onChange={(e) => edit((d) => void (d.severity = SEVERITIES.find((s) => s === e.target.value) ?? 'warning'))}>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`alerts.severity.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <label>
            <input type="checkbox" name="enabled" checked={draft.enabled !== false} onChange={(e) => edit((d) => void (d.enabled = e.target.checked))} />
            {t('ruleEdit.field.enabled')}
          </label>
        </div>
        <div className="admin-form">
          <Field label={t('ruleEdit.field.messageZh')} error={fieldError('message.zh')}>
            <input name="message-zh" className="rule-edit-message" value={draft.message.zh} onChange={(e) => edit((d) => void (d.message.zh = e.target.value))} />
          </Field>
          <Field label={t('ruleEdit.field.messageEn')} error={fieldError('message.en')}>
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
            <Field label={t('ruleEdit.field.scopeStationKind')} error={fieldError('scope.stationKind')}>
              <select name="scope-station-kind" value={draft.scope.stationKind} onChange={(e) => edit((d) => void (d.scope.stationKind = e.target.value === 'traffic' ? 'traffic' : 'air'))}>
                <option value="air">{t('ruleEdit.stations.air')}</option>
                <option value="traffic">{t('ruleEdit.stations.traffic')}</option>
              </select>
            </Field>
          )}
          {scopeKind === 'level' && (
            <Field label={t('ruleEdit.field.scopeLevel')} error={fieldError('scope.level')}>
              <select name="scope-level" value={draft.scope.level} onChange={(e) => edit((d) => void (d.scope.level = (['province', 'city', 'county', 'leaf'] as const).find((l) => l === e.target.value) ?? 'leaf'))}>
                {(['province', 'city', 'county', 'leaf'] as const).map((l) => (
                  <option key={l} value={l}>
                    {t(`ruleEdit.level.${l}`)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label={t('ruleEdit.field.scopeRegion')} error={fieldError('scope.region')}>
            {regionSelect(draft.scope.region, (code) => edit((d) => void (code === undefined ? delete d.scope.region : (d.scope.region = code))), scopeKind !== 'region', t('ruleEdit.field.scopeRegion'))}
          </Field>
        </div>
      </Section>

      <Section title={t('ruleEdit.section.condition')}>
        <div className="admin-form" data-testid="condition-form" data-kind={condition.kind}>
          <Field label={t('ruleEdit.field.kind')} error={fieldError('condition.kind')}>
            <select name="condition-kind" value={condition.kind} onChange={(e) => edit((d) => void (d.condition = conditionFor(KINDS.find((k) => k === e.target.value) ?? 'threshold', indicator, others)))}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`ruleEdit.kind.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          {condition.kind === 'threshold' && (
            <>
              {opSelect('condition.op', condition.op, (v) => setCondition((c) => c.kind === 'threshold' && void (c.op = v)))}
              {numberInput('condition.value', condition.value, (v) => setCondition((c) => c.kind === 'threshold' && void (c.value = v as number)), t('ruleEdit.field.value'))}
              {numberInput('condition.recover', condition.recover, (v) => setCondition((c) => c.kind === 'threshold' && void (v === undefined ? delete c.recover : (c.recover = v))), t('ruleEdit.field.recover'), true)}
            </>
          )}
          {condition.kind === 'rateOfChange' && (
            <>
              {numberInput('condition.windowSeconds', condition.windowSeconds, (v) => setCondition((c) => c.kind === 'rateOfChange' && void (c.windowSeconds = v as number)), t('ruleEdit.field.windowSeconds'))}
              <Field label={t('ruleEdit.field.direction')} error={fieldError('condition.direction')}>
                <select name="condition.direction" value={condition.direction} onChange={(e) => setCondition((c) => c.kind === 'rateOfChange' && void (c.direction = (['rise', 'fall', 'either'] as const).find((x) => x === e.target.value) ?? 'rise'))}>
                  {(['rise', 'fall', 'either'] as const).map((x) => (
                    <option key={x} value={x}>
                      {t(`ruleEdit.direction.${x}`)}
                    </option>
                  ))}
                </select>
              </Field>
              {numberInput('condition.percent', condition.percent, (v) => setCondition((c) => c.kind === 'rateOfChange' && void (v === undefined ? delete c.percent : (c.percent = v))), t('ruleEdit.field.percent'), true)}
              {numberInput('condition.absolute', condition.absolute, (v) => setCondition((c) => c.kind === 'rateOfChange' && void (v === undefined ? delete c.absolute : (c.absolute = v))), t('ruleEdit.field.absolute'), true)}
            </>
          )}
          {condition.kind === 'baseline' &&
            numberInput('condition.changeOverSeconds', condition.changeOverSeconds, (v) => setCondition((c) => c.kind === 'baseline' && void (v === undefined ? delete c.changeOverSeconds : (c.changeOverSeconds = v))), t('ruleEdit.field.changeOverSeconds'), true)}
          {(condition.kind === 'stale' || condition.kind === 'flatline') &&
            numberInput('condition.cadences', condition.cadences, (v) => setCondition((c) => (c.kind === 'stale' || c.kind === 'flatline') && void (c.cadences = v as number)), t('ruleEdit.field.cadences'))}
          {condition.kind === 'flatline' &&
            numberInput('condition.tolerance', condition.tolerance, (v) => setCondition((c) => c.kind === 'flatline' && void (v === undefined ? delete c.tolerance : (c.tolerance = v))), t('ruleEdit.field.tolerance'), true)}
          {condition.kind === 'crossCheck' && (
            <>
              {opSelect('condition.op', condition.op, (v) => setCondition((c) => c.kind === 'crossCheck' && void (c.op = v)))}
              {numberInput('condition.value', condition.value, (v) => setCondition((c) => c.kind === 'crossCheck' && void (c.value = v as number)), t('ruleEdit.field.value'))}
            </>
          )}
        </div>
        {condition.kind === 'crossCheck' && (
          <ol className="wall-edit-steps">
            {condition.with.map((w, k) => (
              <li key={k}>
                <select name={`with-${k}-indicator`} aria-label={t('ruleEdit.field.withItem', { n: k + 1 })} value={w.indicator} onChange={(e) => setCondition((c) => c.kind === 'crossCheck' && void (c.with[k]!.indicator = e.target.value))}>
                  {others.map((i) => (
                    <option key={i.code} value={i.code}>
                      {name(i.name)}
                    </option>
                  ))}
                </select>
                {opSelect(`condition.with.${k}.op`, w.op, (v) => setCondition((c) => c.kind === 'crossCheck' && void (c.with[k]!.op = v)))}
                {numberInput(`condition.with.${k}.value`, w.value, (v) => setCondition((c) => c.kind === 'crossCheck' && void (c.with[k]!.value = v as number)), t('ruleEdit.field.value'))}
                <button type="button" disabled={condition.with.length === 1} onClick={() => setCondition((c) => c.kind === 'crossCheck' && void c.with.splice(k, 1))}>
                  ✕
                </button>
              </li>
            ))}
          </ol>
        )}
        {condition.kind === 'crossCheck' && condition.with.length < 5 && (
          <button type="button" onClick={() => setCondition((c) => c.kind === 'crossCheck' && void c.with.push({ indicator: others[0]?.code ?? '', op: 'above', value: 0 }))}>
            ＋ {t('ruleEdit.addWith')}
          </button>
        )}
      </Section>

      <Section title={t('ruleEdit.section.timing')}>
        <div className="admin-form">
          {numberInput('for', draft.for, (v) => edit((d) => void (d.for = v ?? 0)), t('ruleEdit.field.for'))}
          {numberInput('forPoints', draft.forPoints, (v) => edit((d) => void (v === undefined ? delete d.forPoints : (d.forPoints = v))), t('ruleEdit.field.forPoints'), true)}
          {numberInput('keepFiringFor', draft.keepFiringFor, (v) => edit((d) => void (d.keepFiringFor = v ?? 0)), t('ruleEdit.field.keepFiringFor'))}
          {indicator?.running && numberInput('minPeriodShare', draft.minPeriodShare, (v) => edit((d) => void (v === undefined ? delete d.minPeriodShare : (d.minPeriodShare = v))), t('ruleEdit.field.minPeriodShare'), true)}
          {numberInput('escalateAfter', draft.escalateAfter, (v) => edit((d) => void (v === undefined ? delete d.escalateAfter : (d.escalateAfter = v))), t('ruleEdit.field.escalateAfter'), true)}
        </div>
      </Section>

      <Section title={t('ruleEdit.section.backtest')}>
        <Backtest draft={draft} valid={parsed.success} tested={tested} onTested={setTested} />
      </Section>

      {!isNew && (
        <Section title={t('ruleEdit.section.history')}>
          <DocumentHistory url={`/api/rules/${encodeURIComponent(start.id)}/history`} version={undefined} />
        </Section>
      )}
    </div>
  )
}

/** The edited rule over the stored history of its scope: how often, where, when, and a series with its firings marked. */
function Backtest({ draft, valid, tested, onTested }: { draft: Draft; valid: boolean; tested: { reply: BacktestReply; rule: string } | null; onTested(t: { reply: BacktestReply; rule: string }): void }) {
  const { t, name, lang } = useI18n()
  const catalog = useCatalog()
  const today = new Date()
  const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
  const [from, setFrom] = useState(() => iso(new Date(today.getTime() - 30 * DAY_MS)))
  const [to, setTo] = useState(() => iso(today))
  const [running, setRunning] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [picked, setPicked] = useState<string | null>(null)
  const current = JSON.stringify(draft)

  const run = () => {
    setRunning(true)
    setError(null)
    const { id: _id, ...rule } = draft
    // The end day is included: the range runs to the end of `to` (or now, for today).
    const end = Math.min(Date.now(), new Date(`${to}T00:00`).getTime() + DAY_MS)
    postJson('/api/rules/backtest', { rule, from: new Date(`${from}T00:00`).getTime(), to: end }, backtestReplySchema)
      .then(
        (reply) => {
          onTested({ reply, rule: current })
          setPicked(null)
        },
        (e: unknown) => setError(serverError(e, t)),
      )
      .finally(() => setRunning(false))
  }

  const reply = tested?.reply
  const bySeries = useMemo(() => {
    const out = new Map<string, { region: string; station?: string; times: number[] }>()
    for (const a of reply?.alerts ?? []) {
      const key = `${a.region}|${a.station ?? ''}`
      const s = out.get(key) ?? { region: a.region, station: a.station, times: [] }
      s.times.push(a.ts)
      out.set(key, s)
    }
    return [...out.entries()].sort((a, b) => b[1].times.length - a[1].times.length)
  }, [reply])
  const chosen = picked ?? bySeries[0]?.[0] ?? null
  const where = (region: string, station?: string) => (station ? name(catalog.station(station)?.name) || station : name(catalog.region(region)?.name) || region)
  const time = (ms: number) => new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' })

  return (
    <div data-testid="rule-backtest">
      <div className="admin-form">
        <label className="wall-edit-field">
          <span>{t('ruleEdit.from')}</span>
          <input type="date" name="backtest-from" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="wall-edit-field">
          <span>{t('ruleEdit.to')}</span>
          <input type="date" name="backtest-to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="button" data-testid="rule-backtest-run" disabled={!valid || running} onClick={run}>
          {running ? t('ruleEdit.running') : t('ruleEdit.run')}
        </button>
      </div>
      {error && (
        <p className="admin-error" role="alert" data-testid="form-error">
          {error}
        </p>
      )}
      {reply && tested && (
        <div data-testid="rule-backtest-result" data-count={reply.alerts.length} data-series={reply.seriesCount} data-from={reply.from} data-to={reply.to}>
          {tested.rule !== current && <p className="admin-warn">{t('ruleEdit.stale')}</p>}
          <p>{reply.alerts.length === 0 ? t('ruleEdit.noFirings') : t('ruleEdit.result', { count: reply.alerts.length, series: bySeries.length, evaluated: reply.evaluated, step: reply.step })}</p>
          {bySeries.length > 0 && (
            <>
              <h4>{t('ruleEdit.bySeries')}</h4>
              <table className="admin-table">
                <tbody>
                  {bySeries.map(([key, s]) => (
                    <tr key={key} data-testid="backtest-series" data-region={s.region} data-station={s.station ?? ''} aria-selected={key === chosen}>
                      <td>
                        <button type="button" onClick={() => setPicked(key)}>
                          {where(s.region, s.station)}
                        </button>
                      </td>
                      <td>{s.times.length}</td>
                      <td>
                        {time(s.times[0]!)} – {time(s.times[s.times.length - 1]!)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {chosen && <FiringsChart reply={reply} indicator={draft.indicator} series={bySeries.find(([k]) => k === chosen)![1]} />}
              <h4>{t('ruleEdit.firings')}</h4>
              <table className="admin-table">
                <tbody>
                  {reply.alerts.slice(0, SHOWN_FIRINGS).map((a, i) => (
                    <tr key={i} data-testid="backtest-firing" data-ts={a.ts} data-region={a.region} data-station={a.station ?? ''}>
                      <td>{time(a.ts)}</td>
                      <td>{where(a.region, a.station)}</td>
                      <td>{a.value ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      )}
    </div>
  )
}

/** One series over the backtest's range at its step, with the moments the rule would have fired marked. */
function FiringsChart({ reply, indicator, series }: { reply: BacktestReply; indicator: string; series: { region: string; station?: string; times: number[] } }) {
  const { t, num } = useI18n()
  const [points, setPoints] = useState<SeriesReply['points'] | null>(null)
  useEffect(() => {
    let current = true
    setPoints(null)
    getJson(`/api/series${query({ indicator, region: series.region, station: series.station, from: reply.from, to: reply.to, step: reply.step })}`, seriesReplySchema).then(
      (r) => current && setPoints(r.points),
      () => current && setPoints([]),
    )
    return () => {
      current = false
    }
  }, [indicator, series.region, series.station, reply.from, reply.to, reply.step])
  const firings = useMemo(() => new Set(series.times), [series.times])
  const option = useMemo<ChartOption | null>(() => {
    if (!points) return null
    const marked = reply.alerts.filter((a) => a.region === series.region && (a.station ?? '') === (series.station ?? ''))
    return {
      animation: false,
      grid: { left: 60, right: 20, top: 20, bottom: 30 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', axisLabel: { color: CHART_COLORS.muted, formatter: TIME_LABELS } },
      yAxis: { type: 'value', scale: true, axisLabel: { color: CHART_COLORS.muted, formatter: (v: number) => num(v) }, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
      series: [
        { id: 'series', type: 'line', showSymbol: false, data: points.map((p) => [p.ts, p.value]), lineStyle: { color: CHART_COLORS.accent, width: 1.5 } },
        { id: 'firings', name: t('ruleEdit.firings'), type: 'scatter', symbolSize: 9, itemStyle: { color: CHART_COLORS.bad }, data: marked.map((a) => [a.ts, a.value]) },
      ],
    }
  }, [points, reply.alerts, series.region, series.station, num, t])
  const { ref } = useChart(option)
  return <div ref={ref} className="rule-edit-chart" data-testid="backtest-chart" data-marked={firings.size} data-points={points?.length ?? 0} />
}
