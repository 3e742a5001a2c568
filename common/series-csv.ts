import type { SeriesPoint, SeriesReply } from './api/query-api'
import type { Indicator, Region, Station } from './catalog-schema'
import { utcOffsetMinutes } from './local-time'
import { alignComparison, type ComparisonPoints } from './series-align'

// Storage reads points of this shape; its import predates the route's contract.
export type { SeriesPoint }

/** A byte-order mark: without it Excel reads UTF-8 Chinese as mojibake. */
export const CSV_BOM = '\uFEFF'

export const SERIES_CSV_COLUMNS = ['time', 'indicator', 'indicator_name', 'unit', 'region', 'region_name', 'station', 'station_name', 'value', 'min', 'max', 'count'] as const

export interface SeriesCsvContext {
  indicator: Indicator
  region: Region
  station?: Station
  /** The zone times are written in, with their offset (the deployment's TIMEZONE). */
  timeZone: string
  /** The language of the names. */
  lang: 'zh' | 'en'
  /** The comparison the view shows: adds compare_time, compare_value and change_pct to each row. */
  comparison?: ComparisonPoints
}

/** The columns a comparison adds: its bucket's time, its value, and the change to the row's value in percent. */
export const COMPARISON_CSV_COLUMNS = ['compare_time', 'compare_value', 'change_pct'] as const

/**
 * The points as CSV for a spreadsheet: UTF-8 with a byte-order mark, one row
 * per point, each naming what it is (indicator, unit, region and station,
 * codes and names), times in local time with their offset
 * (`2026-11-21T08:00:00+08:00`), and values at the indicator's precision.
 */
export function seriesCsv(points: readonly SeriesPoint[], ctx: SeriesCsvContext): string {
  const { indicator, region, station, lang } = ctx
  const fixed = [indicator.code, indicator.name[lang], indicator.unit[lang], region.code, region.name[lang], station?.code ?? '', station?.name[lang] ?? ''].map(csvField)
  const compared = ctx.comparison && alignComparison(points, ctx.comparison)
  const lines = [[...SERIES_CSV_COLUMNS, ...(compared ? COMPARISON_CSV_COLUMNS : [])].join(',')]
  const at = roundTo(indicator.precision)
  for (const p of points) {
    const row = [localIso(p.ts, ctx.timeZone), ...fixed, at(p.value), at(p.min), at(p.max), String(p.count)]
    if (compared) {
      const c = compared.get(p.ts)
      row.push(c ? localIso(c.ts, ctx.timeZone) : '', c ? at(c.value) : '', c && c.value !== 0 ? String(Number((((p.value - c.value) / Math.abs(c.value)) * 100).toFixed(2))) : '')
    }
    lines.push(row.join(','))
  }
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`
}

/** An instant as local ISO-8601 time with the zone's offset then: `2026-11-21T08:00:00+08:00`. */
export function localIso(ts: number, timeZone: string): string {
  const offset = utcOffsetMinutes(timeZone, ts)
  const local = new Date(ts + offset * 60_000).toISOString().slice(0, 19)
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/** A number at `digits` decimals, without a trailing ".0…" a spreadsheet would show ("23.18", "7"). */
function roundTo(digits: number): (x: number) => string {
  return (x) => String(Number(x.toFixed(digits)))
}

/** A field quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** A file name that says what the file holds: `env.aqi_440100_20261115T0000Z_20261122T0000Z_1h.csv`. */
export function exportFileName(body: Pick<SeriesReply, 'indicator' | 'region' | 'from' | 'to' | 'step'>, ext: 'csv' | 'png'): string {
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z'
  return `${body.indicator}_${body.region}_${stamp(body.from)}_${stamp(body.to)}_${body.step}.${ext}`
}
