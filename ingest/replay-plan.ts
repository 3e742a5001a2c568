import { z } from 'zod'

/**
 * How a file's rows become points: which column or constant gives each field,
 * how zoneless timestamps are read, and how time is moved. Pure, so the CLI's
 * behaviour is testable without a server.
 */

const ZONE = /^(Z|[+-]\d{2}:\d{2})$/

export const replayOptionsSchema = z
  .object({
    url: z.url().default('http://127.0.0.1:8080'),
    /** The ingest key (`osk_…`). */
    key: z.string().regex(/^osk_\S+$/, 'must be an ingest key (osk_…)').optional(),
    tsColumn: z.string().min(1).default('timestamp'),
    valueColumn: z.string().min(1).default('value'),
    indicator: z.string().min(1).optional(),
    indicatorColumn: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    regionColumn: z.string().min(1).optional(),
    station: z.string().min(1).optional(),
    stationColumn: z.string().min(1).optional(),
    /** Zone of timestamps written without one, e.g. "+08:00"; Z (UTC) by default. */
    assumeZone: z.string().regex(ZONE, 'must be Z or ±hh:mm').default('Z'),
    /** Move the whole file so that its last point is now. */
    shiftToNow: z.boolean().default(false),
    /** Play the file as a live feed starting now, `speed` times faster than it was recorded. */
    live: z.boolean().default(false),
    speed: z.number().positive().max(1_000_000).default(1),
    batch: z.number().int().min(1).max(100_000).default(5000),
    idPrefix: z.string().min(1).max(64).optional(),
  })
  .refine((o) => (o.indicator === undefined) !== (o.indicatorColumn === undefined), {
    message: 'give exactly one of --indicator and --indicator-column',
    path: ['indicator'],
  })
  .refine((o) => (o.region === undefined) !== (o.regionColumn === undefined), {
    message: 'give exactly one of --region and --region-column',
    path: ['region'],
  })
  .refine((o) => o.station === undefined || o.stationColumn === undefined, {
    message: 'give at most one of --station and --station-column',
    path: ['station'],
  })
  .refine((o) => !(o.live && o.shiftToNow), { message: '--live and --shift-to-now exclude each other', path: ['live'] })
  .refine((o) => o.live || o.speed === 1, { message: '--speed only applies with --live', path: ['speed'] })

export type ReplayOptions = z.infer<typeof replayOptionsSchema>

/** Reads a timestamp cell: epoch ms, or date-time text (zoneless text in `assumeZone`). NaN when unreadable. */
export function readTimestamp(cell: string, assumeZone: string): number {
  const text = cell.trim()
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text)
  return Date.parse(hasZone ? text : `${text.replace(' ', 'T')}${assumeZone}`)
}

/**
 * Maps recorded time to sent time. `firstTs` and `lastTs` are the file's own
 * range; `startedAt` is when the replay began.
 */
export function timeMapping(options: Pick<ReplayOptions, 'shiftToNow' | 'live' | 'speed'>, firstTs: number, lastTs: number, startedAt: number) {
  if (options.live) return (ts: number) => Math.round(startedAt + (ts - firstTs) / options.speed)
  if (options.shiftToNow) return (ts: number) => ts + (startedAt - lastTs)
  return (ts: number) => ts
}

export interface MappedPoint {
  ts: number | string
  indicator: string | undefined
  region: string | undefined
  station?: string
  value: number | string | undefined
  id?: string
}

/**
 * One row to one point. A cell that cannot be read is passed on as it is, so
 * the server rejects it with its reason and keeps it in the dead letter.
 */
export function mapRow(row: Record<string, string>, options: ReplayOptions, sentTs: (ts: number) => number, line: number): MappedPoint {
  const cell = row[options.tsColumn] ?? ''
  const recorded = readTimestamp(cell, options.assumeZone)
  const ts = Number.isNaN(recorded) ? cell : sentTs(recorded)
  const valueText = row[options.valueColumn]
  const value = valueText === undefined || valueText.trim() === '' ? undefined : Number.isNaN(Number(valueText)) ? valueText : Number(valueText)
  const point: MappedPoint = {
    ts,
    indicator: options.indicator ?? row[options.indicatorColumn!],
    region: options.region ?? row[options.regionColumn!],
    value,
  }
  const station = options.station ?? (options.stationColumn ? row[options.stationColumn] : undefined)
  if (station) point.station = station
  // A retried request carries the same ids, so the server stores it once; a new
  // run maps to new times, hence new ids.
  if (options.idPrefix) point.id = `${options.idPrefix}:${line}:${typeof ts === 'number' ? ts : 'x'}`
  return point
}
