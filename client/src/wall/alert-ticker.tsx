import { useEffect, useMemo, useState } from 'react'
import type { Alert } from '../../../common/alert-state'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { useAlerts, useLive } from '../live/live'
import { useAlertChime } from './alert-sound'
import { LIST_LIMIT, openAlerts } from './open-alerts'
import { usePolledJson } from './use-polled-json'
import { FeedStaleBadge } from './wall-time'

/** Alerts on screen at once: what fits the panel in two lines each at wall size. */
export const TICKER_ROWS = 5

/** How long each page of alerts stays when there are more than fit. */
const PAGE_MS = 8_000

/**
 * The socket's alert events reach a screen only for its room's region; after
 * a drill the region's open alerts are read once from the API (and every
 * minute), so alerts raised while the wall looked elsewhere are not missed.
 */
const LIST_RELOAD_MS = 60_000

/** A raised event older than this (a replay after a reconnect) does not sound. */
const SOUND_FRESH_MS = 60_000

/**
 * Open alerts of the selected region, newest first, in severity colours, with
 * a chime for new critical ones. When more are open than fit, the ticker
 * pages through them; a new alert brings it back to the first page, so it is
 * on screen at once.
 */
export function AlertTicker({ region }: { region: string }) {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  const { store } = useLive()
  const live = useAlerts()
  const listed = usePolledJson<{ alerts: Alert[] }>(`/api/alerts?state=firing,acknowledged&limit=${LIST_LIMIT}&region=${encodeURIComponent(region)}`, LIST_RELOAD_MS)
  const { chime, ready } = useAlertChime()

  useEffect(() => {
    store.onRaised = (a) => {
      if (a.severity === 'critical' && catalog.tree.isWithin(a.region, region) && Date.now() - a.raisedAt < SOUND_FRESH_MS) chime.play()
    }
    return () => {
      store.onRaised = null
    }
  }, [store, chime, catalog, region])

  const open = useMemo(() => openAlerts(live, listed.data?.alerts ?? null, (r) => catalog.tree.isWithin(r, region)), [live, listed.data, catalog, region])

  const pages = Math.max(1, Math.ceil(open.length / TICKER_ROWS))
  const [page, setPage] = useState(0)
  const newest = open[0]?.id
  useEffect(() => setPage(0), [newest, region])
  useEffect(() => {
    if (pages <= 1) return
    const timer = setInterval(() => setPage((p) => (p + 1) % pages), PAGE_MS)
    return () => clearInterval(timer)
  }, [pages, newest])
  const shown = open.slice((page % pages) * TICKER_ROWS, (page % pages) * TICKER_ROWS + TICKER_ROWS)

  return (
    <section className="panel wall-ticker" data-testid="alert-ticker">
      <header className="wall-panel-title">
        <span className="wall-ticker-title">{t('alerts.open')}</span>
        <span className="wall-ticker-count">{open.length}</span>
        {pages > 1 && <span className="wall-ticker-page">{t('wall.page', { page: (page % pages) + 1, pages })}</span>}
        <FeedStaleBadge />
        {!ready && <span className="wall-ticker-sound wall-ellipsis">{t('wall.sound.locked')}</span>}
      </header>
      {open.length === 0 ? (
        <div className="wall-sub-empty">{listed.data || store.lastSeq > 0 ? t('alerts.none') : t('data.loading')}</div>
      ) : (
        <ul className="wall-ticker-list">
          {shown.map((a) => (
            <li key={a.id} className={`wall-ticker-row wall-sev-row--${a.severity}${a.state === 'acknowledged' ? ' wall-ticker-row--ack' : ''}`} data-alert-id={a.id} data-severity={a.severity}>
              <div className="wall-ticker-line">
                <span className={`wall-ticker-sev sev-${a.severity}`}>{t(`alerts.severity.${a.severity}`)}</span>
                <span className="wall-ticker-time">{clock(a.raisedAt)}</span>
                <span className="wall-ticker-region wall-ellipsis">{name(catalog.region(a.region)?.name) || a.region}</span>
                {a.state === 'acknowledged' && <span className="wall-ticker-state">{t('alerts.state.acknowledged')}</span>}
              </div>
              <div className="wall-ticker-msg wall-ellipsis" title={name(a.message)}>
                {name(a.message)}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function clock(ms: number): string {
  const d = new Date(ms)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}
