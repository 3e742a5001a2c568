import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import type { Alert, Silence } from '../../../common/alert-state'
import { alertListReplySchema, alertReplySchema, silenceListReplySchema, silenceReplySchema } from '../../../common/api/alerts-api'
import { getJson, postJson, query } from '../api/http'
import { useAlerts, useLive } from '../live/live'
import { mergeAlerts, wantsResolved, type DutyFilters } from './duty-filters'

/**
 * Every alert the console may show, from its sources: the live store (open
 * alerts and everything that happened since the page opened), resolved
 * alerts from the API when the filter asks for them, a selected alert the
 * store does not hold (an old link), and replies to the officer's actions.
 */

/** Resolved alerts read for the history filter: a duty shift's worth and more. */
const HISTORY_LIMIT = 500

export function useAlertSources(filters: DutyFilters, selected: string | null): { alerts: Map<string, Alert>; addAlert(a: Alert): void; error: string | null } {
  const live = useAlerts()
  const [history, setHistory] = useState<Alert[]>([])
  const [extra, setExtra] = useState<Alert[]>([])
  const [error, setError] = useState<string | null>(null)

  const { state, severity, domain, region } = filters
  const resolved = wantsResolved(state)
  useEffect(() => {
    if (!resolved) {
      setHistory([])
      return
    }
    let current = true
    getJson(`/api/alerts${query({ state: 'resolved', severity: severity === 'all' ? undefined : severity, domain: domain === 'all' ? undefined : domain, region, limit: HISTORY_LIMIT })}`, alertListReplySchema)
      .then(({ alerts }) => {
        if (!current) return
        setHistory(alerts)
        setError(null)
      })
      .catch((err: unknown) => current && setError(err instanceof Error ? err.message : String(err)))
    return () => {
      current = false
    }
  }, [resolved, severity, domain, region])

  const alerts = useMemo(() => mergeAlerts(live, history, extra), [live, history, extra])

  const missing = selected !== null && !alerts.has(selected)
  useEffect(() => {
    if (!missing || selected === null) return
    let current = true
    getJson(`/api/alerts/${encodeURIComponent(selected)}`, alertReplySchema)
      .then((a) => current && setExtra((xs) => [...xs.filter((x) => x.id !== a.id), a]))
      .catch((err: unknown) => current && setError(err instanceof Error ? err.message : String(err)))
    return () => {
      current = false
    }
  }, [missing, selected])

  const addAlert = useCallback((a: Alert) => setExtra((xs) => [...xs.filter((x) => x.id !== a.id), a]), [])
  return { alerts, addAlert, error }
}

/** How long after an alert event the silences are re-read (events come in bursts). */
const SILENCES_SETTLE_MS = 1000

/**
 * Silences in force. The store learns of silences created while the page is
 * open; older ones come from the API, re-read after alert events (one may
 * have ended) and after the officer's own changes.
 */
export function useSilences(now: number): { active: Silence[]; byId: Map<string, Silence>; add(s: Silence): void; end(id: string): Promise<void> } {
  const { store } = useLive()
  const version = useSyncExternalStore(store.subscribe, () => store.alertsVersion)
  const [fetched, setFetched] = useState<Silence[]>([])
  const [reload, setReload] = useState(0)
  useEffect(() => {
    let current = true
    const timer = setTimeout(() => {
      getJson('/api/silences', silenceListReplySchema)
        .then(({ silences }) => current && setFetched(silences))
        .catch(() => {
          // The list stays as it was; the next event re-reads it.
        })
    }, reload === 0 && version === 0 ? 0 : SILENCES_SETTLE_MS)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [version, reload])

  const byId = useMemo(() => {
    const out = new Map(fetched.map((s) => [s.id, s]))
    for (const s of store.book.silences.values()) out.set(s.id, s)
    return out
    // The store's silences change with its alerts version.
  }, [fetched, store, version]) // eslint-disable-line react-hooks/exhaustive-deps
  const active = useMemo(() => [...byId.values()].filter((s) => s.endedAt === null && s.startsAt <= now && now < s.endsAt).sort((a, b) => a.endsAt - b.endsAt), [byId, now])
  const add = useCallback((s: Silence) => {
    setFetched((xs) => [...xs.filter((x) => x.id !== s.id), s])
    setReload((n) => n + 1)
  }, [])
  const end = useCallback(async (id: string) => {
    const s = await postJson(`/api/silences/${encodeURIComponent(id)}/end`, {}, silenceReplySchema)
    setFetched((xs) => [...xs.filter((x) => x.id !== s.id), s])
  }, [])
  return { active, byId, add, end }
}
