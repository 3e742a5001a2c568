import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { Alert } from '../../../common/alert-state'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { useLive } from '../live/live'
import type { AlertChime } from './alert-sound'
import type { WallAlerts } from './use-wall-alerts'
import { FeedStaleBadge } from './wall-time'

/** How long each page of alerts stays when there are more than fit. */
const PAGE_MS = 8_000

/**
 * Rows laid out per page, to measure which fit. A row is at least one meta
 * line and one line of message, so no more than this fit the panel.
 */
const MAX_ROWS_PER_PAGE = 8

/** A raised event older than this (a replay after a reconnect) does not sound. */
const SOUND_FRESH_MS = 60_000

/**
 * The wall's open alerts (useWallAlerts), critical first and then newest, each
 * with its whole message (wrapped, never cut: the point of an alert is often
 * at its end, "now 312"), and a chime for new critical ones. A page holds as
 * many whole rows as fit; when more are open the ticker pages through them,
 * and the most severe alert changing brings it back to the first page, so a
 * new critical alert is on screen at once. A click on a row opens the alert.
 */
export function AlertTicker({ region, alerts, chime, selected, onOpen }: { region: string; alerts: WallAlerts; chime: AlertChime; selected: string | null; onOpen(alert: Alert): void }) {
  const { t, name, num, lang } = useI18n()
  const catalog = useCatalog()
  const { store } = useLive()
  const { open, loaded } = alerts

  useEffect(() => {
    store.onRaised = (a) => {
      if (a.severity === 'critical' && catalog.tree.isWithin(a.region, region) && Date.now() - a.raisedAt < SOUND_FRESH_MS) chime.play()
    }
    return () => {
      store.onRaised = null
    }
  }, [store, chime, catalog, region])

  const [start, setStart] = useState(0)
  const [fit, setFit] = useState(1)
  const head = open[0]?.id
  useEffect(() => setStart(0), [head, region])
  const first = start < open.length ? start : 0
  const rows = open.slice(first, first + MAX_ROWS_PER_PAGE)

  // Which rows of the page fit whole: measured after layout, before paint (rows past them are hidden, not cut).
  const listRef = useRef<HTMLOListElement>(null)
  const layoutKey = `${lang}|${rows.map((a) => `${a.id}:${a.state}`).join(',')}`
  useLayoutEffect(() => {
    const list = listRef.current
    if (!list) return
    let n = 0
    for (const li of list.children) {
      const el = li as HTMLElement
      if (el.offsetTop + el.offsetHeight > list.clientHeight) break
      n++
    }
    setFit(Math.max(1, n))
  }, [layoutKey])

  const shown = Math.min(fit, rows.length)
  const paged = open.length > shown
  useEffect(() => {
    if (!paged) return
    const timer = setInterval(() => setStart((s) => (s < open.length && s + shown < open.length ? s + shown : 0)), PAGE_MS)
    return () => clearInterval(timer)
  }, [paged, shown, open.length])

  const critical = open.filter((a) => a.severity === 'critical').length
  return (
    <section className="panel wall-ticker" data-testid="alert-ticker" data-count={open.length}>
      <header className="wall-panel-title">
        <span className="wall-ticker-title">{t('alerts.open')}</span>
        <span className="wall-ticker-count" data-testid="alert-ticker-count">
          {open.length}
        </span>
        {critical > 0 && <span className="wall-ticker-critical">{t('wall.ticker.critical', { count: num(critical, 0) })}</span>}
        {paged && <span className="wall-ticker-page">{t('wall.ticker.range', { from: first + 1, to: first + shown })}</span>}
        <FeedStaleBadge />
      </header>
      {open.length === 0 ? (
        <div className="wall-sub-empty">{loaded ? t('alerts.none') : t('data.loading')}</div>
      ) : (
        <ol className="wall-ticker-list" ref={listRef}>
          {rows.map((a, i) => (
            <li key={a.id} className={i < shown ? undefined : 'wall-ticker-over'} aria-hidden={i < shown ? undefined : true}>
              <button
                type="button"
                className={`wall-ticker-row wall-sev-row--${a.severity}${a.state === 'acknowledged' ? ' wall-ticker-row--ack' : ''}${a.id === selected ? ' wall-ticker-row--open' : ''}`}
                data-alert-id={a.id}
                data-severity={a.severity}
                tabIndex={i < shown ? undefined : -1}
                onClick={() => onOpen(a)}
              >
                <span className={`wall-ticker-sev sev-${a.severity}`}>{t(`alerts.severity.${a.severity}`)}</span>
                <span className="wall-ticker-time">{clock(a.raisedAt)}</span>
                {a.state === 'acknowledged' && <span className="wall-ticker-state">{t('alerts.state.acknowledged')}</span>}
                <span className="wall-ticker-msg">
                  {name(a.message)}
                  {a.group && <span className="wall-ticker-group"> · {a.group === 'storm' ? t('alerts.group.storm', { count: a.members.length }) : t('alerts.group.flood', { count: a.suppressed })}</span>}
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

function clock(ms: number): string {
  const d = new Date(ms)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}
