import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react'
import type { Alert } from '../../../common/alert-state'
import type { LiveValue, SubscribeRequest } from '../../../common/live-contract'
import { LiveClient } from './live-client'
import { LiveStore, type Connection } from './live-store'

/**
 * React's view of the live store: one store and one socket per page, hooks
 * that re-render a component only when what it reads changes.
 */

interface Live {
  store: LiveStore
  /** Null for the moment before the socket's effect has run. */
  client: LiveClient | null
  error: string | null
}

const LiveContext = createContext<Live | null>(null)

/** A value older than this many ms (server time of the last message) is shown as not updating. */
export const STALE_AFTER_MS = 15_000

export function LiveProvider({ room, children }: { room: SubscribeRequest; children: ReactNode }) {
  const [error, setError] = useState<string | null>(null)
  const [store] = useState(() => new LiveStore())
  const [client, setClient] = useState<LiveClient | null>(null)
  const roomRef = useRef(room)
  roomRef.current = room
  // The socket lives with the effect (StrictMode mounts twice in development: each mount gets its own).
  useEffect(() => {
    const c = new LiveClient(store, roomRef.current, setError)
    setClient(c)
    return () => c.close()
  }, [store])
  // The room follows the drill-down without a new socket.
  const key = `${room.region}|${room.indicators?.join(',') ?? ''}|${room.stations ?? true}`
  useEffect(() => client?.setRoom(roomRef.current), [client, key])
  const value = useMemo(() => ({ store, client, error }), [store, client, error])
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>
}

export function useLive(): Live {
  const live = useContext(LiveContext)
  if (!live) throw new Error('useLive outside LiveProvider')
  return live
}

/** Re-renders on every change of values; returns the store's version. */
export function useLiveVersion(): number {
  const { store } = useLive()
  return useSyncExternalStore(store.subscribe, () => store.version)
}

export function useLiveValue(indicator: string, region: string, station?: string): LiveValue | undefined {
  const { store } = useLive()
  return useSyncExternalStore(store.subscribe, () => store.get(indicator, region, station))
}

export function useConnection(): Connection {
  const { store } = useLive()
  return useSyncExternalStore(store.subscribe, () => store.connection)
}

/** Server time of the last live message, and whether the feed has gone quiet. */
export function useFreshness(): { lastMessageAt: number; stale: boolean } {
  const { store } = useLive()
  const lastMessageAt = useSyncExternalStore(store.subscribe, () => store.lastMessageAt)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  return { lastMessageAt, stale: store.connection !== 'live' || (lastMessageAt > 0 && now - lastMessageAt > STALE_AFTER_MS) }
}

export function useAlerts(): Alert[] {
  const { store } = useLive()
  const version = useSyncExternalStore(store.subscribe, () => store.alertsVersion)
  // The store's alerts change in place; its alerts version is what says they did.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => store.alerts(), [store, version])
}
