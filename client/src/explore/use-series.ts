import { useEffect, useState } from 'react'
import { getJson, query } from '../api/http'
import { comparisonWindow, resolveWindow, type ExploreState } from './explore-state'
import { seriesReplySchema, type SeriesReply } from '../../../common/api/query-api'

/**
 * The series for the analyst's view: the main window and, when comparing,
 * the shifted window at the same step. A range relative to now is re-read
 * every REFRESH_MS; a failed re-read keeps the last answer and says so.
 */

/** How often a range ending now is re-read: the minute rollup's resolution. */
export const REFRESH_MS = 60_000

export interface SeriesData {
  main: SeriesReply
  compare: { body: SeriesReply; offset: number } | null
  /** Browser time of the answer. */
  fetchedAt: number
}

export interface SeriesResult {
  data: SeriesData | null
  error: string | null
  loading: boolean
}

function seriesUrl(indicator: string, region: string, from: number, to: number, step: string | undefined): string {
  return `/api/series${query({ indicator, region, from, to, step })}`
}

/** `enabled: false` asks nothing (the view already knows the server would refuse). */
export function useSeries(state: ExploreState, enabled = true): SeriesResult {
  const [result, setResult] = useState<SeriesResult>({ data: null, error: null, loading: true })
  const { indicator, region, range, step, compare } = state
  const key = `${indicator}|${region}|${JSON.stringify(range)}|${step}|${compare}|${enabled}`
  useEffect(() => {
    // Requests are never aborted (an aborted request is a failed request in the
    // network log); an answer for a view that is no longer shown is dropped.
    let current = true
    const load = async () => {
      setResult((r) => ({ ...r, loading: true }))
      try {
        const window = resolveWindow(range, Date.now())
        const main = await getJson(seriesUrl(indicator, region, window.from, window.to, step === 'auto' ? undefined : step), seriesReplySchema)
        let other: SeriesData['compare'] = null
        if (compare !== 'none') {
          const w = comparisonWindow({ from: main.from, to: main.to }, compare)
          // The same step as the main series, so the two line up bucket for bucket.
          other = { body: await getJson(seriesUrl(indicator, region, w.from, w.to, main.step), seriesReplySchema), offset: w.offset }
        }
        if (current) setResult({ data: { main, compare: other, fetchedAt: Date.now() }, error: null, loading: false })
      } catch (err) {
        if (current) setResult((r) => ({ data: r.data, error: err instanceof Error ? err.message : String(err), loading: false }))
      }
    }
    // A new view starts without the old view's numbers.
    setResult({ data: null, error: null, loading: enabled })
    if (!enabled) return
    void load()
    const timer = range.kind === 'preset' ? setInterval(() => void load(), REFRESH_MS) : undefined
    return () => {
      current = false
      clearInterval(timer)
    }
  }, [key]) // eslint-disable-line react-hooks/exhaustive-deps
  return result
}
