import type { ECharts } from 'echarts/core'
import { CHART_COLORS } from './echarts'

/**
 * A chart as a picture that stands on its own in a report: a header with
 * what it shows (indicator and unit), where (region), over which period, and
 * how current the data was, above the chart without its zoom slider.
 */

export interface PngHeader {
  /** Indicator name and unit: "空气质量指数 (AQI)". */
  title: string
  /** Region, period and data-as-of time, one line. */
  subtitle: string
}

export interface PngHeaderInput {
  indicator: string
  unit: string
  region: string
  from: number
  to: number
  /** Newest data time shown (null: none). */
  asOf: number | null
  lang: 'zh' | 'en'
  /** The zone times are written in (the screen's own by default). */
  timeZone?: string
}

/** Local date and time, in the language's order: 2026-12-05 08:00 in Chinese, 5 Dec 2026, 08:00 in English. */
export function exportTime(ms: number, lang: 'zh' | 'en', timeZone?: string): string {
  if (lang === 'zh') {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('zh-CN', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(ms)
        .map((p) => [p.type, p.value]),
    )
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
  }
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)
}

export function pngHeader(input: PngHeaderInput): PngHeader {
  const { lang, timeZone } = input
  const t = (ms: number) => exportTime(ms, lang, timeZone)
  const title = input.unit ? `${input.indicator} (${input.unit})` : input.indicator
  const asOf = input.asOf === null ? (lang === 'zh' ? '无数据' : 'no data') : t(input.asOf)
  const subtitle =
    lang === 'zh'
      ? `${input.region} · ${t(input.from)} 至 ${t(input.to)} · 数据截至 ${asOf}`
      : `${input.region} · ${t(input.from)} to ${t(input.to)} · data as of ${asOf}`
  return { title, subtitle }
}

/** Header band height and text sizes, in CSS pixels (scaled by the picture's pixel ratio). */
const HEADER_PX = 76
const TITLE_PX = 26
const SUBTITLE_PX = 16
const PAD_PX = 20

/** The chart (without zoom slider or toolbox) under the header, as a PNG data URL. */
export async function chartPng(chart: ECharts, header: PngHeader, pixelRatio = 2): Promise<string> {
  const url = chart.getDataURL({ type: 'png', pixelRatio, backgroundColor: CHART_COLORS.panel, excludeComponents: ['dataZoom', 'toolbox'] })
  const img = new Image()
  img.src = url
  await img.decode()
  const canvas = document.createElement('canvas')
  canvas.width = img.width
  canvas.height = img.height + HEADER_PX * pixelRatio
  const ctx = canvas.getContext('2d')
  if (!ctx) return url
  ctx.fillStyle = CHART_COLORS.panel
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.scale(pixelRatio, pixelRatio)
  ctx.textBaseline = 'top'
  ctx.fillStyle = CHART_COLORS.text
  ctx.font = `bold ${TITLE_PX}px "Noto Sans CJK SC", "Noto Sans SC", sans-serif`
  ctx.fillText(header.title, PAD_PX, 12)
  ctx.fillStyle = CHART_COLORS.muted
  ctx.font = `${SUBTITLE_PX}px "Noto Sans CJK SC", "Noto Sans SC", sans-serif`
  ctx.fillText(header.subtitle, PAD_PX, 12 + TITLE_PX + 10)
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.drawImage(img, 0, HEADER_PX * pixelRatio)
  return canvas.toDataURL('image/png')
}
