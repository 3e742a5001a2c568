import { useEffect, useState, type ReactNode, type RefObject } from 'react'
import type { Alert, Silence } from '../../../common/alert-state'
import type { Rule } from '../../../common/rule-schema'
import { getJson } from '../api/http'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { AlertActionBar } from './alert-actions'
import { AlertChart } from './alert-chart'
import { AlertHistory } from './alert-history'
import { formatAgo, formatTime } from './duty-format'
import type { AlertActions } from './use-alert-actions'

/** The selected alert: what, where, against which rule, its state and who has it; its series, the actions and its history. */

interface Props {
  alert: Alert
  silence: Silence | undefined
  now: number
  actions: AlertActions
  commentRef: RefObject<HTMLTextAreaElement | null>
  onSilence(): void
}

function useRule(ruleId: string): Rule | null {
  const [rule, setRule] = useState<{ id: string; rule: Rule } | null>(null)
  useEffect(() => {
    let current = true
    getJson<{ rule: Rule }>(`/api/rules/${encodeURIComponent(ruleId)}`)
      .then((body) => current && setRule({ id: ruleId, rule: body.rule }))
      // A rule deleted since: the alert still shows its id.
      .catch(() => current && setRule(null))
    return () => {
      current = false
    }
  }, [ruleId])
  return rule?.id === ruleId ? rule.rule : null
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  )
}

export function AlertDetail({ alert, silence, now, actions, commentRef, onSilence }: Props) {
  const { t, name, num, lang } = useI18n()
  const catalog = useCatalog()
  const rule = useRule(alert.ruleId)
  const indicator = catalog.indicator(alert.indicator)
  const station = alert.station ? catalog.station(alert.station) : undefined
  const where = catalog.tree
    .lineage(alert.region)
    .reverse()
    .map((r) => name(r.name))
    .join(' › ')
  const unit = indicator ? name(indicator.unit) : ''
  const value = (v: number | null) => (v === null ? '—' : `${num(v, indicator?.precision ?? 2)}${unit ? ` ${unit}` : ''}`)
  const at = (ms: number) => `${formatTime(ms, lang)} (${formatAgo(ms, now, lang)})`

  return (
    <article className={`duty-detail-body sev-edge-${alert.severity}`} data-alert-id={alert.id} data-state={alert.state}>
      <header className="duty-detail-head">
        <span className={`sev-badge sev-${alert.severity}`}>{t(`alerts.severity.${alert.severity}`)}</span>
        <span className={`state-badge state-${alert.state}`} data-testid="duty-detail-state">
          {t(`alerts.state.${alert.state}`)}
        </span>
        {alert.silencedBy && <span className="tag">{t('alerts.silenced')}</span>}
        <h2>{name(alert.message)}</h2>
      </header>
      <dl className="duty-facts">
        <Fact label={t('duty.value')}>
          <b className={`sev-${alert.severity}`}>{value(alert.value)}</b>
        </Fact>
        <Fact label={t('duty.indicator')}>{indicator ? name(indicator.name) : alert.indicator}</Fact>
        <Fact label={t('duty.region')}>{where || alert.region}</Fact>
        {alert.station && <Fact label={t('duty.station')}>{station ? `${name(station.name)} (${station.code})` : alert.station}</Fact>}
        <Fact label={t('duty.rule')}>
          {rule ? name(rule.name) : alert.ruleId} <code className="muted">{alert.ruleId}</code>
        </Fact>
        <Fact label={t('duty.raisedAt')}>{at(alert.raisedAt)}</Fact>
        {alert.since < alert.raisedAt && <Fact label={t('duty.since')}>{formatTime(alert.since, lang)}</Fact>}
        <Fact label={t('alerts.assignee')}>{alert.assignee ?? '—'}</Fact>
        {alert.acknowledgedBy && alert.acknowledgedAt !== null && <Fact label={t('duty.acknowledgedBy')}>{`${alert.acknowledgedBy} · ${at(alert.acknowledgedAt)}`}</Fact>}
        {alert.resolvedAt !== null && <Fact label={t('duty.resolvedBy')}>{`${alert.resolvedBy === 'system' ? t('duty.system') : (alert.resolvedBy ?? '')} · ${at(alert.resolvedAt)}`}</Fact>}
        {alert.escalations > 0 && <Fact label={t('duty.escalations')}>{alert.escalations}</Fact>}
        {alert.silencedBy && (
          <Fact label={t('alerts.silenced')}>
            {silence ? `${t('duty.silence.until', { time: formatTime(silence.endsAt, lang) })} · ${silence.createdBy} · ${silence.reason}` : alert.silencedBy}
          </Fact>
        )}
      </dl>
      <AlertActionBar alert={alert} actions={actions} commentRef={commentRef} onSilence={onSilence} />
      <AlertChart alert={alert} indicator={indicator} rule={rule} />
      <AlertHistory alert={alert} indicator={indicator} />
    </article>
  )
}
