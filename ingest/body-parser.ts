import { parse as parseCsv } from 'csv-parse/sync'

/**
 * Turns an ingest body (NDJSON, a JSON array or CSV with a header) into records
 * numbered by line, ready for validation. A record that cannot be read at all
 * becomes a failure with its raw text; a body that cannot be read as a whole is
 * a BodyError (the caller answers 400).
 */

export const BODY_FORMATS = ['ndjson', 'json', 'csv'] as const
export type BodyFormat = (typeof BODY_FORMATS)[number]

/**
 * The records of a body as parallel arrays: a record object per line was a
 * measurable share of ingest's garbage.
 */
export interface ParsedRecords {
  values: unknown[]
  /** 1-based line (NDJSON, CSV) or element number (JSON array) of each value. */
  lines: number[]
  /** The text record i was read from, for the dead letter; only called for rejects. */
  rawOf(i: number): string
  /** The values were made by the parser and nothing else holds them: ingest may keep them as its points. */
  owned?: boolean
}

export interface RecordFailure {
  line: number
  raw: string
  reason: string
  /** The field at fault, when the record was read but one of its fields could not be; absent: the record itself. */
  field?: string
}

export interface ParsedBody {
  records: ParsedRecords
  failures: RecordFailure[]
}

/** Values that arrived as objects (simulators, tests): numbered from 1, raw text derived. */
export function recordsOf(values: unknown[]): ParsedRecords {
  return { values, lines: values.map((_, i) => i + 1), rawOf: (i) => jsonText(values[i]) }
}

/**
 * Shown in the dead letter for a value that has no JSON text: nested deeper
 * than JSON.stringify's recursion reaches (JSON.parse has no such limit, so a
 * body of `[[[…]]]` parses), or holding a cycle or a BigInt (ingestValues).
 */
export const UNPRINTABLE_RAW = '(not shown: the record cannot be written as JSON, e.g. nested too deeply)'

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    // String() recurses as deep as JSON.stringify, and may throw too.
    return UNPRINTABLE_RAW
  }
}

export class BodyError extends Error {
  override readonly name = 'BodyError'
}

/**
 * Records one request may have refused before the rest of it is not read.
 * A producer sending that many bad records is broken, and reading on costs
 * the server without end: 16 M junk NDJSON lines in one 32 MB body took 138 s
 * and 3.9 GB, each a failure message kept and then a row in the dead letter.
 * 10,000 is ten times the errors a reply lists, and far more than a producer
 * whose data is merely imperfect ever sends.
 */
export const MAX_FAILURES_PER_REQUEST = 10_000

/** Adds a failure, refusing the whole body once there are too many. */
function fail(failures: RecordFailure[], failure: RecordFailure): void {
  failures.push(failure)
  if (failures.length > MAX_FAILURES_PER_REQUEST) throw new TooManyFailuresError(failures.slice(0, MAX_FAILURES_PER_REQUEST), failure.line)
}

const CONTENT_TYPES: Record<string, BodyFormat> = {
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/json': 'json',
  'text/csv': 'csv',
}

export const ACCEPTED_CONTENT_TYPES = ['application/x-ndjson', 'application/json', 'text/csv'] as const

/** The body format for a Content-Type header, or null when it is not one we read. */
export function formatForContentType(contentType: string | undefined): BodyFormat | null {
  if (!contentType) return null
  const mime = contentType.split(';')[0]!.trim().toLowerCase()
  return CONTENT_TYPES[mime] ?? null
}

export function parseBody(text: string, format: BodyFormat): ParsedBody {
  if (text.trim().length === 0) throw new BodyError('the body is empty')
  switch (format) {
    case 'ndjson':
      return parseNdjson(text)
    case 'json':
      return parseJsonArray(text)
    case 'csv':
      return parseCsvBody(text)
  }
}

function parseNdjson(text: string): ParsedBody {
  const values: unknown[] = []
  const lines: number[] = []
  const starts: number[] = []
  const ends: number[] = []
  const failures: RecordFailure[] = []
  let line = 0
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    line++
    const lineEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end
    const lineStart = start
    start = end + 1
    const raw = text.slice(lineStart, lineEnd)
    if (raw.trim().length === 0) continue
    try {
      values.push(JSON.parse(raw))
      lines.push(line)
      starts.push(lineStart)
      ends.push(lineEnd)
    } catch (err) {
      fail(failures, { line, raw, reason: `line is not valid JSON: ${(err as Error).message}` })
    }
  }
  if (values.length === 0 && failures.length > 0) {
    throw new BodyErrorWithFailures(`no line of the NDJSON body is valid JSON (first: line ${failures[0]!.line}: ${failures[0]!.reason})`, failures)
  }
  return { records: { values, lines, rawOf: (i) => text.slice(starts[i], ends[i]), owned: true }, failures }
}

/** A whole-body failure that still carries per-line failures, so they can be kept. */
export class BodyErrorWithFailures extends BodyError {
  constructor(
    message: string,
    readonly failures: RecordFailure[],
  ) {
    super(message)
  }
}

/**
 * A request refused whole for having more than MAX_FAILURES_PER_REQUEST bad
 * records. It carries the failures read so far (and one that says the rest was
 * not read), to be kept in the dead letter; nothing of the request is stored.
 */
