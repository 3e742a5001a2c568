import { useEffect, useMemo, useRef, useState } from 'react'
import { FitText } from '../ui/fit-text'
import type { Indicator } from '../../../common/catalog-schema'
import { TrendChart } from '../charts/trend-chart'
import { useI18n, type I18n } from '../i18n/i18n'
import { useLiveValue } from '../live/live'
import type { TrendWindowChoice } from '../../../common/wall-schema'
import { appendLive, trendSource, trendUrl, trendWindowFor, type TrendPoint, type TrendWindow } from './trend-window'
import { seriesReplySchema } from '../../../common/api/query-api'
import { polledStale, usePolledJson } from './use-polled-json'
import { useWallTime } from './wall-time'
import { openFromAfterLive } from '../charts/partial-period'

/**
 * Redraw the chart at most this often for live values: a tick may carry a new
 * value every second, and a wall read from across a room gains nothing from
 * redrawing a line that fast.
 */
const LIVE_REDRAW_MS = 5_000

const DAY_MS = 86_400_000

/** A series never holds more points than this, whatever runs for days: the API's own cap. */
const MAX_POINTS = 2_000

/**
 * The trend of one indicator for the selected region: history from
 * /api/series (reloaded now and then), extended by live values in between.
 */
export function TrendPanel({ indicator, region, window = 'auto' }: { indicator: Indicator; region: string; window?: TrendWindowChoice }) {
  const i18n = useI18n()
  const range = useMemo(() => trendWindowFor(window, indicator.cadenceSeconds), [window, indicator.cadenceSeconds])
  // The range moves with the clock: each reload asks for the window ending now.
  const series = usePolledJson(
    trendSource(indicator.code, region, range),
    seriesReplySchema,
    range.reloadMs,
    { resolve: (source) => trendUrl(source, range, Date.now()) },
  )
  const { now, feedStale } = useWallTime()

  const points = useRef<TrendPoint[]>([])
  // Where the open bucket starts (the server's word, moved on by live values that open a newer one).
  const partialFrom = useRef<number | null>(null)
  const [version, setVersion] = useState(0)
  // A new answer replaces the points; none (another region loading) clears them, so the old region's line is never shown for the new one.
  useEffect(() => {
    points.current = series.data ? series.data.points.map((p) => [p.ts, p.value]) : []
    partialFrom.current = series.data?.partialFrom ?? null
    setVersion((v) => v + 1)
  }, [series.data])

  const live = useLiveValue(indicator.code, region)
  const pending = useRef(false)
  const redraw = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => {
    if (!live || !series.data) return
    if (!appendLive(points.current, live.ts, live.value, range, MAX_POINTS)) return
    partialFrom.current = openFromAfterLive(partialFrom.current, points.current[points.current.length - 1]?.[0])
    if (pending.current) return
    pending.current = true
    redraw.current = setTimeout(() => {
      pending.current = false
      setVersion((v) => v + 1)
    }, LIVE_REDRAW_MS)
  }, [live, series.data, range])
  useEffect(() => () => clearTimeout(redraw.current), [])

  const stale = feedStale || polledStale(series, range.reloadMs, now)
  const target = indicator.target?.kind === 'level' ? indicator.target.value : null
  return (
    <div className={`panel wall-sub wall-trend${stale ? ' wall-panel--stale' : ''}`}>
      <div className="wall-sub-title">
        <FitText text={`${i18n.name(indicator.name)} · ${rangeLabel(range, i18n)}`} />
        {stale && <span className="badge-stale">{i18n.t('data.stale')}</span>}
      </div>
      <div className="wall-sub-body">
        {series.data && series.data.points.length === 0 && <div className="wall-sub-empty">{i18n.t('data.none')}</div>}
        {!series.data && <div className="wall-sub-empty">{i18n.t('data.loading')}</div>}
        <TrendChart
          points={points.current}
          version={version}
          target={target}
          precision={indicator.precision}
          timeFormat={range.spanMs > DAY_MS ? 'date' : 'time'}
          stale={stale}
          partialFrom={partialFrom.current}
          lang={i18n.lang}
        />
      </div>
    </div>
  )
}

function rangeLabel(range: TrendWindow, { t }: I18n): string {
  const days = range.spanMs / DAY_MS
  return days <= 1 ? t('range.24h') : days <= 7 ? t('range.7d') : days <= 30 ? t('range.30d') : t('range.1y')
}
