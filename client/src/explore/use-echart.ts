import { LineChart, ScatterChart, type LineSeriesOption, type ScatterSeriesOption } from 'echarts/charts'
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  type DataZoomComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type MarkAreaComponentOption,
  type MarkLineComponentOption,
  type MarkPointComponentOption,
  type TooltipComponentOption,
} from 'echarts/components'
import { init, use, type ComposeOption, type ECharts } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef, type RefObject } from 'react'

/**
 * One ECharts instance per chart element: created on mount, given new options
 * with setOption (never re-created), resized with its element, disposed on
 * unmount — so a view that runs for days keeps its memory flat.
 */

use([LineChart, ScatterChart, GridComponent, TooltipComponent, DataZoomComponent, LegendComponent, MarkLineComponent, MarkAreaComponent, MarkPointComponent, CanvasRenderer])

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | DataZoomComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | MarkAreaComponentOption
  | MarkPointComponentOption
>

/** Colours of the dark theme (client/src/ui/theme.css), for canvas drawing. */
export const CHART_COLORS = {
  text: '#e6edf7',
  muted: '#8ea0bf',
  grid: '#1d2b47',
  panel: '#0d1628',
  accent: '#3fa7ff',
  good: '#2ecc71',
  warn: '#f5b93b',
  bad: '#ff4d4f',
} as const

/**
 * Binds a chart to the returned element ref. `option` is applied whenever it
 * changes (series replaced by id, so a removed comparison disappears while
 * zoom and legend state are kept).
 */
export function useEChart(option: ChartOption | null): { ref: RefObject<HTMLDivElement | null>; chart: RefObject<ECharts | null> } {
  const ref = useRef<HTMLDivElement | null>(null)
  const chart = useRef<ECharts | null>(null)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const instance = init(el, null, { renderer: 'canvas' })
    chart.current = instance
    let frame = 0
    // Resizing inside the observer's callback can loop; the next frame cannot.
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => instance.resize())
    })
    observer.observe(el)
    return () => {
      cancelAnimationFrame(frame)
      observer.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])
  useEffect(() => {
    if (option && chart.current) chart.current.setOption(option, { replaceMerge: ['series'] })
  }, [option])
  return { ref, chart }
}

/** Axis label templates without month names, so they read the same in both languages. */
export const TIME_LABELS = {
  year: '{yyyy}',
  month: '{yyyy}-{MM}',
  day: '{MM}-{dd}',
  hour: '{HH}:{mm}',
  minute: '{HH}:{mm}',
  second: '{HH}:{mm}:{ss}',
  millisecond: '{HH}:{mm}:{ss}',
} as const

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
