import type { SeriesPoint, SeriesReply } from './api/query-api'

// Storage reads points of this shape; its import predates the route's contract.
export type { SeriesPoint }

export const SERIES_CSV_HEADER = 'ts,value,min,max,count'

/**
 * The points as CSV, exactly as the API gave them: `ts` as ISO-8601 UTC and
 * every number in the shortest form that reads back to the same double
 * (what JSON uses), one row per point, no rounding.
 */
export function seriesCsv(points: readonly SeriesPoint[]): string {
  const lines = [SERIES_CSV_HEADER]
  for (const p of points) lines.push(`${new Date(p.ts).toISOString()},${String(p.value)},${String(p.min)},${String(p.max)},${String(p.count)}`)
  return `${lines.join('\n')}\n`
}

/** A file name that says what the file holds: `env.aqi_440100_20261115T0000Z_20261122T0000Z_1h.csv`. */
export function exportFileName(body: Pick<SeriesReply, 'indicator' | 'region' | 'from' | 'to' | 'step'>, ext: 'csv' | 'png'): string {
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z'
  return `${body.indicator}_${body.region}_${stamp(body.from)}_${stamp(body.to)}_${body.step}.${ext}`
}
