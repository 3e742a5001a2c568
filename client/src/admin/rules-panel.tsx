import { useCallback, useEffect, useState } from 'react'
import { backtestReplySchema, patchRuleReplySchema, ruleListReplySchema, type BacktestReply } from '../../../common/api/rules-api'
import type { Rule } from '../../../common/rule-schema'
import { getJson, patchJson, postJson } from '../api/http'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { serverError } from './form-errors'
import { newRule, RuleEditor } from './rule-editor'
import { conditionSummary } from './rule-editor-summary'
import type { RuleInput } from '../../../common/rule-schema'

/**
 * Rules (/admin/rules): the rules reaching into the admin's region with their
 * condition in words and their state; enabling and disabling one; and a backtest of a rule over the last
 * 30 days of its scope's stored history — how often it would have fired, when,
 * and on which series — before anyone relies on it. Editing and creating a
 * rule open the rule editor (rule-editor.tsx), with its own backtest of the
 * edited rule before saving.
 */
export function RulesPanel() {
  const { t, name, lang } = useI18n()
  const catalog = useCatalog()
  const [rules, setRules] = useState<Rule[] | null>(null)
  const [lastFired, setLastFired] = useState<Record<string, number>>({})
  const [error, setError] = useState<string | null>(null)
  const [tested, setTested] = useState<{ id: string; reply: BacktestReply } | null>(null)
  const [running, setRunning] = useState<string | null>(null)
  const [editing, setEditing] = useState<{ rule: RuleInput; isNew: boolean } | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const load = useCallback(() => {
    getJson('/api/rules', ruleListReplySchema).then(
      (r) => {
        setRules(r.rules.toSorted((a, b) => a.id.localeCompare(b.id)))
        setLastFired(r.lastFired ?? {})
      },
      (err: unknown) => setError(serverError(err, t)),
    )
  }, [t])
  useEffect(load, [load])

  const toggle = (rule: Rule) =>
    patchJson(`/api/rules/${encodeURIComponent(rule.id)}`, { enabled: !rule.enabled }, patchRuleReplySchema).then(load, (err: unknown) => setError(serverError(err, t)))
  const backtest = (rule: Rule) => {
    setRunning(rule.id)
    setError(null)
    const { id: _id, ...definition } = rule
    postJson('/api/rules/backtest', { rule: definition }, backtestReplySchema)
      .then((reply) => setTested({ id: rule.id, reply }), (err: unknown) => setError(serverError(err, t)))
      .finally(() => setRunning(null))
  }
  const time = (ms: number) => new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' })
  const where = (a: BacktestReply['alerts'][number]) => (a.station ? name(catalog.station(a.station)?.name) || a.station : name(catalog.region(a.region)?.name) || a.region)

  if (editing)
    return (
      <RuleEditor
        start={editing.rule}
        isNew={editing.isNew}
        onDone={(message) => {
          setEditing(null)
          setDone(message)
          load()
        }}
      />
    )
  return (
    <>
      {done && (
        <p className="admin-ok admin-section" role="status" data-testid="form-done">
          {done}
        </p>
      )}
      {error && (
        <p className="admin-error admin-section" role="alert" data-testid="form-error">
          {error}
        </p>
      )}
      <section className="admin-section">
        <div className="wall-edit-bar">
          <h2>{t('admin.rules')}</h2>
          <button type="button" className="primary" data-testid="rule-new" onClick={() => setEditing({ rule: newRule(catalog.catalog.indicators[0]!), isNew: true })}>
            ＋ {t('ruleEdit.new')}
          </button>
        </div>
        <table className="admin-table" data-testid="rules">
          <thead>
            <tr>
              <th>{t('admin.rules.name')}</th>
              <th>{t('admin.rules.indicator')}</th>
              <th>{t('ruleEdit.col.condition')}</th>
              <th>{t('admin.rules.severity')}</th>
              <th>{t('admin.accounts.state')}</th>
              <th>{t('ruleEdit.lastFired')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(rules ?? []).map((r) => (
              <tr key={r.id} data-rule={r.id} data-enabled={r.enabled ? 'true' : 'false'}>
                <td>
                  {name(r.name)} <span className="muted">{r.id}</span>
                </td>
                <td>{name(catalog.indicator(r.indicator)?.name) || r.indicator}</td>
                <td data-testid="rule-condition">{conditionSummary(r.condition, t)}</td>
                <td>{t(`alerts.severity.${r.severity}`)}</td>
                <td>{r.enabled ? t('admin.accounts.enabled') : t('admin.accounts.disabled')}</td>
                <td data-testid="last-fired" data-ts={lastFired[r.id] ?? ''}>
                  {lastFired[r.id] === undefined ? '—' : time(lastFired[r.id]!)}
                </td>
                <td>
                  <button type="button" data-testid="rule-edit" onClick={() => setEditing({ rule: r, isNew: false })}>
                    {t('ruleEdit.edit')}
                  </button>{' '}
                  <button type="button" data-testid="toggle" onClick={() => void toggle(r)}>
                    {r.enabled ? t('admin.accounts.disable') : t('admin.accounts.enable')}
                  </button>{' '}
                  <button type="button" data-testid="backtest" onClick={() => backtest(r)} disabled={running !== null}>
                    {running === r.id ? t('admin.rules.running') : t('admin.rules.backtest')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {tested && (
        <section className="admin-section" data-testid="backtest-result" data-rule={tested.id} data-alerts={tested.reply.alerts.length}>
          <h2>{t('admin.rules.result', { id: tested.id, count: tested.reply.alerts.length, series: tested.reply.seriesCount })}</h2>
          <p className="muted">{t('admin.rules.range', { from: time(tested.reply.from), to: time(tested.reply.to), step: t(`explore.step.${tested.reply.step}`), evaluated: tested.reply.evaluated })}</p>
          <table className="admin-table">
            <tbody>
              {tested.reply.alerts.slice(0, 200).map((a, i) => (
                <tr key={i} data-ts={a.ts}>
                  <td>{time(a.ts)}</td>
                  <td>{where(a)}</td>
                  <td>{a.value === null ? '—' : a.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  )
}
