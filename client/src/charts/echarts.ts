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
import { init, use as registerEcharts, type ComposeOption, type EChartsType } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

/**
 * ECharts for every screen (the wall's trends, the analyst's chart, the duty
 * console's alert chart), with only the parts they use registered (the full
 * bundle is three times the size), and the option type those parts allow.
 */

registerEcharts([LineChart, ScatterChart, GridComponent, TooltipComponent, DataZoomComponent, LegendComponent, MarkLineComponent, MarkAreaComponent, MarkPointComponent, CanvasRenderer])

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

export { init as initChart, type EChartsType as Chart }

/**
 * Chart text sizes in design pixels of the 3840 × 2160 wall: 36 px is 18 px
 * on a 1920 × 1080 screen, the smallest text a wall may show.
 */
export const CHART_FONT_SIZE = 36

/** Colours of the dark theme (client/src/ui/theme.css), which a canvas cannot read from CSS. */
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
