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

/**
 * Wall requests in flight at once. A drill asks for some 25 panels' data at
 * once; the embedded engine answers them on the same two cores as the map's
 * boundaries and every other screen, so the wall queues its own rather than
 * crowding out the rest. Panels fill in within a second or two either way.
 */
const MAX_IN_FLIGHT = 4

let inFlight = 0
const waiting: Array<() => void> = []

/** Runs `load` when fewer than MAX_IN_FLIGHT wall requests are running; an aborted wait never runs. */
async function queued<T>(signal: AbortSignal, load: () => Promise<T>): Promise<T> {
  if (inFlight >= MAX_IN_FLIGHT) {
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal.removeEventListener('abort', drop)
        resolve()
      }
      const drop = () => {
        const i = waiting.indexOf(go)
        if (i >= 0) waiting.splice(i, 1)
        reject(signal.reason)
      }
      waiting.push(go)
      signal.addEventListener('abort', drop, { once: true })
    })
  }
  inFlight++
  try {
    return await load()
  } finally {
    inFlight--
    waiting.shift()?.()
  }
}

export interface Polled<T> {
  data: T | null
  /** Local time of the last good answer (0: none yet). */
  loadedAt: number
  /** The last load failed. */
  failed: boolean
}

export function usePolledJson<T>(source: string | null, intervalMs: number, resolve?: (source: string) => string): Polled<T> {
  const [state, setState] = useState<Polled<T> & { source: string | null }>({ source, data: null, loadedAt: 0, failed: false })
  const resolveRef = useRef(resolve)
  resolveRef.current = resolve
  useEffect(() => {
    if (source === null) return
    let timer: ReturnType<typeof setTimeout> | undefined
    let abort: AbortController | null = null
    let stopped = false
    const load = async () => {
      const controller = new AbortController()
      abort = controller
      try {
        const url = resolveRef.current ? resolveRef.current(source) : source
        const data = await queued(controller.signal, () => getJson<T>(url, controller.signal))
        if (stopped) return
        setState({ source, data, loadedAt: Date.now(), failed: false })
        timer = setTimeout(() => void load(), intervalMs)
      } catch {
        if (stopped) return
        // Offline or a server error: keep what is shown (it says how old it is) and retry soon.
        setState((s) => (s.source === source ? { ...s, failed: true } : { source, data: null, loadedAt: 0, failed: true }))
        timer = setTimeout(() => void load(), Math.min(RETRY_MS, intervalMs))
      }
    }
    void load()
    return () => {
      stopped = true
      clearTimeout(timer)
      abort?.abort()
    }
  }, [source, intervalMs])
  // An answer for another source is not shown while the new one loads.
  return state.source === source ? state : NOTHING_YET
}

const NOTHING_YET: Polled<never> = { data: null, loadedAt: 0, failed: false }

/** Whether REST data is too old to pass for current: a reload and two retries have failed. */
export function polledStale(p: Polled<unknown>, intervalMs: number, now: number): boolean {
  return p.loadedAt > 0 && now - p.loadedAt > intervalMs + 2 * RETRY_MS
}
