import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { LiveProvider, useConnection } from '../live/live'
import { ViewHeader } from '../ui/view-header'
import { AlertDetail } from './alert-detail'
import { AlertList } from './alert-list'
import { DutyFiltersBar } from './duty-filters-bar'
import { dutySearch, parseDutyUrl, visibleAlerts, type AlertLookups, type DutyFilters, type DutyUrlState } from './duty-filters'
import { DutyKeysBar, DutyKeysHelp } from './duty-keys-help'
import { SilenceDialog } from './silence-dialog'
import { SilencesPanel } from './silences-panel'
import { useActor } from './use-actor'
import { useAlertActions } from './use-alert-actions'
import { useAlertSources, useSilences } from './use-alert-sources'
import { useCriticalAlarm } from './use-critical-alarm'
import { useDutyKeys } from './use-duty-keys'
import './duty.css'

/**
 * The duty console (/duty): the live alert list with its filters, the
 * selected alert with its series, history and actions, keyboard shortcuts,
 * and a sound and a notification for new critical alerts. It listens to the
 * whole province (alert events of every region), without station values.
 */
export function DutyPage() {
  const root = useCatalog().tree.root.code
  const room = useMemo(() => ({ region: root, stations: false }), [root])
  return (
    <LiveProvider room={room}>
      <DutyConsole />
    </LiveProvider>
  )
}

/** How often relative times ("3 minutes ago") and silence expiries are brought up to date. */
const CLOCK_MS = 10_000

function urlLang(): string | null {
  return new URLSearchParams(location.search).get('lang')
}

