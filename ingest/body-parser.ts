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
}

export interface ParsedBody {
  records: ParsedRecords
  failures: RecordFailure[]
}

/** Values that arrived as objects (simulators, tests): numbered from 1, raw text derived. */
export function recordsOf(values: unknown[]): ParsedRecords {
  return { values, lines: values.map((_, i) => i + 1), rawOf: (i) => jsonText(values[i]) }
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

export class BodyError extends Error {
  override readonly name = 'BodyError'
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
      failures.push({ line, raw, reason: `line is not valid JSON: ${(err as Error).message}` })
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
      skip_empty_lines: true,
      raw: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (err: { message: string; lines?: number; raw?: string } | undefined, raw?: string) => {
        failures.push({ line: err?.lines ?? 0, raw: raw ?? err?.raw ?? '', reason: `CSV row is malformed: ${err?.message ?? 'unknown error'}` })
      },
    })
  } catch (err) {
    if (err instanceof BodyError) throw err
    throw new BodyError(`the CSV body cannot be read: ${(err as Error).message}`)
  }
  if (rows.length === 0 && failures.length === 0) throw new BodyError('the CSV body has a header but no rows')
  return {
    records: {
      values: rows.map((r) => csvRecordToPoint(r.record)),
      lines: rows.map((r) => r.info.lines),
      rawOf: (i) => rows[i]!.raw.replace(/\r?\n$/, ''),
    },
    failures,
  }
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

/**
 * CSV has no types: numbers arrive as text. Converts what is plainly numeric and
 * leaves the rest as text, so the validator's message says what is wrong
 * ("value must be a number") instead of a silent NaN.
 */
function csvRecordToPoint(record: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(record)) {
    if (v === '') continue
    if (k === 'value') out[k] = toNumberIfNumeric(v)
    else if (k === 'ts') out[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v
    else out[k] = v
  }
  return out
}

function toNumberIfNumeric(v: string): number | string {
  const n = Number(v)
  if (!Number.isNaN(n)) return n
  return /^[+-]?nan$/i.test(v) ? Number.NaN : v
}
