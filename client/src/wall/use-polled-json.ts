import { useEffect, useRef, useState } from 'react'
import type { z } from 'zod'
import { getJson } from '../api/http'

/**
 * A GET the wall repeats every `intervalMs`, for panels read over REST
 * (rankings, series, scorecard). The last good answer stays while a reload
 * fails, with `loadedAt` saying how old it is, so a panel can say it is stale
 * instead of showing old numbers as current. A new `source` (another
 * region) drops the previous answer: it belongs to something else.
 *
 * `source` is the URL, unless `options.resolve` makes it from the source;
 * `schema` is its route's reply schema (common/api): a reply that does not
 * match is a failed load, as an error reply is.
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

export interface PolledOptions {
  /** Makes the URL from `source` at each load (a time range ending now); the answer then stays shown across reloads. */
  resolve?: (source: string) => string
}

export function usePolledJson<S extends z.ZodType>(source: string | null, schema: S, intervalMs: number, options: PolledOptions = {}): Polled<z.output<S>> {
  const { resolve } = options
  const [state, setState] = useState<Polled<z.output<S>> & { source: string | null }>({ source, data: null, loadedAt: 0, failed: false })
  const resolveRef = useRef(resolve)
  resolveRef.current = resolve
  // Schemas are module constants; a ref keeps an inline one from restarting the polling.
  const schemaRef = useRef(schema)
  schemaRef.current = schema
  useEffect(() => {
    if (source === null) return
    let timer: ReturnType<typeof setTimeout> | undefined
    let stopped = false
    const load = async () => {
      try {
        const url = resolveRef.current ? resolveRef.current(source) : source
        // Not aborted when the panel moves on: a request in flight is let finish and its
        // answer dropped (an aborted request is a failed request in the browser's console).
        const data = await getJson(url, schemaRef.current)
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
