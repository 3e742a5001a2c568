import { useEffect, useId, type MouseEvent, type ReactNode } from 'react'
import type { Alert } from '../../../common/alert-state'
import { ROLE_SCREENS } from '../../../common/auth'
import { navigate } from '../navigation'
import { useAuth } from '../auth/auth'
import { useCatalog } from '../data/catalog'
import { alertLevels } from '../duty/alert-levels'
import { formatAgo, formatTime, regionPath } from '../duty/duty-format'
import { useI18n } from '../i18n/i18n'
import { isOnMap } from '../map/pulse-targets'
import { useWallTime } from './wall-time'

/**
 * One alert, opened from the ticker, over the panels under the map (the map
 * stays in view: it has flown to the alert). Read-only for every role: what
 * it shows is what the ticker and GET /api/alerts already show anyone who may
 * see the wall. Roles that work alerts (those with the duty console) get a
 * link to handle it there.
 */

/**
 * A wall is looked at more than used: a detail nobody closes closes itself
 * after this long, so the ticker and the scorecard come back on their own.
 */
const IDLE_CLOSE_MS = 120_000

export function AlertDetailPanel({ alert, onClose }: { alert: Alert; onClose(): void }) {
  const { t, name, num, lang } = useI18n()
  const catalog = useCatalog()
  const { me } = useAuth()
  const { now } = useWallTime()
  const titleId = useId()

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    addEventListener('keydown', onKey)
    const timer = setTimeout(onClose, IDLE_CLOSE_MS)
    return () => {
      removeEventListener('keydown', onKey)
      clearTimeout(timer)
    }
  }, [alert.id, onClose])

  const indicator = catalog.indicator(alert.indicator)
  const station = alert.station ? catalog.station(alert.station) : undefined
  const where = regionPath(catalog.tree, alert.region, name)
  const unit = indicator ? name(indicator.unit) : ''
  const value = (v: number) => `${num(v, indicator?.precision ?? 2)}${unit ? ` ${unit}` : ''}`
  const { threshold } = alertLevels(alert, null)
  const dutyPath = `/duty?alert=${encodeURIComponent(alert.id)}`
  const toDuty = (e: MouseEvent) => {
    e.preventDefault()
    navigate(dutyPath)
  }

  return (
    <aside
      className={`panel wall-alert-detail wall-sev-edge--${alert.severity}`}
      role="dialog"
      aria-labelledby={titleId}
      data-testid="wall-alert-detail"
      data-alert-id={alert.id}
      data-state={alert.state}
    >
      <header className="wall-alert-detail-head">
        <span className={`wall-alert-chip sev-${alert.severity}`}>{t(`alerts.severity.${alert.severity}`)}</span>
        <span className={`wall-alert-chip wall-alert-chip--state state-${alert.state}`}>{t(`alerts.state.${alert.state}`)}</span>
        {alert.silencedBy && <span className="wall-alert-chip wall-alert-chip--state">{t('alerts.silenced')}</span>}
        {!isOnMap(alert) && <span className="wall-alert-gone">{t('wall.alert.gone')}</span>}
        <button type="button" className="wall-alert-close" onClick={onClose} data-testid="wall-alert-close">
          {t('wall.alert.close')}
        </button>
      </header>
      <h2 id={titleId} className="wall-alert-message">
        {name(alert.message)}
      </h2>
      <dl className="wall-alert-facts">
        <Fact label={t('duty.region')}>{where || alert.region}</Fact>
        <Fact label={t('duty.station')}>{station ? name(station.name) : alert.station || '—'}</Fact>
        <Fact label={t('duty.indicator')}>{indicator ? name(indicator.name) : alert.indicator}</Fact>
        <Fact label={t('duty.value')}>
          <b className={`sev-${alert.severity}`}>{alert.value === null ? '—' : value(alert.value)}</b>
          {threshold !== undefined && <span className="wall-alert-threshold">{` ${t('duty.threshold')} ${value(threshold)}`}</span>}
        </Fact>
        <Fact label={t('duty.raisedAt')}>{t('wall.alert.at', { time: formatTime(alert.raisedAt, lang), ago: formatAgo(alert.raisedAt, now || Date.now(), lang) })}</Fact>
        <Fact label={t('wall.alert.state')}>
          {alert.acknowledgedBy ? t('wall.alert.acknowledgedBy', { name: alert.acknowledgedBy }) : t(`alerts.state.${alert.state}`)}
          {alert.assignee && ` · ${t('duty.assignedTo', { name: alert.assignee })}`}
        </Fact>
      </dl>
      {ROLE_SCREENS[me.role].includes('duty') && (
        <footer className="wall-alert-foot">
          <a className="wall-alert-to-duty" href={dutyPath} onClick={toDuty} data-testid="wall-alert-to-duty">
            {t('wall.alert.toDuty')} ›
          </a>
        </footer>
      )}
    </aside>
  )
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  )
}
