import { useCallback, useEffect, useState } from 'react'
import type { RegionTree } from '../../../common/region-tree'

/**
 * The wall's state in the URL: the selected region (`?region=440100`), the
 * indicator the map draws (`?indicator=env.aqi`, chosen by a click on a KPI
 * card), the tour (`?tour=30`) and kiosk mode (`?kiosk=1`), so a wall
 * restarts where it was and a drilled view can be shared. A drill pushes a history entry (browser back returns); a tour's
 * steps replace it, so a wall touring for days does not pile up history.
 */

/** Seconds per tour step when `?tour` gives none, and the bounds of what it may give. */
export const TOUR_DEFAULT_SECONDS = 30
const TOUR_MIN_SECONDS = 5
const TOUR_MAX_SECONDS = 3_600

function regionFromUrl(tree: RegionTree, root: string): string {
  const code = new URLSearchParams(location.search).get('region')
  return code !== null && tree.has(code) && tree.isWithin(code, root) ? code : root
}

/**
 * `?tour=30` → 30; `?tour` or a bad value → the wall's dwell (or the
 * default); no `tour` → the wall's dwell when its tour starts by itself
 * (`autostart`), else null (no tour).
 */
export function tourSecondsOf(search: string, wall?: { dwellSeconds: number; autostart: boolean }): number | null {
  const raw = new URLSearchParams(search).get('tour')
  if (raw === null) return wall?.autostart ? wall.dwellSeconds : null
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n)) return wall?.dwellSeconds ?? TOUR_DEFAULT_SECONDS
  return Math.min(TOUR_MAX_SECONDS, Math.max(TOUR_MIN_SECONDS, Math.round(n)))
}

/**
 * `?kiosk=1`: an unattended wall, where nobody will click to let the page
 * make sound, so the critical-alert chime is enabled at once (alert-sound.ts).
 * `?kiosk=0` or no `kiosk` is an attended wall.
 */
export function kioskOf(search: string): boolean {
  const raw = new URLSearchParams(search).get('kiosk')
  return raw !== null && raw !== '0' && raw !== 'false'
}

export interface WallRegion {
  region: string
  /** Selects a region: a new history entry, or (`replace`) in place of the current one. */
  select(code: string, options?: { replace?: boolean }): void
}

/**
 * The selected region, within the wall's `root` (the root when the URL names
 * none, or one outside it). `inUrl` false keeps it in the page alone (the
 * console's preview, whose URL is the console's).
 */
export function useWallRegion(tree: RegionTree, root: string, inUrl = true): WallRegion {
  const [region, setRegion] = useState(() => (inUrl ? regionFromUrl(tree, root) : root))
  useEffect(() => {
    if (!inUrl) {
      setRegion(root)
      return
    }
    setRegion(regionFromUrl(tree, root))
    const onPop = () => setRegion(regionFromUrl(tree, root))
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [tree, root, inUrl])
  const select = useCallback(
    (code: string, options: { replace?: boolean } = {}) => {
      if (!tree.has(code) || !tree.isWithin(code, root)) return
      if (!inUrl) {
        setRegion(code)
        return
      }
      const url = new URL(location.href)
      if (url.searchParams.get('region') === code || (code === root && !url.searchParams.has('region'))) {
        setRegion(code)
        return
      }
      url.searchParams.set('region', code)
      if (options.replace) history.replaceState(history.state, '', url)
      else history.pushState(null, '', url)
      setRegion(code)
    },
    [tree, root, inUrl],
  )
  return { region, select }
}

/** `?indicator=` when it names a known indicator, else null. */
export function indicatorOf(search: string, known: (code: string) => boolean): string | null {
  const code = new URLSearchParams(search).get('indicator')
  return code !== null && known(code) ? code : null
}

/**
 * The indicator the map draws, kept in the URL. Choosing one replaces the
 * current history entry rather than adding one: back still returns to the
 * previous region, not through every indicator looked at.
 */
export function useWallIndicator(known: (code: string) => boolean, fallback: string, inUrl = true): [string, (code: string) => void] {
  const [indicator, setIndicator] = useState(() => (inUrl ? indicatorOf(location.search, known) : null) ?? fallback)
  useEffect(() => {
    if (!inUrl) {
      setIndicator(fallback)
      return
    }
    const onPop = () => setIndicator(indicatorOf(location.search, known) ?? fallback)
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [known, fallback, inUrl])
  const pick = useCallback(
    (code: string) => {
      if (!known(code)) return
      if (!inUrl) {
        setIndicator(code)
        return
      }
      const url = new URL(location.href)
      url.searchParams.set('indicator', code)
      history.replaceState(history.state, '', url)
      setIndicator(code)
    },
    [known, inUrl],
  )
  return [indicator, pick]
}
