import { useEffect, useState } from 'react'
import { ROLE_SCREENS } from '../../common/auth'
import { AccountPage } from './admin/account-page'
import { AdminPage } from './admin/admin-page'
import { AuthProvider, useAuth } from './auth/auth'
import { CatalogProvider } from './data/catalog'
import { I18nProvider, useI18n } from './i18n/i18n'
import { DutyPage } from './duty/duty-page'
import { ExplorePage } from './explore/explore-page'
import { MapPreview } from './map/map-preview'
import { WallPage } from './wall/wall-page'
import { FeedbackPage } from './feedback/feedback-page'
import { PlaylistPage } from './wall/playlist-page'
import { aliasOf, isKnownPath, navigate, routeOf, type Route } from './navigation'
import './ui/theme.css'

/**
 * The one page: the wall (/), the analyst view (/explore) and the duty console
 * (/duty). Every view's state lives in the URL, so a view can be shared and a
 * wall restarts where it was.
 */

function Loading({ error }: { error: string | null }) {
  const { t } = useI18n()
  return <div className="loading">{error ? t('error.load', { message: error }) : t('data.loading')}</div>
}

/** A path the page has no view for: said, with the way back to the wall. */
function NotFound() {
  const { t } = useI18n()
  return (
    <div className="loading" data-testid="not-found">
      {t('app.notFound', { path: location.pathname })}{' '}
      <a href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
        {t('app.toWall')}
      </a>
    </div>
  )
}

function Routes() {
  // An alias (/rules, /users…) is replaced by the page it stands for before anything renders.
  const alias = aliasOf(location.pathname)
  if (alias) history.replaceState(history.state, '', alias + location.search)
  const [route, setRoute] = useState<Route>(() => routeOf(location.pathname))
  const [known, setKnown] = useState(() => isKnownPath(location.pathname))
  useEffect(() => {
    const onPop = () => {
      setRoute(routeOf(location.pathname))
      setKnown(isKnownPath(location.pathname))
    }
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [])
  const { me } = useAuth()
  const { t } = useI18n()
  if (!known) return <NotFound />
  if (location.pathname.startsWith('/map-preview')) return <MapPreview /> // the map's dev preview and browser test (client/src/map)
  // The server refuses what a role may not do; the page does not offer it either.
  if (!ROLE_SCREENS[me.role].includes(route))
    return (
      <div className="loading" data-testid="forbidden">
        {t('auth.forbidden')}
      </div>
    )
  if (route === 'admin') return <AdminPage />
  if (route === 'account') return <AccountPage />
  if (location.pathname.startsWith('/playlist/')) return <PlaylistPage />
  return route === 'explore' ? <ExplorePage /> : route === 'duty' ? <DutyPage /> : <WallPage />
}

export function App() {
  // A department answering its case has no account: its page needs no sign-in.
  if (location.pathname.startsWith('/r/'))
    return (
      <I18nProvider>
        <FeedbackPage />
      </I18nProvider>
    )
  return (
    <I18nProvider>
      <AuthProvider>
        <CatalogProvider fallback={(error) => <Loading error={error} />}>
          <Routes />
        </CatalogProvider>
      </AuthProvider>
    </I18nProvider>
  )
}
