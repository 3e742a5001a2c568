import fc from 'fast-check'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import type { Point } from '../../common/point'
import { MAX_AGE_MS, MAX_FUTURE_SKEW_MS, MAX_ID_LENGTH } from '../../ingest/point-validator'

/**
 * Ingest records for the fuzz suites, each with what the validator must make
 * of it: valid points built from a catalog's own indicators, regions and
 * stations, and near-valid ones with exactly one thing wrong, which must be
 * refused naming that field. The expectation comes from how the record was
 * built, never from the code under test.
 */

/** The point a record must become, or the field its rejection must name ('' for a record that is not an object). */
export type Expected = { ok: true; point: Point } | { ok: false; field: string }

export interface PointCase {
  record: unknown
  expect: Expected
  /** Which generator made it, for failure reports. */
  what: string
}

/** Builds strings of `minLength`–`maxLength` units (a unit may be more than one UTF-16 code unit). */
export type TextArbitrary = (constraints: { minLength?: number; maxLength?: number }) => fc.Arbitrary<string>

const CODE_UNIT = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))
/** Every UTF-16 code unit except the surrogates: each is one whole character, in UTF-16 as in UTF-8. */
const BMP_CHAR = fc.integer({ min: 0, max: 0xffff - 0x800 }).map((c) => String.fromCharCode(c < 0xd800 ? c : c + 0x800))

/** Any text at all: graphemes, astral characters, lone surrogates. */
export const anyText: TextArbitrary = (c) =>
  fc.oneof(fc.string({ ...c, unit: 'grapheme' }), fc.string({ ...c, unit: 'binary' }), fc.string({ ...c, unit: CODE_UNIT }))

/**
 * Text of the Basic Multilingual Plane without surrogates. Texts that hold an
 * astral character or half of one are left to the known-bug cases in
 * ingest-pipeline.fuzz.test.ts: storing their rejects fails (see there).
 */
export const bmpText: TextArbitrary = (c) => fc.oneof(fc.string({ ...c, unit: 'grapheme-ascii' }), fc.string({ ...c, unit: BMP_CHAR }))

export interface PointArbitraryOptions {
  index: CatalogIndex
  /** The validator's clock, read when a case is generated. */
  now: () => number
  /** How far into the past and the future valid timestamps reach, in ms (within MAX_AGE_MS and MAX_FUTURE_SKEW_MS). */
  window: { past: number; future: number }
  /**
   * How far beyond the accepted window invalid timestamps start: 1 ms where
   * the clock is fixed; more where the validator reads a later clock than the
   * generator did.
   */
  outsideBy: number
  text: TextArbitrary
  /** Also values JSON cannot carry (NaN, ±Infinity), for validating objects directly. */
  nonJson?: boolean
}

// --- timestamps ---------------------------------------------------------------

export interface IsoStyle {
  separator: 'T' | ' '
  seconds: boolean
  /** Digits of the fraction of a second (only with seconds). */
  fractionDigits: number
  /** Minutes east of UTC. */
  offsetMinutes: number
  /** 'Z' only where the offset is 0. */
  zone: 'Z' | 'colon' | 'compact'
}

const isoStyle: fc.Arbitrary<IsoStyle> = fc
  .record({
    separator: fc.constantFrom('T' as const, ' ' as const),
    seconds: fc.boolean(),
    fractionDigits: fc.integer({ min: 0, max: 9 }),
    offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -14 * 4, max: 14 * 4 }).map((q) => q * 15)),
    zone: fc.constantFrom('Z' as const, 'colon' as const, 'compact' as const),
  })
  .map((s) => (s.zone === 'Z' && s.offsetMinutes !== 0 ? { ...s, zone: 'colon' as const } : s))

