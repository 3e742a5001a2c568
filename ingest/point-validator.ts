import { z } from 'zod'
import type { CatalogIndex } from '../common/catalog-index'
import type { Point } from '../common/point'

/**
 * Checks one inbound record against the point schema and the catalog. Every
 * rejection names the field and says what is wrong with it, because the reason
 * is what a producer reads in the reply and what an operator reads in `rejects`.
 */

/** Clocks of producers drift; a point this far ahead of ours is still believed. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000
/** Nothing older is kept anywhere (the daily rollup's retention). */
export const MAX_AGE_MS = 3650 * 86_400_000
/**
 * The earliest and latest ts anything is stored at, whatever the clock says:
 * the rollups keep time as ClickHouse DateTime, unsigned 32-bit seconds from
 * 1970 (to 2106-02-07T06:28:15Z); DateTime64 and Date reach further. The
 * window around now (MAX_AGE_MS, MAX_FUTURE_SKEW_MS) is the narrower check;
 * this one keeps a number no Date can hold (epoch nanoseconds) out of every
 * message and computation, even under a wrong clock.
 */
const MIN_TS = 0
const MAX_TS = 0xffff_ffff * 1000
const MIN_YEAR = 1970
const MAX_YEAR = 2106
const TS_RANGE_TEXT = '1970-01-01 to 2106-02-07'
/** Long enough for a UUID or a composite key, short enough to keep in memory. */
export const MAX_ID_LENGTH = 128

// ISO-8601 date-time with an explicit zone: a zoneless time would be read in
// whatever zone the reader happens to be in.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/

const text = (field: string, max: number) =>
  z.string({ error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`)

export const pointInputSchema = z.strictObject(
  {
    ts: z.union([z.number(), z.string()], {
      error: (i) => (i.input === undefined ? 'ts is required' : 'ts must be an ISO-8601 string or epoch milliseconds'),
    }),
    indicator: text('indicator', 64),
    region: text('region', 64),
    station: text('station', 64).optional(),
    value: z.number({
      error: (i) =>
        i.input === undefined ? 'value is required' : typeof i.input === 'number' ? 'value must be a finite number' : 'value must be a number',
    }),
    id: text('id', MAX_ID_LENGTH).optional(),
  },
  { error: (i) => (i.code === 'unrecognized_keys' ? `unknown field ${i.keys.map((k) => `"${k}"`).join(', ')}` : 'a point must be an object') },
)

/** Why a record was refused: the field at fault and what is wrong with it. */
export class Rejection {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {}
}

/** A valid record becomes a Point; an invalid one a Rejection (no wrapper per point: it is the hot path). */
export type Verdict = Point | Rejection

type PointInput = z.infer<typeof pointInputSchema>

const INPUT_KEYS = new Set(['ts', 'indicator', 'region', 'station', 'value', 'id'])
// zod counts a string's length in code points; UTF-16 units are the quick check, and an upper bound.
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && (v.length <= max || [...v].length <= max)

/**
 * True only for inputs pointInputSchema accepts. The hot path of ingest: a
 * well-formed point passes with a few type checks, and only a malformed one
 * pays for the schema, which says what is wrong. (Its agreement with the
 * schema is tested.)
 */
export function hasPointShape(input: unknown): input is PointInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false
  const o = input as Record<string, unknown>
  for (const k in o) if (!INPUT_KEYS.has(k)) return false
  const ts = o.ts
  return (
    ((typeof ts === 'number' && Number.isFinite(ts)) || typeof ts === 'string') &&
    isText(o.indicator, 64) &&
    isText(o.region, 64) &&
    (o.station === undefined || isText(o.station, 64)) &&
    typeof o.value === 'number' &&
    Number.isFinite(o.value) &&
    (o.id === undefined || isText(o.id, MAX_ID_LENGTH))
  )
}

export function createPointValidator(index: CatalogIndex, now: () => number) {
  /**
   * `owned`: the input is the validator's to keep (a record parsed from a body
   * that nothing else holds), so an accepted one becomes the Point itself
   * instead of a copy — one object less per point on the hot path.
   * `at`: the time the record was received (default: now), which a request reads once for all its records.
   */
  return function validatePoint(input: unknown, owned = false, at?: number): Verdict {
    let p: PointInput
    if (hasPointShape(input)) p = input
    else {
      const parsed = pointInputSchema.safeParse(input)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        const field = issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : String(issue.path[0] ?? '')
        return new Rejection(field, issue.message)
      }
      p = parsed.data
    }

    const indicator = index.indicator(p.indicator)
    if (!indicator) return new Rejection('indicator', `unknown indicator "${p.indicator}"`)
    const region = index.region(p.region)
    if (!region) return new Rejection('region', `unknown region "${p.region}"`)

    let station = ''
    if (p.station !== undefined) {
      const s = index.station(p.station)
      if (!s) return new Rejection('station', `unknown station "${p.station}"`)
      if (indicator.stationKind === undefined)
        return new Rejection('station', `indicator ${indicator.code} is not measured at stations`)
      if (s.kind !== indicator.stationKind)
        return new Rejection('station', `station ${s.code} is a ${s.kind} station; ${indicator.code} is measured at ${indicator.stationKind} stations`)
      if (s.region !== p.region)
        return new Rejection('region', `station ${s.code} stands in region ${s.region}, not ${p.region}`)
      station = s.code
    }

    const [lo, hi] = indicator.range
    if (p.value < lo || p.value > hi)
      return new Rejection('value', `value ${p.value} is outside ${indicator.code}'s range [${lo}, ${hi}]`)

    const ts = parseTimestamp(p.ts)
    if (typeof ts === 'string') return new Rejection('ts', ts)
    const t = at ?? now()
    if (ts > t + MAX_FUTURE_SKEW_MS)
      return new Rejection('ts', `ts ${new Date(ts).toISOString()} is more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes in the future`)
    if (ts < t - MAX_AGE_MS)
      return new Rejection('ts', `ts ${new Date(ts).toISOString()} is older than the ${MAX_AGE_MS / 86_400_000}-day retention (epoch milliseconds expected)`)

    // The catalog's strings, not the input's: points waiting for storage then
    // share them instead of each holding its own copies.
    if (owned && p === input) {
      const point = input as unknown as Point
      point.ts = ts
      point.indicator = indicator.code
      point.region = region.code
      point.station = station
      return point
    }
    const point: Point = { ts, indicator: indicator.code, region: region.code, station, value: p.value }
    if (p.id !== undefined) point.id = p.id
    return point
  }
}

