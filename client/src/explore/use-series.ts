import { useEffect, useState } from 'react'
import { getJson, query } from '../api/http'
import { comparisonWindow, resolveWindow, type ExploreState } from './explore-state'
import { SERIES_STEPS, seriesReplySchema, type SeriesReply, type SeriesStep } from '../../../common/api/query-api'
import { comparisonCoverage } from '../../../common/series-align'

/**
 * The series for the analyst's view: the main window and, when comparing,
 * the shifted window at the same step. A range relative to now is re-read
 * every REFRESH_MS; a failed re-read keeps the last answer and says so.
 */

/** How often a range ending now is re-read: the minute rollup's resolution. */
export const REFRESH_MS = 60_000

/** The comparison series and what it covers. */
export interface ComparisonData {
  body: SeriesReply
  offset: number
  /** The main series' step when the comparison is at a coarser one (history keeps only that far back): the view says so. */
  fellBackFrom: SeriesStep | null
  /** From its first bucket to the end of its last, as a share of its window (below 1: history does not reach back that far). */
  coverage: { from: number | null; share: number }
}

export interface SeriesData {
  main: SeriesReply
  compare: ComparisonData | null
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
          // The same step as the main series, so the two line up bucket for bucket; where
          // history keeps no such step that far back (hourly values a year ago), the next
          // coarser one that holds values, said so on the view.
          let body = await getJson(seriesUrl(indicator, region, w.from, w.to, main.step), seriesReplySchema)
          for (const coarser of SERIES_STEPS.slice(SERIES_STEPS.indexOf(main.step) + 1)) {
            if (body.points.length > 0) break
            body = await getJson(seriesUrl(indicator, region, w.from, w.to, coarser), seriesReplySchema)
          }
          other = {
            body,
            offset: w.offset,
            fellBackFrom: body.step === main.step ? null : main.step,
            coverage: comparisonCoverage(body.points, w, body.step),
          }
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