/** The instant an ISO text of this style can express: `ms` cut to its precision. */
export function isoPrecision(ms: number, style: IsoStyle): number {
  const unit = !style.seconds ? 60_000 : style.fractionDigits === 0 ? 1000 : style.fractionDigits === 1 ? 100 : style.fractionDigits === 2 ? 10 : 1
  return Math.floor(ms / unit) * unit
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** `ms` as ISO-8601 local time of the style's offset; `withZone: false` leaves the zone out (which must be refused). */
export function formatIso(ms: number, style: IsoStyle, withZone = true): string {
  const local = new Date(ms + style.offsetMinutes * 60_000)
  let text = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}${style.separator}${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`
  if (style.seconds) {
    text += `:${pad(local.getUTCSeconds())}`
    if (style.fractionDigits > 0) text += `.${`${pad(local.getUTCMilliseconds(), 3)}000000`.slice(0, style.fractionDigits)}`
  }
  if (!withZone) return text
  if (style.zone === 'Z') return `${text}Z`
  const sign = style.offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(style.offsetMinutes)
  return `${text}${sign}${pad(Math.floor(abs / 60))}${style.zone === 'colon' ? ':' : ''}${pad(abs % 60)}`
}

/** A timestamp as sent (epoch ms, possibly fractional, or ISO with a zone) and the epoch ms it stands for. */
interface Timestamp {
  ts: number | string
  ms: number
}

function timestampAt(ms: fc.Arbitrary<number>): fc.Arbitrary<Timestamp> {
  return fc.oneof(
    ms.map((t) => ({ ts: t, ms: t })),
    fc.tuple(ms, fc.constantFrom(0.001, 0.25, 0.5, 0.999)).map(([t, f]) => ({ ts: t + f, ms: Math.floor(t + f) })),
    fc.tuple(ms, isoStyle).map(([t, style]) => {
      const exact = isoPrecision(t, style)
      return { ts: formatIso(exact, style), ms: exact }
    }),
  )
}

/** An ISO text without seconds cuts its instant to the minute: this much earlier at most, and a bit. */
const ISO_CUT_MS = 61_000

/** Epoch ms inside the accepted window, its ends kept clear of the limits by what a timestamp's text may cut off. */
function validMs(o: PointArbitraryOptions): fc.Arbitrary<number> {
  const past = Math.min(o.window.past, MAX_AGE_MS - ISO_CUT_MS)
  const future = Math.min(o.window.future, MAX_FUTURE_SKEW_MS - ISO_CUT_MS)
  return fc.oneof(
    fc.integer({ min: -future, max: past }),
    fc.constantFrom(-future, 0, past),
  ).map((back) => o.now() - back)
}

// --- valid points ---------------------------------------------------------------

const valueWithin = ([lo, hi]: readonly [number, number]): fc.Arbitrary<number> =>
  fc.oneof(
    fc.double({ min: lo, max: hi, noNaN: true }),
    fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }),
    fc.constantFrom(lo, hi),
  )

interface Placement {
  region: string
  station?: string
}

function placementOf(o: PointArbitraryOptions, indicator: Indicator, stationsOnly = false): fc.Arbitrary<Placement> {
  const regions = o.index.catalog.regions
  const regionOnly = fc.constantFrom(...regions).map((r): Placement => ({ region: r.code }))
  const stations = indicator.stationKind ? o.index.stationsOfKind(indicator.stationKind) : []
  if (stations.length === 0) return regionOnly
  const atStation = fc.constantFrom(...stations).map((s): Placement => ({ region: s.region, station: s.code }))
  return stationsOnly ? atStation : fc.oneof(atStation, regionOnly)
}

const idText = (o: PointArbitraryOptions) => o.text({ minLength: 1, maxLength: 40 }).filter((s) => s.length >= 1 && s.length <= MAX_ID_LENGTH)

interface ValidParts {
  indicator: Indicator
  placement: Placement
  value: number
  ts: Timestamp
  id: string | undefined
}

function validParts(o: PointArbitraryOptions, indicators: readonly Indicator[], stationsOnly = false): fc.Arbitrary<ValidParts> {
  return fc.constantFrom(...indicators).chain((indicator) =>
    fc.record({
      indicator: fc.constant(indicator),
      placement: placementOf(o, indicator, stationsOnly),
      value: valueWithin(indicator.range),
      ts: timestampAt(validMs(o)),
      id: fc.option(idText(o), { nil: undefined }),
    }),
  )
}

function caseOf(p: ValidParts): PointCase {
  const record: Record<string, unknown> = { ts: p.ts.ts, indicator: p.indicator.code, region: p.placement.region, value: p.value }
  if (p.placement.station !== undefined) record.station = p.placement.station
  if (p.id !== undefined) record.id = p.id
  const point: Point = { ts: p.ts.ms, indicator: p.indicator.code, region: p.placement.region, station: p.placement.station ?? '', value: p.value }
  if (p.id !== undefined) point.id = p.id
  return { record, expect: { ok: true, point }, what: 'valid' }
}

/** A record the validator must accept, with the point it must become. */
export function validPoint(o: PointArbitraryOptions): fc.Arbitrary<PointCase> {
  return validParts(o, o.index.catalog.indicators).map(caseOf)
}

// --- near-valid points: one thing wrong ------------------------------------------

const DELETE = Symbol('delete')

function withField(base: PointCase, field: string, value: unknown, what: string, expectField = field): PointCase {
  const record = { ...(base.record as Record<string, unknown>) }
  if (value === DELETE) delete record[field]
  else Object.defineProperty(record, field, { value, enumerable: true, writable: true, configurable: true })
  return { record, expect: { ok: false, field: expectField }, what }
}

const wrongTypes = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
)

/** Text of 1–64 units that is not a code `known` knows. */
const unknownCode = (o: PointArbitraryOptions, known: (code: string) => unknown) =>
  o.text({ minLength: 1, maxLength: 64 }).filter((s) => s.length >= 1 && s.length <= 64 && !known(s))

/** Longer than `over` characters however they are counted (zod counts code points, not UTF-16 units). */
const longText = (o: PointArbitraryOptions, over: number) =>
  fc.tuple(o.text({ minLength: 0, maxLength: 20 }), fc.integer({ min: over + 1, max: over + 3000 })).map(([s, n]) => s + 'x'.repeat(n))

/** Records with one field wrong, each refused naming that field. */
export function invalidPoint(o: PointArbitraryOptions): fc.Arbitrary<PointCase> {
  const index = o.index
  const indicators = index.catalog.indicators
  const base = validPoint(o)
  const mutate = (field: string, values: fc.Arbitrary<unknown>, what: string) =>
    fc.tuple(base, values).map(([b, v]) => withField(b, field, v, what))

  const beyond = (ms: number) => timestampAt(fc.constant(ms))
  // An ISO text cuts its instant to its precision (earlier): a late one is sent later still, an old one stays outside.
  const future = fc.integer({ min: 0, max: 1e12 }).chain((extra) => beyond(o.now() + MAX_FUTURE_SKEW_MS + o.outsideBy + ISO_CUT_MS + extra)).map((t) => t.ts)
  const tooOld = fc.integer({ min: 0, max: 1e12 }).chain((extra) => beyond(o.now() - MAX_AGE_MS - o.outsideBy - extra)).map((t) => t.ts)

  const tsMutations = fc.oneof(
    mutate('ts', fc.tuple(validMs(o), isoStyle).map(([ms, s]) => formatIso(ms, s, false)), 'ts without a zone'),
    mutate('ts', fc.tuple(o.text({ maxLength: 30 }), fc.constantFrom('x', 'T', ' ', '+', '-', 'now', '\u0661')).map(([s, p]) => p + s), 'ts text not a date'),
    mutate(
      'ts',
      fc.constantFrom('2026-13-01T00:00:00Z', '2026-00-10T00:00Z', '2026-01-01T25:00:00+08:00', '2026-01-01T10:61Z', '2026-01-32T00:00Z', '2026-01-01T10:00+25:00', '2026-01-01T10:00+08:60'),
      'ts impossible date',
    ),
    mutate('ts', future, 'ts too far ahead'),
    mutate('ts', tooOld, 'ts too old'),
    mutate('ts', fc.oneof(wrongTypes, fc.constant(DELETE)), 'ts wrong type or missing'),
  )

  const textField = (field: 'indicator' | 'region', known: (code: string) => unknown) =>
    fc.oneof(
      mutate(field, unknownCode(o, known), `unknown ${field}`),
      mutate(field, fc.oneof(wrongTypes, fc.integer(), fc.constant(''), fc.constant(DELETE), longText(o, 64)), `${field} wrong type, empty, missing or long`),
    )

  const stationPoints = validParts(o, indicators.filter((i) => i.stationKind && index.stationsOfKind(i.stationKind).length > 0), true).map(caseOf)
  const regionLevel = indicators.filter((i) => !i.stationKind)
  const stations = index.catalog.stations
  const stationMutations = fc.oneof(
    fc.tuple(stationPoints, fc.constantFrom(...index.catalog.regions)).filter(([b, r]) => (b.record as Placement).region !== r.code).map(([b, r]) => withField(b, 'region', r.code, 'station in another region')),
    fc.tuple(stationPoints, fc.constantFrom(...stations)).filter(([b, s]) => index.station((b.record as Placement).station!)!.kind !== s.kind).map(([b, s]) => withField(withField(b, 'region', s.region, ''), 'station', s.code, 'station of another kind')),
    ...(regionLevel.length > 0
      ? [fc.tuple(validParts(o, regionLevel).map(caseOf), fc.constantFrom(...stations)).map(([b, s]) => withField(withField(b, 'region', s.region, ''), 'station', s.code, 'station for a region-level indicator'))]
      : []),
    mutate('station', unknownCode(o, (c) => index.station(c)), 'unknown station'),
    mutate('station', fc.oneof(wrongTypes, fc.integer(), fc.constant(''), longText(o, 64)), 'station wrong type, empty or long'),
  )

  const outOfRange = fc.constantFrom(...indicators).chain((ind) => {
    const [lo, hi] = ind.range
    const below = fc.double({ max: lo, noNaN: true, noDefaultInfinity: true }).filter((v) => v < lo)
    const above = fc.double({ min: hi, noNaN: true, noDefaultInfinity: true }).filter((v) => v > hi)
    return fc.tuple(validParts(o, [ind]).map(caseOf), fc.oneof(below, above, fc.constant(lo - 1), fc.constant(hi + 1)))
  }).map(([b, v]) => withField(b, 'value', v, 'value out of range'))
  const valueMutations = fc.oneof(
    outOfRange,
    mutate('value', fc.oneof(fc.constantFrom('NaN', 'Infinity', '-Infinity', '42', '1e3', ''), o.text({ maxLength: 20 }), wrongTypes, fc.constant(DELETE)), 'value wrong type or missing'),
    ...(o.nonJson ? [mutate('value', fc.constantFrom(Number.NaN, Infinity, -Infinity), 'value not finite')] : []),
  )

  const idMutations = mutate('id', fc.oneof(fc.constant(''), longText(o, MAX_ID_LENGTH), fc.integer(), wrongTypes), 'id empty, long or wrong type')

  const knownKeys = new Set(['ts', 'indicator', 'region', 'station', 'value', 'id'])
  const extraKey = fc.tuple(base, o.text({ maxLength: 20 }).filter((k) => !knownKeys.has(k)), fc.jsonValue({ maxDepth: 2 })).map(([b, k, v]) => withField(b, k, v, 'extra key'))

  const notAnObject = fc
    .oneof(fc.constant(null), fc.boolean(), fc.double({ noNaN: !o.nonJson, noDefaultInfinity: !o.nonJson }), o.text({ maxLength: 30 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }), base.map((b) => [b.record]))
    .map((record): PointCase => ({ record, expect: { ok: false, field: '' }, what: 'not an object' }))

  return fc.oneof(
    tsMutations,
    textField('indicator', (c) => index.indicator(c)),
    textField('region', (c) => index.region(c)),
    stationMutations,
    valueMutations,
    idMutations,
    extraKey,
    notAnObject,
  )
}

/** Valid and near-valid records, about one valid in three. */
export function pointCase(o: PointArbitraryOptions): fc.Arbitrary<PointCase> {
  return fc.oneof({ arbitrary: validPoint(o), weight: 1 }, { arbitrary: invalidPoint(o), weight: 2 })
}

// --- records as CSV ------------------------------------------------------------------

export const CSV_COLUMNS = ['ts', 'indicator', 'region', 'station', 'value', 'id'] as const

/** A CSV cell holding exactly `s`. */
export const csvCell = (s: string) => `"${s.replaceAll('"', '""')}"`

/**
 * The cells of a record as a CSV row in CSV_COLUMNS order, or null when CSV
 * cannot say the same thing: CSV has no types (a numeric text becomes a
 * number, an empty cell a missing field) and trims its cells.
 */
export function csvCells(record: unknown): string[] | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null
  const r = record as Record<string, unknown>
  if (Object.keys(r).some((k) => !(CSV_COLUMNS as readonly string[]).includes(k))) return null
  const cells: string[] = []
  for (const col of CSV_COLUMNS) {
    const v = r[col]
    if (v === undefined) cells.push('')
    else if (typeof v === 'number' && (col === 'ts' || col === 'value')) cells.push(String(v))
    else if (typeof v === 'string') {
      if (v === '' || v !== v.trim() || /[\r\n\u2028\u2029]/.test(v)) return null
      // A text value is refused for its type; read as a finite number it might not be.
      if (col === 'value' && Number.isFinite(Number(v))) return null
      if (col === 'ts' && /^-?\d+(\.\d+)?$/.test(v)) return null
      cells.push(v)
    } else return null
  }
  return cells
}
