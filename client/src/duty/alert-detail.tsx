import { useEffect, useState, type ReactNode, type RefObject } from 'react'
import type { Alert, Silence } from '../../../common/alert-state'
import type { Rule } from '../../../common/rule-schema'
import { ruleReplySchema } from '../../../common/api/rules-api'
import { getJson } from '../api/http'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { AlertActionBar } from './alert-actions'
import { AlertChart } from './alert-chart'
import { AlertHistory } from './alert-history'
import { DispatchPanel } from './dispatch-panel'
import { formatAgo, formatTime, regionPath } from './duty-format'
import type { AlertActions } from './use-alert-actions'

/** The selected alert: what, where, against which rule, its state and who has it; its series, the actions and its history. */

interface Props {
  alert: Alert
  /** Every alert the console holds, to list a group's members and name a member's group. */
  alerts: ReadonlyMap<string, Alert>
  onSelect(id: string): void
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
    getJson(`/api/rules/${encodeURIComponent(ruleId)}`, ruleReplySchema)
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

export function AlertDetail({ alert, alerts, onSelect, silence, now, actions, commentRef, onSilence }: Props) {
  const { t, name, num, lang } = useI18n()
  const catalog = useCatalog()
  const rule = useRule(alert.ruleId)
  const indicator = catalog.indicator(alert.indicator)
  const station = alert.station ? catalog.station(alert.station) : undefined
  const where = regionPath(catalog.tree, alert.region, name)
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
        {alert.groupId !== null && (
          <Fact label={t('duty.group.of')}>
            <button type="button" className="link" onClick={() => onSelect(alert.groupId!)}>
              {alerts.get(alert.groupId) ? name(alerts.get(alert.groupId)!.message) : t('duty.group.open')}
            </button>
          </Fact>
        )}
        {alert.silencedBy && (
          <Fact label={t('alerts.silenced')}>
            {silence ? `${t('duty.silence.until', { time: formatTime(silence.endsAt, lang) })} · ${silence.createdBy} · ${silence.reason}` : alert.silencedBy}
          </Fact>
        )}
      </dl>
      {alert.group !== null && <GroupMembers group={alert} alerts={alerts} onSelect={onSelect} />}
      <AlertActionBar alert={alert} actions={actions} commentRef={commentRef} onSilence={onSilence} />
      <DispatchPanel alert={alert} />
      <AlertChart alert={alert} indicator={indicator} rule={rule} />
      <AlertHistory alert={alert} indicator={indicator} />
    </article>
  )
}

/** A grouped alert's members: where each is, its value and state, most recent first; a click opens one. */
function GroupMembers({ group, alerts, onSelect }: { group: Alert; alerts: ReadonlyMap<string, Alert>; onSelect(id: string): void }) {
  const { t, name, num } = useI18n()
  const catalog = useCatalog()
  const members = group.members.flatMap((id) => alerts.get(id) ?? []).sort((x, y) => Number(x.state === 'resolved') - Number(y.state === 'resolved') || y.raisedAt - x.raisedAt)
  const open = members.filter((m) => m.state !== 'resolved').length
  return (
    <section className="duty-members" data-testid="duty-members">
      <h3>{t('duty.group.members', { open, count: group.members.length })}</h3>
      <ul>
        {members.map((m) => {
          const indicator = catalog.indicator(m.indicator)
          const station = m.station ? catalog.station(m.station) : undefined
          return (
            <li key={m.id} data-testid="duty-member" data-state={m.state}>
              <button type="button" className="link" onClick={() => onSelect(m.id)}>
                {name(catalog.region(m.region)?.name) || m.region}
                {station && ` · ${name(station.name)}`}
              </button>
              {m.value !== null && indicator && <span> {`${num(m.value, indicator.precision)} ${name(indicator.unit)}`}</span>}
              {m.state !== 'firing' && <span className={`state-badge state-${m.state}`}>{t(`alerts.state.${m.state}`)}</span>}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
