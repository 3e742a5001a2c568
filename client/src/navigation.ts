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

/** Client-side navigation (keeps the language). */
export function navigate(path: string): void {
  const url = new URL(path, location.href)
  const lang = new URLSearchParams(location.search).get('lang')
  if (lang && !url.searchParams.has('lang')) url.searchParams.set('lang', lang)
  history.pushState(null, '', url)
  dispatchEvent(new PopStateEvent('popstate'))
}
