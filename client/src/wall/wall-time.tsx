import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { useI18n } from '../i18n/i18n'
import { useFreshness, useLive } from '../live/live'

/**
 * Time for the wall's staleness checks, in the server's clock (a wall PC's
 * clock may be minutes off, and value times are the server's), refreshed
 * every few seconds, and whether the live feed as a whole has gone quiet.
 *
 * The provider re-renders on every tick (useFreshness reads the store's last
 * message time) but its children are passed in, so only the components that
 * read this context re-render, and only when `now` or `feedStale` changes.
 */

/** How often `now` advances: staleness is measured in cadences of seconds to months, so 5 s is fine-grained enough. */
const NOW_RESOLUTION_MS = 5_000

/** A value is "not updating" after this many of its indicator's cadences without a newer one (the server's freshness rule too). */
export const STALE_CADENCES = 3

export interface WallTime {
  /** Server time, epoch ms, to NOW_RESOLUTION_MS. */
  now: number
  /** The live feed has delivered before and is now quiet or disconnected. */
  feedStale: boolean
}

const WallTimeContext = createContext<WallTime>({ now: 0, feedStale: false })

export function WallTimeProvider({ children }: { children: ReactNode }) {
  const { store } = useLive()
  const { stale, lastMessageAt } = useFreshness()
  const offset = useRef(0)
  useEffect(() => {
    let seen = 0
    return store.subscribe(() => {
      if (store.lastMessageAt === seen) return
      seen = store.lastMessageAt
      offset.current = store.lastMessageAt - Date.now()
    })
  }, [store])
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() + offset.current), NOW_RESOLUTION_MS)
    return () => clearInterval(timer)
  }, [])
  const feedStale = stale && lastMessageAt > 0
  const value = useMemo(() => ({ now, feedStale }), [now, feedStale])
  return <WallTimeContext.Provider value={value}>{children}</WallTimeContext.Provider>
}

export function useWallTime(): WallTime {
  return useContext(WallTimeContext)
}

/** Whether a value of an indicator with this cadence, stamped `ts`, has stopped updating at `now`. */
export function valueStale(ts: number, cadenceSeconds: number, now: number): boolean {
  return now > 0 && now - ts > STALE_CADENCES * cadenceSeconds * 1000
}

/** "Not updating", shown once in a panel's title while the live feed is quiet (rather than on every value). */
export function FeedStaleBadge() {
  const { t } = useI18n()
  const { feedStale } = useWallTime()
  return feedStale ? <span className="badge-stale">{t('data.stale')}</span> : null
}