export class TooManyFailuresError extends BodyErrorWithFailures {
  constructor(failures: RecordFailure[], lastLine: number) {
    super(
      `more than ${MAX_FAILURES_PER_REQUEST} records of this body were refused (the first: line ${failures[0]?.line ?? 0}: ${failures[0]?.reason ?? ''}); ` +
        `nothing of it was stored and the rest was not read: fix the producer, the refused records are kept in rejects`,
      [...failures, { line: lastLine, raw: '', reason: `the rest of the body was not read: more than ${MAX_FAILURES_PER_REQUEST} records refused` }],
    )
  }
}

function parseJsonArray(text: string): ParsedBody {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new BodyError(`the body is not valid JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(json)) throw new BodyError('a JSON body must be an array of points')
  return { records: { ...recordsOf(json), owned: true }, failures: [] }
}

export const CSV_REQUIRED_COLUMNS = ['ts', 'indicator', 'region', 'value'] as const
export const CSV_OPTIONAL_COLUMNS = ['station', 'id'] as const
const CSV_COLUMNS = new Set<string>([...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS])

function parseCsvBody(text: string): ParsedBody {
  const failures: RecordFailure[] = []
  let rows: Array<{ record: Record<string, string>; raw: string; info: { lines: number } }>
  try {
    rows = parseCsv(text, {
      columns: (header: string[]) => checkCsvHeader(header),
      bom: true,
      trim: true,
      // A quote inside an unquoted cell is kept as text (the validator then
      // names the field). Refused, each such quote was an error whose message
      // and raw text held the record so far: a 100 kB body of quotes took the
      // parser seconds and gigabytes.
      relax_quotes: true,
      skip_empty_lines: true,
      raw: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (err: { message: string; lines?: number; raw?: string } | undefined, raw?: string) => {
        fail(failures, { line: err?.lines ?? 0, raw: raw ?? err?.raw ?? '', reason: `CSV row is malformed: ${err?.message ?? 'unknown error'}` })
      },
    })
  } catch (err) {
    if (err instanceof BodyError) throw err
    throw new BodyError(`the CSV body cannot be read: ${(err as Error).message}`)
  }
  if (rows.length === 0 && failures.length === 0) throw new BodyError('the CSV body has a header but no rows')
  const rawOfRow = (r: (typeof rows)[number]) => r.raw.replace(/\r?\n$/, '')
  const values: unknown[] = []
  const lines: number[] = []
  /** The row each value was read from. */
  const from: number[] = []
  rows.forEach((r, k) => {
    const point = csvRecordToPoint(r.record)
    if (point instanceof CsvFieldError) fail(failures, { line: r.info.lines, raw: rawOfRow(r), field: point.field, reason: point.reason })
    else {
      values.push(point)
      lines.push(r.info.lines)
      from.push(k)
    }
  })
  return { records: { values, lines, rawOf: (i) => rawOfRow(rows[from[i]!]!) }, failures }
}

function checkCsvHeader(header: string[]): string[] {
  const names = header.map((h) => h.trim())
  const unknown = names.filter((n) => !CSV_COLUMNS.has(n))
  if (unknown.length > 0)
    throw new BodyError(`unknown CSV column ${unknown.map((u) => `"${u}"`).join(', ')}; columns are ${[...CSV_COLUMNS].join(', ')}`)
  const missing = CSV_REQUIRED_COLUMNS.filter((c) => !names.includes(c))
  if (missing.length > 0) throw new BodyError(`the CSV header must name ${CSV_REQUIRED_COLUMNS.join(', ')}; missing: ${missing.join(', ')}`)
  return names
}

/** A CSV cell that cannot be the value of its field. */
class CsvFieldError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {}
}

/**
 * A plain decimal number: optional sign, digits with an optional fraction,
 * optional exponent. Number() reads much more — hex (0x10), binary, octal,
 * Infinity, and a blank cell as 0 — none of which a producer means as a
 * measurement.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
/** Epoch milliseconds in a CSV ts cell; any other text is left for the validator to read as ISO-8601. */
const EPOCH_MS = /^-?\d+(\.\d+)?$/

/**
 * CSV has no types: numbers arrive as text. A value must be a plain decimal
 * number; a ts of digits is epoch milliseconds, any other ts stays text for the
 * validator to read (or refuse, naming it).
 */
function csvRecordToPoint(record: Record<string, string>): Record<string, unknown> | CsvFieldError {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(record)) {
    if (v === '') continue
    if (k === 'value') {
      if (!DECIMAL.test(v)) return new CsvFieldError('value', `value ${quoted(v)} is not a decimal number`)
      const n = Number(v)
      if (!Number.isFinite(n)) return new CsvFieldError('value', `value ${quoted(v)} is beyond the range of a number`)
      out[k] = n
    } else if (k === 'ts') out[k] = EPOCH_MS.test(v) ? Number(v) : v
    else out[k] = v
  }
  return out
}

/** A cell quoted for a reason, cut to 40 characters (never between the halves of one). */
function quoted(s: string): string {
  if (s.length <= 40) return `"${s}"`
  return `"${s.slice(0, /[\ud800-\udbff]/.test(s[39]!) ? 39 : 40)}…"`
}
