import { LineChart, type LineSeriesOption } from 'echarts/charts'
import { GridComponent, MarkLineComponent, type GridComponentOption, type MarkLineComponentOption } from 'echarts/components'
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

/**
 * ECharts, with only the parts the charts use registered (the full bundle is
 * three times the size), and the option type those parts allow.
 */

use([LineChart, GridComponent, MarkLineComponent, CanvasRenderer])

export type ChartOption = ComposeOption<LineSeriesOption | GridComponentOption | MarkLineComponentOption>

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
  accent: '#3fa7ff',
  good: '#2ecc71',
  warn: '#f5b93b',
  bad: '#ff4d4f',
} as const
