import { useEffect, useMemo, useState } from 'react'
import type { Alert } from '../../../common/alert-state'
import type { Indicator } from '../../../common/catalog-schema'
import type { Rule } from '../../../common/rule-schema'
import { getJson, query } from '../api/http'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { seriesReplySchema, type SeriesReply } from '../../../common/api/query-api'
import { CHART_COLORS, TIME_LABELS, type ChartOption } from '../charts/echarts'
import { useChart } from '../charts/use-chart'
import { alertLevels, levelLabelPositions, levelValues, type LevelLabelPosition } from './alert-levels'
import { localeOf } from './duty-format'

/**
 * The series around an alert — the series that fired: the station's own
 * readings for a station's alert, the region's series otherwise — from a
 * while before it fired until now, with the rule's threshold and recover
 * level, or the baseline's expected value and band, the moment it fired and
 * the value that raised it.
 */

/** How far before `raisedAt` the chart starts: a few hours, or a few readings of a slow indicator. */
const LEAD_MS = 6 * 3_600_000
const LEAD_READINGS = 6
/** An open alert's chart is re-read this often (the minute rollup's resolution). */
const REFRESH_MS = 60_000
/** Up to this many points the chart marks each reading: about one per 20 pixels of the console's chart. */
const FEW_POINTS = 48
/** The server's longest series (10 years); an old alert's chart ends there. */
const MAX_SPAN_MS = 3_650 * 86_400_000

