import type { MouseEvent, ReactNode } from 'react'
import { navigate, type Route } from '../navigation'
import { useI18n } from '../i18n/i18n'
import { useConnection, useFreshness, useLive } from '../live/live'
import './view.css'
import { ROLE_SCREENS } from '../../../common/auth'
import { AccountBadge, useAuth } from '../auth/auth'

/**
 * The header of the analyst view and the duty console: the view's title, the
 * way to the other views, the connection, the language switch; and, under it,
 * a banner whenever the live feed is not live, so nobody mistakes old data
 * for current data.
 */

const VIEWS: ReadonlyArray<{ route: Route; path: string; label: 'nav.wall' | 'nav.explore' | 'nav.duty' }> = [
  { route: 'wall', path: '/', label: 'nav.wall' },
  { route: 'explore', path: '/explore', label: 'nav.explore' },
  { route: 'duty', path: '/duty', label: 'nav.duty' },
]

export function ViewHeader({ current, title, children }: { current: Route; title: string; children?: ReactNode }) {
  const { t, lang, setLang } = useI18n()
  const { me } = useAuth()
  const connection = useConnection()
  const { stale } = useFreshness()
  const { error } = useLive()
  const go = (path: string) => (e: MouseEvent) => {
    e.preventDefault()
    navigate(path)
  }
  const connLabel = connection === 'live' ? (stale ? t('data.stale') : t('conn.live')) : connection === 'offline' ? t('conn.offline') : t('conn.connecting')
  return (
    <>
      <header className="view-header">
        <div className="view-title">
          <span className="app-name">{t('app.title')}</span>
          <h1>{title}</h1>
        </div>
        <nav className="view-nav">
          {VIEWS.filter((v) => ROLE_SCREENS[me.role].includes(v.route)).map((v) => (
            <a key={v.route} href={v.path} onClick={go(v.path)} aria-current={v.route === current ? 'page' : undefined}>
              {t(v.label)}
            </a>
          ))}
        </nav>
        <div className="view-tools">{children}</div>
        <span className={`conn conn-${connection === 'live' && stale ? 'stale' : connection}`} data-testid="connection" data-state={connection}>
          <i aria-hidden="true" />
          {connLabel}
        </span>
        <AccountBadge />
        <button type="button" data-testid="lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('lang.switch')}
        </button>
      </header>
      {connection !== 'live' && connection !== 'connecting' && (
        <div className="reconnect-banner" role="status" data-testid="reconnect-banner">
          {t('conn.reconnecting')}
        </div>
      )}
      {error && (
        <div className="reconnect-banner" role="alert">
          {t('error.load', { message: error })}
        </div>
      )}
    </>
  )
}
