import './charts.css'
import { useMemo } from 'react'
import { CHART_COLORS, CHART_FONT_SIZE, type ChartOption } from './echarts'
import { useChart } from './use-chart'
import { splitPartial } from './partial-period'

export interface TrendChartProps {
  /** [epoch ms, value], oldest first. */
  points: ReadonlyArray<readonly [number, number]>
  /** Changes whenever `points` changed in place (the chart redraws on it). */
  version: number
  /** A dashed line at the target level, when the target is a level. */
  target?: number | null
  /** Decimals of the axis labels. */
  precision: number
  /** Label of the time axis: hours for a day, dates for longer. */
  timeFormat: 'time' | 'date'
  /** Greyed when the data is not updating. */
  stale?: boolean
  color?: string
  /** The start of the bucket still open (today so far): from it on, points are drawn apart, dashed and hollow. */
  partialFrom?: number | null
  /** The language of the axis numbers: Chinese counts in 万 and 亿, English in k and M. @default 'zh' */
  lang?: 'zh' | 'en'
}

/**
 * A line over time for a wall panel: LTTB-sampled (a 1,440-point day drawn
 * into a few hundred pixels keeps its peaks), no symbols, no animation (a wall
 * redraws for days and nobody watches the transition), big axis labels.
 */
export function TrendChart({ points, version, target, precision, timeFormat, stale = false, color = CHART_COLORS.accent, partialFrom = null, lang = 'zh' }: TrendChartProps) {
  // `version` stands for the points' contents.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const { closed, open } = useMemo(() => splitPartial(points, partialFrom), [points, version, partialFrom])
  const option = useMemo<ChartOption>(() => {
    const line = stale ? CHART_COLORS.muted : color
    const joint = closed[closed.length - 1]
    return {
      animation: false,
      grid: { left: 16, right: 32, top: 24, bottom: 8, containLabel: true },
      xAxis: {
        type: 'time',
        axisLine: { lineStyle: { color: CHART_COLORS.grid } },
        axisTick: { show: false },
        splitLine: { show: false },
        splitNumber: 3,
        axisLabel: {
          color: CHART_COLORS.muted,
          fontSize: CHART_FONT_SIZE,
          hideOverlap: true,
          formatter: timeFormat === 'time' ? '{HH}:{mm}' : '{MM}-{dd}',
        },
      },
      yAxis: {
        type: 'value',
        scale: true,
        // The target line stays in view: the gap to it is what the chart is for.
        ...(target === null || target === undefined
          ? {}
          : { min: (e: { min: number }) => Math.min(e.min, target), max: (e: { max: number }) => Math.max(e.max, target) }),
        splitNumber: 3,
        splitLine: { lineStyle: { color: CHART_COLORS.grid } },
        axisLabel: {
          color: CHART_COLORS.muted,
          fontSize: CHART_FONT_SIZE,
          formatter: (v: number) => axisNumber(v, precision, lang),
        },
      },
      series: [
        {
          type: 'line',
          id: 'closed',
          // Copied: the caller's array changes in place between redraws.
          data: closed.map((p) => [p[0], p[1]]),
          sampling: 'lttb',
          showSymbol: false,
          silent: true,
          lineStyle: { width: 5, color: line },
          areaStyle: { color: line, opacity: 0.15 },
          markLine:
            target === null || target === undefined
              ? undefined
              : {
                  silent: true,
                  symbol: 'none',
                  label: { show: false },
                  lineStyle: { color: CHART_COLORS.warn, type: 'dashed', width: 3 },
                  data: [{ yAxis: target }],
                },
        },
        // The open bucket: a hollow point, dashed from the last closed one, never part of the line.
        {
          id: 'open',
          type: 'line',
          data: [...(joint && open.length > 0 ? [{ value: [joint[0], joint[1]], symbol: 'none' }] : []), ...open.map((p) => ({ value: [p[0], p[1]] }))],
          showSymbol: true,
          symbol: 'emptyCircle',
          symbolSize: 18,
          silent: true,
          lineStyle: { width: 4, type: 'dashed', color: line, opacity: 0.6 },
          itemStyle: { color: line, borderWidth: 4 },
        },
      ],
    }
  }, [closed, open, target, precision, timeFormat, stale, color, lang])
  const { ref } = useChart(option)
  // What is drawn as the line and what apart, for a test (or a reader of the DOM) to check.
  return <div ref={ref} className="chart-canvas" data-partial-from={partialFrom ?? ''} data-open-points={open.length} data-last-closed={closed[closed.length - 1]?.[0] ?? ''} />
}

/**
 * Axis numbers short enough for a narrow axis, as each language counts:
 * 150,000 is 15万 in Chinese and 150k in English.
 */
export function axisNumber(v: number, precision: number, lang: 'zh' | 'en'): string {
  const a = Math.abs(v)
  if (lang === 'zh') {
    if (a >= 1e8) return `${+(v / 1e8).toFixed(1)}亿`
    if (a >= 1e4) return `${+(v / 1e4).toFixed(1)}万`
  } else {
    if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`
    if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`
  }
  return String(+v.toFixed(Math.min(precision, 2)))
}