export function AlertChart({ alert, indicator, rule }: { alert: Alert; indicator: Indicator | undefined; rule: Rule | null }) {
  const { t, name, num, lang } = useI18n()
  const catalog = useCatalog()
  const station = alert.station ? catalog.station(alert.station) : undefined
  // A station the catalog no longer lists is still named, by its code.
  const stationName = alert.station ? (station ? name(station.name) : alert.station) : null
  const [series, setSeries] = useState<{ id: string; body: SeriesReply } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const open = alert.state !== 'resolved'
  const cadenceMs = (indicator?.cadenceSeconds ?? 0) * 1000
  const lead = Math.max(LEAD_MS, LEAD_READINGS * cadenceMs)

  useEffect(() => {
    let current = true
    const load = () => {
      const from = alert.raisedAt - lead
      const to = Math.min(Date.now(), from + MAX_SPAN_MS)
      getJson(`/api/series${query({ indicator: alert.indicator, region: alert.region, station: alert.station || undefined, from, to, step: stepFor(to - from, cadenceMs) })}`, seriesReplySchema)
        .then((body) => {
          if (!current) return
          setSeries({ id: alert.id, body })
          setError(null)
        })
        .catch((err: unknown) => current && setError(err instanceof Error ? err.message : String(err)))
    }
    setError(null)
    load()
    const timer = open ? setInterval(load, REFRESH_MS) : undefined
    return () => {
      current = false
      clearInterval(timer)
    }
  }, [alert.id, alert.indicator, alert.region, alert.station, alert.raisedAt, lead, cadenceMs, open])

  const points = series?.id === alert.id ? series.body.points : null
  const option = useMemo<ChartOption | null>(() => {
    const precision = indicator?.precision ?? 2
    const fmt = (v: number) => num(v, precision)
    const levels = alertLevels(alert, rule)
    const extra = [...levelValues(levels), ...(alert.value !== null ? [alert.value] : [])]
    const lines: Array<Record<string, unknown>> = []
    const at = levelLabelPositions(levels)
    const line = (value: number, label: string, color: string, type: 'solid' | 'dashed' | 'dotted', position: LevelLabelPosition) =>
      lines.push({ yAxis: value, name: label, lineStyle: { color, type, width: 1.5 }, label: { formatter: `${label} ${fmt(value)}`, color, position } })
    if (levels.threshold !== undefined) line(levels.threshold, t('duty.threshold'), CHART_COLORS.bad, 'dashed', at.threshold)
    if (levels.recover !== undefined) line(levels.recover, t('duty.recover'), CHART_COLORS.warn, 'dotted', at.recover)
    if (levels.expected !== undefined) line(levels.expected, t('duty.expected'), CHART_COLORS.good, 'dashed', at.expected)
    const marks = (at: number, label: string, color: string) => ({ xAxis: at, name: label, lineStyle: { color, type: 'solid', width: 1 }, label: { formatter: label, color, position: 'end' } })
    lines.push(marks(alert.raisedAt, t('duty.raisedMark'), CHART_COLORS.bad))
    if (alert.resolvedAt !== null) lines.push(marks(alert.resolvedAt, t('alerts.state.resolved'), CHART_COLORS.good))
    const locale = localeOf(lang)
    return {
      animation: false,
      backgroundColor: 'transparent',
      grid: { left: 56, right: 96, top: 24, bottom: 32 },
      tooltip: {
        trigger: 'axis',
        backgroundColor: CHART_COLORS.panel,
        borderColor: CHART_COLORS.grid,
        textStyle: { color: CHART_COLORS.text },
        valueFormatter: (v) => (typeof v === 'number' ? fmt(v) : String(v ?? '')),
      },
      xAxis: { type: 'time', axisLabel: { color: CHART_COLORS.muted, formatter: TIME_LABELS, hideOverlap: true }, axisLine: { lineStyle: { color: CHART_COLORS.grid } }, splitLine: { show: false } },
      yAxis: {
        type: 'value',
        name: indicator ? name(indicator.unit) : '',
        nameTextStyle: { color: CHART_COLORS.muted },
        axisLabel: { color: CHART_COLORS.muted },
        splitLine: { lineStyle: { color: CHART_COLORS.grid } },
        // The lines must be on the chart even when the series stays far from them.
        min: (e: { min: number; max: number }) => pad(Math.min(e.min, ...extra), Math.max(e.max, ...extra), 'min'),
        max: (e: { min: number; max: number }) => pad(Math.min(e.min, ...extra), Math.max(e.max, ...extra), 'max'),
      },
      series: [
        {
          id: 'value',
          name: `${indicator ? name(indicator.name) : alert.indicator}${stationName ? ` · ${stationName}` : ''}`,
          type: 'line',
          data: (points ?? []).map((p) => [p.ts, p.value]),
          sampling: 'lttb',
          // A few readings (an hourly series over hours) show as dots: a lone reading is no line at all.
          showSymbol: (points?.length ?? 0) <= FEW_POINTS,
          lineStyle: { color: CHART_COLORS.accent, width: 2 },
          itemStyle: { color: CHART_COLORS.accent },
          markLine: { silent: true, symbol: 'none', data: lines as never },
          markArea: levels.band
            ? { silent: true, itemStyle: { color: 'rgba(46, 204, 113, 0.12)' }, label: { show: true, position: 'insideTopLeft', color: CHART_COLORS.good, formatter: t('duty.band') }, data: [[{ yAxis: levels.band[0] }, { yAxis: levels.band[1] }]] }
            : { data: [] },
        },
        {
          id: 'alert-value',
          name: t('duty.alertValue'),
          type: 'scatter',
          data: alert.value !== null ? [[alert.raisedAt, alert.value]] : [],
          symbolSize: 12,
          itemStyle: { color: CHART_COLORS.bad, borderColor: CHART_COLORS.text, borderWidth: 1 },
          tooltip: { valueFormatter: (v) => (typeof v === 'number' ? fmt(v) : '') },
        },
      ],
      axisPointer: { label: { formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? new Date(p.value).toLocaleString(locale) : String(p.value)) } },
    } as ChartOption
  }, [alert, indicator, rule, points, stationName, t, name, num, lang])
  const { ref } = useChart(option)

  return (
    <section className="duty-chart-wrap">
      <h3>
        {t('duty.series.title')}
        {stationName && <span className="muted"> {t('duty.series.ofStation', { station: stationName })}</span>}
      </h3>
      {error && (
        <p className="duty-error" role="alert">
          {t('duty.failed', { message: error })}
        </p>
      )}
      <div ref={ref} className="duty-chart" data-testid="duty-chart" />
    </section>
  )
}

const STEPS: ReadonlyArray<['1h' | '1d', number]> = [
  ['1d', 86_400_000],
  ['1h', 3_600_000],
]
/** The server's cap on points per series (server/http/query-router.ts MAX_SERIES_BUCKETS). */
const MAX_POINTS = 2_000

/**
 * No finer than the indicator's own readings (an hourly AQI in minute buckets
 * is mostly gaps); undefined leaves it to the server, which also decides when
 * the window is too long for that step.
 */
function stepFor(span: number, cadenceMs: number): '1h' | '1d' | undefined {
  const step = STEPS.find(([, ms]) => cadenceMs >= ms)
  return step && span / step[1] <= MAX_POINTS ? step[0] : undefined
}

/** Axis ends with 8 % headroom (so a line on the edge stays visible), rounded outwards to a tenth of the span's magnitude. */
function pad(min: number, max: number, end: 'min' | 'max'): number {
  const span = max - min || Math.abs(max) || 1
  const unit = 10 ** Math.floor(Math.log10(span)) / 10
  return end === 'min' ? Math.floor((min - span * 0.08) / unit) * unit : Math.ceil((max + span * 0.08) / unit) * unit
}