function DutyConsole() {
  const { t } = useI18n()
  const catalog = useCatalog()
  const [url, setUrl] = useState<DutyUrlState>(() => parseDutyUrl(location.search, (c) => catalog.region(c) !== undefined, (c) => catalog.domain(c) !== undefined))
  const { filters, alert: selectedId } = url
  const actor = useActor()
  const actorRef = useRef<HTMLInputElement>(null)
  const commentRef = useRef<HTMLTextAreaElement>(null)
  const [now, setNow] = useState(() => Date.now())
  // Alerts come as events, not ticks: the list is behind only while the socket is down (resume fills the gap).
  const connection = useConnection()
  const stale = connection !== 'live'
  const [dialog, setDialog] = useState<'silence' | 'help' | null>(null)

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_MS)
    return () => clearInterval(timer)
  }, [])

  // Filters and selection live in the URL (replaced, not pushed: they are not places to go back to).
  useEffect(() => {
    const search = dutySearch(url, urlLang())
    if (search !== location.search) history.replaceState(history.state, '', `${location.pathname}${search}`)
  }, [url])
  useEffect(() => {
    const onPop = () => location.pathname.startsWith('/duty') && setUrl(parseDutyUrl(location.search, (c) => catalog.region(c) !== undefined, (c) => catalog.domain(c) !== undefined))
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [catalog])

  const select = useCallback((id: string | null) => setUrl((u) => (u.alert === id ? u : { ...u, alert: id })), [])
  const setFilters = useCallback((patch: Partial<DutyFilters>) => setUrl((u) => ({ ...u, filters: { ...u.filters, ...patch } })), [])

  const { alerts, addAlert, error: sourceError } = useAlertSources(filters, selectedId)
  const silences = useSilences(now)
  const alarm = useCriticalAlarm(select)
  const lookups = useMemo<AlertLookups>(() => ({ domainOf: (code) => catalog.indicator(code)?.domain, isWithin: (r, a) => catalog.tree.isWithin(r, a) }), [catalog])
  const list = useMemo(() => visibleAlerts(alerts.values(), filters, lookups), [alerts, filters, lookups])
  const selected = selectedId ? alerts.get(selectedId) : undefined
  const needActor = useCallback(() => actorRef.current?.focus(), [])
  const actions = useAlertActions({ alert: selected, actor, needActor, onAlert: addAlert, onSilence: silences.add })

  // Opened without an alert in the URL: the most severe open one is selected once the open alerts are in
  // (the socket goes live only after they are read). Only at opening: an alert arriving later is not
  // selected for the officer (selecting it would also stop its flashing as unseen).
  const picked = useRef(selectedId !== null)
  useEffect(() => {
    if (picked.current || connection !== 'live') return
    picked.current = true
    const top = list.find((a) => a.state !== 'resolved')
    if (top) select(top.id)
  }, [connection, list, select])

  const { seen } = alarm
  useEffect(() => {
    if (selectedId) seen(selectedId)
  }, [selectedId, seen])

  let criticalFiring = 0
  let open = 0
  for (const a of alerts.values()) {
    if (a.state === 'resolved') continue
    open++
    if (a.state === 'firing' && a.severity === 'critical') criticalFiring++
  }
  useEffect(() => {
    document.title = `${criticalFiring > 0 ? `(${criticalFiring}) ` : ''}${t('duty.title')} · ${t('app.title')}`
  }, [criticalFiring, t])

  const move = (by: 1 | -1) => {
    if (list.length === 0) return
    const i = list.findIndex((a) => a.id === selectedId)
    const next = i < 0 ? (by === 1 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, i + by))
    select(list[next]!.id)
  }
  const canSilence = selected !== undefined && selected.state !== 'resolved'
  useDutyKeys({
    next: () => dialog === null && move(1),
    previous: () => dialog === null && move(-1),
    acknowledge: () => dialog === null && actions.acknowledge(),
    resolve: () => dialog === null && actions.resolve(),
    silence: () => dialog === null && canSilence && setDialog('silence'),
    comment: () => dialog === null && commentRef.current?.focus(),
    help: () => setDialog((d) => (d === 'help' ? null : d === null ? 'help' : d)),
    escape: () => setDialog(null),
  })

  const [silenceBusy, setSilenceBusy] = useState(false)
  const endSilence = (id: string) => {
    if (!actor.trim()) {
      needActor()
      return
    }
    setSilenceBusy(true)
    silences
      .end(id)
      .catch(() => {})
      .finally(() => setSilenceBusy(false))
  }

  return (
    <div className="view duty-view">
      <ViewHeader current="duty" title={t('duty.title')}>
        <span className={`duty-count${criticalFiring > 0 ? ' hot' : ''}`} data-testid="duty-critical-count">
          {t('duty.count.critical', { count: criticalFiring })}
        </span>
        <span className="duty-count">{t('duty.count.open', { count: open })}</span>
        <button
          type="button"
          data-testid="duty-sound"
          className={alarm.soundBlocked ? 'attention' : undefined}
          aria-pressed={alarm.soundOn}
          title={alarm.soundBlocked ? t('duty.sound.blocked') : undefined}
          onClick={() => alarm.setSoundOn(alarm.soundBlocked ? true : !alarm.soundOn)}
        >
          {alarm.soundBlocked ? t('duty.sound.enable') : alarm.soundOn ? t('duty.sound.on') : t('duty.sound.off')}
        </button>
        {alarm.permission === 'default' && (
          <button type="button" data-testid="duty-notify" onClick={alarm.askPermission}>
            {t('duty.notify.enable')}
          </button>
        )}
      </ViewHeader>
      {sourceError && (
        <div className="reconnect-banner" role="alert">
          {t('duty.failed', { message: sourceError })}
        </div>
      )}
      <main className="duty-main">
        <aside className="duty-side">
          <DutyFiltersBar filters={filters} onChange={setFilters} />
          <p className="duty-list-count muted">
            {t('duty.list.count', { count: list.length })}
            {stale && <span className="badge-stale"> · {t('data.stale')}</span>}
          </p>
          <AlertList alerts={list} selected={selectedId} fresh={alarm.fresh} now={now} onSelect={select} />
          <SilencesPanel silences={silences.active} busy={silenceBusy} onEnd={endSilence} />
        </aside>
        <section className="duty-detail" data-testid="duty-detail" aria-live="polite">
          {selected ? (
            <AlertDetail alert={selected} alerts={alerts} onSelect={select} silence={selected.silencedBy ? silences.byId.get(selected.silencedBy) : undefined} now={now} actions={actions} commentRef={commentRef} onSilence={() => setDialog('silence')} />
          ) : (
            <p className="duty-placeholder muted">{selectedId ? t('data.loading') : t('duty.detail.none')}</p>
          )}
        </section>
      </main>
      <DutyKeysBar onHelp={() => setDialog('help')} />
      {dialog === 'silence' && selected && (
        <SilenceDialog
          alert={selected}
          initialReason={actions.comment}
          busy={actions.busy}
          onClose={() => setDialog(null)}
          onSubmit={(matchers, minutes, reason) => {
            void actions.silence(matchers, minutes, reason).then((ok) => ok && setDialog(null))
          }}
        />
      )}
      {dialog === 'help' && <DutyKeysHelp onClose={() => setDialog(null)} />}
    </div>
  )
}
