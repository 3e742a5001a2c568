import { memo, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import type { Domain, LocalizedText } from '../../../common/catalog-schema'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { useConnection, useLive } from '../live/live'
import { AccountBadge } from '../auth/auth'
import type { SoundState } from './alert-sound'

/**
 * The wall's header: title, the local time, "data as of", the connection,
 * the language switch, the tour, whether the alert sound can play, and the
 * breadcrumb of the selected region.
 * Its parts read the store separately, so a tick re-renders the "as of" time
 * and nothing else.
 */
export const WallHeader = memo(function WallHeader({ title, root, region, onSelect, touring, sound }: { title: LocalizedText; root: string; region: string; onSelect(region: string): void; touring: Domain | null; sound: SoundState }) {
  const { t, lang, setLang, name } = useI18n()
  const catalog = useCatalog()
  const touringDomain = touring ? catalog.domain(touring) : undefined
  return (
    <header className="panel wall-header">
      <div className="wall-title">
        <span className="wall-title-main" data-testid="wall-title">{name(title)}</span>
        <span className="wall-title-sub wall-ellipsis">{t('app.subtitle')}</span>
      </div>
      <Breadcrumb root={root} region={region} onSelect={onSelect} />
      <div className="wall-status">
        {touring && <span className="wall-pill wall-pill--tour">{t('wall.touring', { domain: touringDomain ? name(touringDomain.name) : touring })}</span>}
        <SoundNote sound={sound} />
        <AsOf />
        <Clock />
        <ConnectionState />
        <AccountBadge />
        <button type="button" className="wall-lang-switch" data-testid="lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('lang.switch')}
        </button>
      </div>
    </header>
  )
})

/**
 * Whether the critical-alert chime can sound: a hint to click (an attended
 * wall), or a warning that the browser refused (a kiosk started without the
 * autoplay flag: the hint says what to do). Nothing while it can.
 */
function SoundNote({ sound }: { sound: SoundState }) {
  const { t } = useI18n()
  const text = sound === 'locked' ? t('wall.sound.locked') : sound === 'blocked' ? t('wall.sound.blocked') : null
  return (
    <span
      className={text ? `wall-pill wall-sound wall-sound--${sound}` : 'wall-sound'}
      data-testid="wall-sound"
      data-sound={sound}
      title={sound === 'blocked' ? t('wall.sound.blockedHow') : undefined}
    >
      {text}
    </span>
  )
}

/** From the wall's root down to the selected region. */
function Breadcrumb({ root, region, onSelect }: { root: string; region: string; onSelect(region: string): void }) {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  const full = catalog.tree.lineage(region)
  const lineage = full.slice(0, full.findIndex((r) => r.code === root) + 1 || full.length).reverse()
  const parent = lineage[lineage.length - 2]
  return (
    <nav className="wall-breadcrumb" data-testid="breadcrumb" data-region={region}>
      {parent && (
        <button type="button" className="wall-crumb-back" onClick={() => onSelect(parent.code)}>
          ‹ {t('map.back')}
        </button>
      )}
      {lineage.map((r, i) => (
        <span key={r.code} className="wall-crumb-item">
          {i > 0 && <span className="wall-crumb-sep">›</span>}
          {i < lineage.length - 1 ? (
            <button type="button" className="wall-crumb wall-crumb--link wall-ellipsis" onClick={() => onSelect(r.code)}>
              {name(r.name)}
            </button>
          ) : (
            <span className="wall-crumb wall-crumb--here wall-ellipsis" aria-current="page">
              {name(r.name)}
            </span>
          )}
        </span>
      ))}
    </nav>
  )
}

function useTimeFormat(withDate: boolean) {
  const { lang } = useI18n()
  return useMemo(
    () =>
      new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
        ...(withDate ? { month: '2-digit', day: '2-digit' } : {}),
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
    [lang, withDate],
  )
}

/** The local time, once a second (its own timer: nothing else re-renders). */
function Clock() {
  const { lang } = useI18n()
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  const time = useTimeFormat(false)
  const date = useMemo(() => new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }), [lang])
  return (
    <span className="wall-clock">
      <span className="wall-clock-date">{date.format(now)}</span>
      <span className="wall-clock-time">{time.format(now)}</span>
    </span>
  )
}

/** "Data as of": the newest event time in the live store; re-renders per tick, and is tiny. */
function AsOf() {
  const { t } = useI18n()
  const { store } = useLive()
  const asOf = useSyncExternalStore(store.subscribe, () => store.asOf)
  const format = useTimeFormat(true)
  return (
    <span className="wall-as-of" data-testid="as-of" data-as-of={asOf ?? ''}>
      {t('data.asOf')} {asOf === null ? '—' : format.format(asOf)}
    </span>
  )
}

function ConnectionState() {
  const { t } = useI18n()
  const connection = useConnection()
  return (
    <span className={`wall-pill wall-conn wall-conn--${connection}`} data-testid="conn-state" data-state={connection}>
      <span className="wall-conn-dot" />
      {connection === 'live' ? t('conn.live') : connection === 'connecting' ? t('conn.connecting') : connection === 'offline' ? t('conn.offline') : t('wall.reconnecting')}
    </span>
  )
}

/** Across the top of the wall while the connection is down: the numbers shown are from before. */
export function ReconnectBanner() {
  const { t } = useI18n()
  const { store } = useLive()
  const connection = useConnection()
  const asOf = useSyncExternalStore(store.subscribe, () => store.asOf)
  const format = useTimeFormat(true)
  if (connection === 'live' || connection === 'connecting') return null
  return (
    <div className="wall-reconnect-banner" role="alert">
      {t('conn.reconnecting')} {asOf !== null && t('wall.banner.asOf', { time: format.format(asOf) })}
    </div>
  )
}
