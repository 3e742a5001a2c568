import { useEffect, useMemo, type RefObject } from 'react'
import type { ECharts } from 'echarts/core'
import type { Indicator } from '../../../common/catalog-schema'
import { useI18n } from '../i18n/i18n'
import type { SeriesPoint, SeriesStep } from '../../../common/api/query-api'
import { bucketLabel, showsBand } from './bucket-label'
import type { LineSeriesOption } from 'echarts/charts'
import { CHART_COLORS, TIME_LABELS, escapeHtml, type ChartOption } from '../charts/echarts'
import { useChart } from '../charts/use-chart'
import { splitPartial } from '../charts/partial-period'
import { axisNumber } from '../charts/trend-chart'
import { alignComparison, type ComparisonPoints } from '../../../common/series-align'

/**
 * The analyst's chart: the value as a line (LTTB-sampled), its min–max band
 * behind it, and optionally the comparison period drawn on the same time axis.
 */

export interface ComparisonSeries extends ComparisonPoints {
  label: string
}

interface Props {
  indicator: Indicator
  points: readonly SeriesPoint[]
  /** The points' step: a daily bucket is named by its date. */
  step: SeriesStep
  /** The start of the bucket still open (the reply's partialFrom): drawn dashed and hollow, not as a complete bucket. */
  partialFrom: number | null
  comparison: ComparisonSeries | null
  stale: boolean
  chartRef: RefObject<ECharts | null>
}

export function ExploreChart({ indicator, points, step, partialFrom, comparison, stale, chartRef }: Props) {
  const { t, name, num, lang } = useI18n()
  const option = useMemo<ChartOption>(() => {
    const unit = name(indicator.unit)
    const valueName = name(indicator.name)
    const bandName = t('explore.band')
    const byTs = new Map(points.map((p) => [p.ts, p]))
    // Each main bucket's comparison bucket (a coarser one when history keeps only that far back).
    const compareByTs = comparison ? alignComparison(points, comparison) : new Map<number, SeriesPoint>()
    const fmt = (v: number) => num(v, indicator.precision)
    const locale = lang === 'zh' ? 'zh-CN' : 'en-GB'
    const band = showsBand(indicator)
    const { closed, open } = splitPartial(points, partialFrom)
    const joint = closed[closed.length - 1]
    const partialName = `${valueName} (${t('period.partial')})`
    const series: NonNullable<ChartOption['series']> = [
      // The min–max band, where it means something (not for a summed indicator).
      ...(band ? bandSeries(points, bandName) : []),
      {
        id: 'value',
        name: valueName,
        type: 'line',
        data: closed.map((p) => [p.ts, p.value]),
        sampling: 'lttb',
        showSymbol: closed.length < 60,
        symbolSize: 5,
        lineStyle: { width: 2, color: CHART_COLORS.accent },
        itemStyle: { color: CHART_COLORS.accent },
      },
    ]
    if (open.length > 0)
      series.push({
        id: 'partial',
        name: partialName,
        type: 'line',
        data: [...(joint ? [{ value: [joint.ts, joint.value], symbol: 'none' }] : []), ...open.map((p) => ({ value: [p.ts, p.value] }))],
        showSymbol: true,
        symbol: 'emptyCircle',
        symbolSize: 9,
        lineStyle: { width: 2, type: 'dashed', color: CHART_COLORS.accent, opacity: 0.7 },
        itemStyle: { color: CHART_COLORS.accent, borderWidth: 2 },
      })
    if (comparison)
      series.push({
        id: 'compare',
        name: comparison.label,
        type: 'line',
        data: comparison.points.map((p) => [p.ts + comparison.offset, p.value]),
        sampling: 'lttb',
        showSymbol: false,
        lineStyle: { width: 1.5, type: 'dashed', color: CHART_COLORS.warn },
        itemStyle: { color: CHART_COLORS.warn },
      })
    return {
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { color: CHART_COLORS.text },
      grid: { left: 64, right: 28, top: 48, bottom: 76 },
      legend: { top: 8, textStyle: { color: CHART_COLORS.muted }, data: [valueName, ...(open.length > 0 ? [partialName] : []), ...(band ? [bandName] : []), ...(comparison ? [comparison.label] : [])] },
      tooltip: {
        trigger: 'axis',
        backgroundColor: CHART_COLORS.panel,
        borderColor: CHART_COLORS.grid,
        textStyle: { color: CHART_COLORS.text },
        formatter: (params) => {
          const first = Array.isArray(params) ? params[0] : params
          const ts = Array.isArray(first?.value) ? Number(first.value[0]) : NaN
          if (!Number.isFinite(ts)) return ''
          const p = byTs.get(ts)
          const c = compareByTs.get(ts)
          const rows = [`<b>${escapeHtml(bucketLabel(ts, step, lang))}</b>`]
          if (p) {
            const openNote = partialFrom !== null && p.ts >= partialFrom ? ` (${escapeHtml(t('period.partial'))})` : ''
            rows.push(`${escapeHtml(valueName)}: <b>${fmt(p.value)}</b> ${escapeHtml(unit)}${openNote}`)
            if (band) rows.push(`${escapeHtml(t('explore.min'))} ${fmt(p.min)} · ${escapeHtml(t('explore.max'))} ${fmt(p.max)} · ${escapeHtml(t('explore.count'))} ${p.count}`)
          }
          if (c && comparison) rows.push(`${escapeHtml(comparison.label)}: ${fmt(c.value)} ${escapeHtml(unit)}`)
          return rows.join('<br/>')
        },
      },
      xAxis: {
        type: 'time',
        axisLabel: { color: CHART_COLORS.muted, formatter: TIME_LABELS, hideOverlap: true },
        axisLine: { lineStyle: { color: CHART_COLORS.grid } },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        scale: true,
        name: unit,
        nameTextStyle: { color: CHART_COLORS.muted },
        axisLabel: { color: CHART_COLORS.muted, formatter: (v: number) => axisNumber(v, indicator.precision, lang) },
        splitLine: { lineStyle: { color: CHART_COLORS.grid } },
      },
      dataZoom: [
        { type: 'inside', filterMode: 'none' },
        { type: 'slider', bottom: 16, height: 24, filterMode: 'none', borderColor: CHART_COLORS.grid, textStyle: { color: CHART_COLORS.muted }, labelFormatter: (v: number) => new Date(v).toLocaleDateString(locale) },
      ],
      series,
    }
  }, [indicator, points, step, partialFrom, comparison, t, name, num, lang])
  const { ref, chart } = useChart(option)
  // The parent exports the picture through the same instance (this effect runs after the chart's init).
  useEffect(() => {
    chartRef.current = chart.current
    return () => {
      chartRef.current = null
    }
  }, [chart, chartRef])
  return <div ref={ref} className={`explore-chart${stale ? ' stale' : ''}`} data-testid="explore-chart" role="img" aria-label={name(indicator.name)} />
}

/** The min–max band: the minimum (invisible) and max − min stacked on it, filled. */
function bandSeries(points: readonly SeriesPoint[], name: string): LineSeriesOption[] {
  return [
    { id: 'band-base', type: 'line', data: points.map((p) => [p.ts, p.min]), stack: 'band', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false } },
    {
      id: 'band',
      name,
      type: 'line',
      data: points.map((p) => [p.ts, p.max - p.min]),
      stack: 'band',
      stackStrategy: 'all',
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: { color: 'rgba(63, 167, 255, 0.18)' },
      itemStyle: { color: 'rgba(63, 167, 255, 0.45)' },
      silent: true,
    },
  ]
}
