import { useEffect, useState } from 'react'
import type { Alert } from '../../../common/alert-state'
import type { AlertEnvelope } from '../../../common/live-contract'
import type { Indicator } from '../../../common/catalog-schema'
import { alertEventsReplySchema } from '../../../common/api/alerts-api'
import { getJson } from '../api/http'
import { useI18n } from '../i18n/i18n'
import { formatTime } from './duty-format'

/**
 * An alert's whole history from the log: who did what, when, and the value
 * at that moment. Re-read whenever the alert's sequence number moves (an
 * event arrived over the socket or from an action).
 */
export function AlertHistory({ alert, indicator }: { alert: Alert; indicator: Indicator | undefined }) {
  const { t, lang, num, name } = useI18n()
  const [events, setEvents] = useState<{ id: string; list: AlertEnvelope[] } | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    getJson(`/api/alerts/${encodeURIComponent(alert.id)}/events`, alertEventsReplySchema)
      .then(({ events: list }) => {
        if (!current) return
        setEvents({ id: alert.id, list })
        setError(null)
      })
      .catch((err: unknown) => current && setError(err instanceof Error ? err.message : String(err)))
    return () => {
      current = false
    }
  }, [alert.id, alert.seq])

  const list = events?.id === alert.id ? events.list : []
  const value = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${num(v, indicator?.precision ?? 2)}${indicator && name(indicator.unit) ? ` ${name(indicator.unit)}` : ''}` : null)
  return (
    <section className="duty-history-wrap">
      <h3>{t('alerts.history')}</h3>
      {error && (
        <p className="duty-error" role="alert">
          {t('duty.failed', { message: error })}
        </p>
      )}
      <ol className="duty-history" data-testid="duty-history">
        {list.map(({ seq, event: e }) => {
          const v = value(e.data.value)
          const extra: string[] = []
          if (e.type === 'escalated') extra.push(t('duty.event.escalatedTo', { from: t(`alerts.severity.${e.data.from}`), to: t(`alerts.severity.${e.data.to}`) }))
          if (e.type === 'assigned') extra.push(t('duty.assignedTo', { name: e.data.assignee }))
          if (e.type === 'silenced' && e.data.until !== undefined) extra.push(t('duty.silence.until', { time: formatTime(e.data.until, lang) }))
          if (e.type === 'resolved' && e.data.auto === true) extra.push(t('duty.event.auto'))
          if (e.type === 'suppressed') extra.push(t('duty.event.suppressedCount', { count: e.data.count }))
          const text = e.type === 'commented' ? e.data.text : e.type === 'acknowledged' || e.type === 'resolved' ? (e.data.comment ?? null) : null
          return (
            <li key={seq} className={`duty-event ev-${e.type}`} data-testid="duty-event" data-type={e.type}>
              <time dateTime={new Date(e.at).toISOString()}>{formatTime(e.at, lang)}</time>
              <span className="duty-event-what">
                <b>{e.actor === 'system' ? t('duty.system') : e.actor}</b> {t(`duty.event.${e.type}`)}
                {extra.length > 0 && <span className="muted"> · {extra.join(' · ')}</span>}
              </span>
              {v !== null && <span className="duty-event-value">{t('duty.event.value', { value: v })}</span>}
              {text && <q className="duty-event-text">{text}</q>}
            </li>
          )
        })}
      </ol>
    </section>
  )
}
