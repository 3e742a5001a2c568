import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { Alert } from '../../../common/alert-state'
import { useI18n } from '../i18n/i18n'
import { useLive } from '../live/live'
import { AlarmSound, notificationPermission, notify, requestNotifications, type NotifyPermission } from './alarm'

/**
 * New alerts, the moment they arrive over the socket: each is marked fresh
 * (it flashes in the list until someone opens it), and a critical one — new,
 * or escalated to critical because nobody acknowledged it — rings and, when
 * allowed, shows a browser notification. Alerts that a silence covers stay
 * quiet: the decision waits SETTLE_MS, long enough for the server's
 * `silenced` event that follows a matching `raised`.
 */

const SETTLE_MS = 250
/** More at once (a resume after a long outage) are summed up in one notification. */
const MAX_NOTIFICATIONS = 3
const SOUND_KEY = 'onescreen.duty.sound'
/** An escalation older than this when the page learns of it (a fresh page's seed) is not news. */
const RECENT_ESCALATION_MS = 60_000

export interface CriticalAlarm {
  fresh: ReadonlySet<string>
  seen(id: string): void
  soundOn: boolean
  setSoundOn(on: boolean): void
  /** A critical alert could not ring because the page has not been clicked yet. */
  soundBlocked: boolean
  permission: NotifyPermission
  askPermission(): void
}

function storedSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) !== 'off'
  } catch {
    return true
  }
}

export function useCriticalAlarm(open: (id: string) => void): CriticalAlarm {
  const { store } = useLive()
  const { t, name } = useI18n()
  const [alarm] = useState(() => new AlarmSound())
  const [fresh, setFresh] = useState<ReadonlySet<string>>(() => new Set())
  const [soundOn, setSoundOnState] = useState(storedSound)
  const [soundBlocked, setSoundBlocked] = useState(false)
  const [permission, setPermission] = useState<NotifyPermission>(notificationPermission)

  useEffect(() => () => alarm.close(), [alarm])

  // Sound may start only from a gesture: the first click or key makes it possible.
  useEffect(() => {
    if (!soundOn) return
    const unlock = () => {
      alarm.unlock()
      setSoundBlocked(false)
    }
    addEventListener('pointerdown', unlock, true)
    addEventListener('keydown', unlock, true)
    return () => {
      removeEventListener('pointerdown', unlock, true)
      removeEventListener('keydown', unlock, true)
    }
  }, [alarm, soundOn])

  const wake = useRef<(id: string) => void>(() => {})
  useEffect(() => {
    let pending: string[] = []
    let timer: ReturnType<typeof setTimeout> | undefined
    const settle = () => {
      timer = undefined
      const ids = pending
      pending = []
      const loud: Alert[] = []
      for (const id of ids) {
        const a = store.book.alerts.get(id)
        if (a && a.state === 'firing' && a.severity === 'critical' && a.silencedBy === null) loud.push(a)
      }
      // Only open alerts stay fresh, so the set stays as small as the open list.
      const isOpen = (id: string) => store.book.alerts.get(id)?.state !== 'resolved'
      setFresh((s) => new Set([...s, ...ids].filter(isOpen)))
      if (loud.length === 0) return
      if (soundOn) setSoundBlocked(!alarm.ring())
      const title = t('duty.newCritical')
      for (const a of loud.slice(0, MAX_NOTIFICATIONS)) notify(title, name(a.message), a.id, () => open(a.id))
      if (loud.length > MAX_NOTIFICATIONS) notify(title, t('duty.moreCritical', { count: loud.length - MAX_NOTIFICATIONS }), 'onescreen-more', () => {})
    }
    const add = (id: string) => {
      pending.push(id)
      timer ??= setTimeout(settle, SETTLE_MS)
    }
    wake.current = add
    store.onRaised = (a) => add(a.id)
    return () => {
      store.onRaised = null
      wake.current = () => {}
      clearTimeout(timer)
    }
  }, [store, alarm, soundOn, t, name, open])

  // Escalations change an alert without raising it: watched on every alert event.
  const version = useSyncExternalStore(store.subscribe, () => store.alertsVersion)
  const escalated = useRef(new Set<string>())
  useEffect(() => {
    const now = Date.now()
    for (const a of store.book.alerts.values()) {
      if (a.severity !== 'critical' || a.state !== 'firing' || a.lastEscalatedAt === null || escalated.current.has(a.id)) continue
      escalated.current.add(a.id)
      if (now - a.lastEscalatedAt < RECENT_ESCALATION_MS) wake.current(a.id)
    }
  }, [store, version])

  const seen = useCallback((id: string) => setFresh((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : s)), [])
  const setSoundOn = useCallback(
    (on: boolean) => {
      setSoundOnState(on)
      try {
        localStorage.setItem(SOUND_KEY, on ? 'on' : 'off')
      } catch {
        // Private mode: the choice lasts for this page.
      }
      // Switching it on is a click: a short tone confirms it works.
      if (on) {
        alarm.unlock()
        setSoundBlocked(!alarm.ring())
      } else setSoundBlocked(false)
    },
    [alarm],
  )
  const askPermission = useCallback(() => {
    void requestNotifications().then(setPermission)
  }, [])
  return { fresh, seen, soundOn, setSoundOn, soundBlocked, permission, askPermission }
}
