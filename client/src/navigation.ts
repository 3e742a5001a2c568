import type { Screen } from '../../common/auth'

/**
 * Where the page is: the route a path shows and client-side navigation. Its
 * own module, so the header and the views can navigate without importing the
 * app that contains them.
 */

export type Route = Screen

export function routeOf(pathname: string): Route {
  if (pathname.startsWith('/explore')) return 'explore'
  if (pathname.startsWith('/duty')) return 'duty'
  if (pathname === '/admin' || pathname.startsWith('/admin/')) return 'admin'
  if (pathname === '/account') return 'account'
  return 'wall'
}

/**
 * Old and short paths of the console's pages, and where they are now:
 * `/rules` opens the rules page rather than silently showing the wall.
 */
const ALIASES: Record<string, string> = {
  '/rules': '/admin/rules',
  '/users': '/admin/accounts',
  '/accounts': '/admin/accounts',
  '/keys': '/admin/keys',
  '/silences': '/admin/silences',
  '/audit': '/admin/audit',
  '/walls': '/admin/walls',
  '/playlists': '/admin/walls',
  '/departments': '/admin/departments',
}

/** The page an alias stands for, or null. */
export function aliasOf(pathname: string): string | null {
  return ALIASES[pathname.replace(/\/+$/, '') || '/'] ?? null
}

/** Whether the one page has a view at `pathname` (otherwise it says so, rather than show the wall). */
export function isKnownPath(pathname: string): boolean {
  return /^\/(?:$|explore\/?$|duty\/?$|account\/?$|admin(?:\/[\w-]*)?\/?$|wall\/[^/]+\/?$|playlist\/[^/]+\/?$|r\/[^/]+\/?$|map-preview)/.test(pathname)
}

/** Client-side navigation (keeps the language). */
export function navigate(path: string): void {
  const url = new URL(path, location.href)
  const lang = new URLSearchParams(location.search).get('lang')
  if (lang && !url.searchParams.has('lang')) url.searchParams.set('lang', lang)
  history.pushState(null, '', url)
  dispatchEvent(new PopStateEvent('popstate'))
}
