import type { MouseEvent, ReactNode } from 'react'
import { ROLE_SCREENS } from '../../../common/auth'
import { AccountBadge, useAuth } from '../auth/auth'
import { useI18n } from '../i18n/i18n'
import { navigate, type Route } from '../navigation'
import './view.css'

/**
 * The header of every page but the wall: the page's title, the way to the
 * other screens the role may open, what the page adds (`children`, `status`),
 * who is signed in and the language switch.
 */

const VIEWS: ReadonlyArray<{ route: Route; path: string; label: 'nav.wall' | 'nav.explore' | 'nav.duty' | 'nav.admin' }> = [
  { route: 'wall', path: '/', label: 'nav.wall' },
  { route: 'explore', path: '/explore', label: 'nav.explore' },
  { route: 'duty', path: '/duty', label: 'nav.duty' },
  { route: 'admin', path: '/admin', label: 'nav.admin' },
]

export function AppHeader({ current, title, children, status }: { current: Route; title: string; children?: ReactNode; status?: ReactNode }) {
  const { t, lang, setLang } = useI18n()
  const { me } = useAuth()
  const go = (path: string) => (e: MouseEvent) => {
    e.preventDefault()
    navigate(path)
  }
  return (
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
      {status}
      <AccountBadge />
      <button type="button" data-testid="lang-switch" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
        {t('lang.switch')}
      </button>
    </header>
  )
}
