import { useEffect, useRef, useState } from 'react'
import { getJson } from '../api/http'

/**
 * A GET the wall repeats every `intervalMs`, for panels read over REST
 * (rankings, series, scorecard). The last good answer stays while a reload
 * fails, with `loadedAt` saying how old it is, so a panel can say it is stale
 * instead of showing old numbers as current. A new `source` (another
 * region) drops the previous answer: it belongs to something else.
 *
 * `source` is the URL, unless `resolve` makes the URL from it at each load
 * (a time range ending now): the answer then stays shown across reloads.
 */

/** After a failed load, try again this soon rather than waiting a whole interval. */
const RETRY_MS = 15_000

export interface Polled<T> {
  data: T | null
  /** Local time of the last good answer (0: none yet). */
  loadedAt: number
  /** The last load failed. */
  failed: boolean
}

export function usePolledJson<T>(source: string | null, intervalMs: number, resolve?: (source: string) => string): Polled<T> {
  const url = source
  const [state, setState] = useState<Polled<T> & { url: string | null }>({ url, data: null, loadedAt: 0, failed: false })
  const resolveRef = useRef(resolve)
  resolveRef.current = resolve
  useEffect(() => {
    if (url === null) return
    let timer: ReturnType<typeof setTimeout> | undefined
    let abort: AbortController | null = null
    let stopped = false
    const load = async () => {
      abort = new AbortController()
      try {
        const data = await getJson<T>(resolveRef.current ? resolveRef.current(url) : url, abort.signal)
        if (stopped) return
        setState({ url, data, loadedAt: Date.now(), failed: false })
        timer = setTimeout(() => void load(), intervalMs)
      } catch {
        if (stopped) return
        // Aborted, offline or a server error: keep what is shown, marked, and retry.
        setState((s) => (s.url === url ? { ...s, failed: true } : { url, data: null, loadedAt: 0, failed: true }))
        timer = setTimeout(() => void load(), Math.min(RETRY_MS, intervalMs))
      }
    }
    void load()
    return () => {
      stopped = true
      clearTimeout(timer)
      abort?.abort()
    }
  }, [url, intervalMs])
  // An answer for another source is not shown while the new one loads.
  return state.url === url ? state : { data: null, loadedAt: 0, failed: false }
}

/** Whether REST data is too old to pass for current: a reload and two retries have failed. */
export function polledStale(p: Polled<unknown>, intervalMs: number, now: number): boolean {
  return p.loadedAt > 0 && now - p.loadedAt > intervalMs + 2 * RETRY_MS
}