export type PointValidator = ReturnType<typeof createPointValidator>

/**
 * Epoch milliseconds, or the reason the input is not a timestamp. The text form
 * is read field by field, so a date that is not on the calendar (30 February,
 * hour 24) is refused instead of rolling over into the next month or day as
 * Date.parse would have it.
 */
function parseTimestamp(ts: number | string): number | string {
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts)) return 'ts must be a finite number of epoch milliseconds'
    const ms = Math.floor(ts)
    if (ms >= MIN_TS && ms <= MAX_TS) return ms
    return `ts out of range: ${ts} is not epoch milliseconds from ${TS_RANGE_TEXT}${ms > MAX_TS ? ' (micro- or nanoseconds?)' : ''}`
  }
  if (!ISO_WITH_ZONE.test(ts)) return `ts "${truncate(ts)}" is not an ISO-8601 date-time with a zone (e.g. 2026-11-21T08:00:00+08:00)`
  // The pattern fixed where each field is: YYYY-MM-DD?hh:mm[:ss[.f…]]zone.
  const year = digits(ts, 0, 4)
  const month = digits(ts, 5, 2)
  const day = digits(ts, 8, 2)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return `ts "${truncate(ts)}" is not a real calendar date`
  const hour = digits(ts, 11, 2)
  const minute = digits(ts, 14, 2)
  let second = 0
  let ms = 0
  let i = 16
  if (ts.charCodeAt(i) === COLON) {
    second = digits(ts, i + 1, 2)
    i += 3
    if (ts.charCodeAt(i) === DOT) {
      // Milliseconds: the first three digits, as Date.parse reads them.
      const start = ++i
      while (isDigit(ts.charCodeAt(i))) i++
      const n = Math.min(i - start, 3)
      ms = digits(ts, start, n) * (n === 1 ? 100 : n === 2 ? 10 : 1)
    }
  }
  // A leap second (:60) is refused too: neither Date nor the engine has one.
  if (hour > 23 || minute > 59 || second > 59) return `ts "${truncate(ts)}" is not a real time of day (hours 00–23, minutes and seconds 00–59)`
  let offsetMinutes = 0
  if (ts.charCodeAt(i) !== Z) {
    const sign = ts.charCodeAt(i) === MINUS ? -1 : 1
    const offsetHours = digits(ts, i + 1, 2)
    const offsetMins = digits(ts, ts.charCodeAt(i + 3) === COLON ? i + 4 : i + 3, 2)
    if (offsetHours > 23 || offsetMins > 59) return `ts "${truncate(ts)}" has no such zone offset`
    offsetMinutes = sign * (offsetHours * 60 + offsetMins)
  }
  // Checked before Date.UTC, which would read a year below 100 as 19xx.
  if (year < MIN_YEAR - 1 || year > MAX_YEAR + 1) return `ts out of range: "${truncate(ts)}" is not between ${TS_RANGE_TEXT}`
  const at = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000
  return at >= MIN_TS && at <= MAX_TS ? at : `ts out of range: "${truncate(ts)}" is not between ${TS_RANGE_TEXT}`
}

const COLON = 58
const DOT = 46
const MINUS = 45
const Z = 90
const isDigit = (c: number) => c >= 48 && c <= 57

/** The decimal number of `n` ASCII digits at `at` (the pattern has checked they are digits). */
function digits(s: string, at: number, n: number): number {
  let v = 0
  for (let k = at; k < at + n; k++) v = v * 10 + s.charCodeAt(k) - 48
  return v
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
}

/** The first 40 characters, not cutting a character in two. */
function truncate(s: string): string {
  if (s.length <= 40) return s
  const cut = /[\ud800-\udbff]/.test(s[39]!) ? 39 : 40
  return `${s.slice(0, cut)}…`
}
