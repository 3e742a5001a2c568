import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BodyError, BodyErrorWithFailures, CSV_OPTIONAL_COLUMNS, CSV_REQUIRED_COLUMNS, parseBody, type BodyFormat, type ParsedBody } from '../../ingest/body-parser'
import { fuzzRuns } from './fuzz-settings'
import { anyText } from './point-arbitraries'

/**
 * The ingest body parser over arbitrary text and near-valid bodies of every
 * format: it returns records or throws a BodyError, nothing else, and what it
 * returns is what the body says, line by line.
 */

const FORMATS: readonly BodyFormat[] = ['ndjson', 'json', 'csv']

/** parseBody, with any exception other than a BodyError failing the property. */
function parse(text: string, format: BodyFormat): ParsedBody | BodyError {
  try {
    return parseBody(text, format)
  } catch (err) {
    if (err instanceof BodyError) {
      expect(err.message.length).toBeGreaterThan(0)
      return err
    }
    throw new Error(`parseBody(${format}) threw ${String(err)}, not a BodyError, for ${JSON.stringify(text.slice(0, 200))}`, { cause: err })
  }
}

/** What every parse result keeps, whatever the format. */
function expectWellFormed(result: ParsedBody): void {
  const { values, lines } = result.records
  expect(lines).toHaveLength(values.length)
  for (let i = 0; i < values.length; i++) {
    expect(Number.isInteger(lines[i])).toBe(true)
    expect(lines[i]).toBeGreaterThan(0)
    expect(typeof result.records.rawOf(i)).toBe('string')
  }
  for (const f of result.failures) {
    expect(Number.isInteger(f.line)).toBe(true)
    expect(typeof f.raw).toBe('string')
    expect(f.reason.length).toBeGreaterThan(0)
    if (f.field !== undefined) expect(f.field).toBe('value')
  }
}

// --- arbitrary text ---------------------------------------------------------------

const jsonish = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '{"value":NaN}', '{"ts":1,}', '[1,2', '"unterminated', 'nul', '\u00a0', '\ufeff{}', '{"__proto__":{"x":1}}', '{"a":1,"a":2}'),
  anyText({ maxLength: 40 }),
)
const lineBreak = fc.constantFrom('\n', '\r\n', '\n\n', '\r', '\n   \n', '\u2028')
/** Lines of JSON, near-JSON and garbage, joined by line breaks of every kind. */
const ndjsonText = fc.array(fc.tuple(jsonish, lineBreak), { maxLength: 12 }).map((parts) => parts.map(([l, b]) => l + b).join(''))

const csvField = fc.oneof(
  fc.constantFrom('', 'env.aqi', '990101', '42', '-1.5', 'NaN', 'nan', 'Infinity', '1e3', '0x10', '0b1', '1e400', '2026-11-21T08:00:00Z', '2026-02-30T00:00:00Z', '1763712000000', '1763712000000.5', '1732000000000000000'),
  anyText({ maxLength: 12 }),
  anyText({ maxLength: 12 }).map((s) => `"${s.replaceAll('"', '""')}"`),
  anyText({ maxLength: 6 }).map((s) => `"${s}`),
)
const csvColumns = fc.oneof(
  fc.shuffledSubarray([...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS], { minLength: 1 }),
  fc.tuple(fc.shuffledSubarray([...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS]), anyText({ maxLength: 8 })).map(([c, x]) => [...c, x]),
  fc.constant([...CSV_REQUIRED_COLUMNS, ...CSV_OPTIONAL_COLUMNS]),
)
/** A header of real, missing or unknown columns, then rows of as many fields or not. */
const csvText = fc
  .tuple(
    fc.constantFrom('', '\ufeff'),
    csvColumns,
    fc.array(fc.array(csvField, { maxLength: 8 }), { maxLength: 8 }),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([bom, header, rows, nl]) => bom + [header.join(','), ...rows.map((r) => r.join(','))].join(nl))

const anyBody = fc.oneof(anyText({ maxLength: 300 }), ndjsonText, csvText, fc.array(jsonish, { maxLength: 6 }).map((xs) => `[${xs.join(',')}]`))

describe('parseBody, fuzzed', () => {
  it.each(FORMATS)('throws nothing but a BodyError for any text as %s, and returns well-formed records', (format) => {
    fc.assert(
      fc.property(anyBody, (text) => {
        const result = parse(text, format)
        if (result instanceof BodyError) return
        expectWellFormed(result)
      }),
      fuzzRuns(format === 'csv' ? 2000 : 3000),
    )
  })

  // A JSON value nested deeper than JSON.stringify reaches still parses (JSON.parse has no depth
  // limit); as CSV, such a body is thousands of quotes and brackets in one cell.
  it.each(FORMATS)('reads a body nested 5 000–100 000 deep as %s, or refuses it, and throws nothing else', (format) => {
    const depth = fc.integer({ min: 5_000, max: 100_000 })
    const nested = fc.oneof(
      depth.map((n) => '['.repeat(n) + ']'.repeat(n)),
      depth.map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
      depth.map((n) => '['.repeat(n)),
      depth.map((n) => '[{"ts":' + '['.repeat(n) + ']'.repeat(n) + '}]'),
    )
    fc.assert(
      fc.property(nested, fc.constantFrom('', '{"a":1}\n'), (text, before) => {
        const result = parse(before + text, format)
        if (result instanceof BodyError) return
        expectWellFormed(result)
      }),
      fuzzRuns(20),
    )
  })

  it('reads NDJSON line by line: each non-blank line is a value or a failure with its line number and text', () => {
    fc.assert(
      fc.property(ndjsonText, (text) => {
        const result = parse(text, 'ndjson')
        // The record lines, as a reader of the text sees them: split at \n, a trailing \r dropped, blank ones skipped.
        const expected = text
          .split('\n')
          .map((l, i) => ({ line: i + 1, raw: l.endsWith('\r') ? l.slice(0, -1) : l }))
          .filter((l) => l.raw.trim() !== '')
        const parses = (raw: string) => {
          try {
            JSON.parse(raw)
            return true
          } catch {
            return false
          }
        }
        const good = expected.filter((l) => parses(l.raw))
        const bad = expected.filter((l) => !parses(l.raw))
        if (text.trim() === '') {
          expect(result).toBeInstanceOf(BodyError)
          return
        }
        if (good.length === 0) {
          // No line is JSON: the body is refused as a whole, each line kept for the dead letter.
          expect(result).toBeInstanceOf(BodyErrorWithFailures)
          expect((result as BodyErrorWithFailures).failures.map((f) => [f.line, f.raw])).toEqual(bad.map((l) => [l.line, l.raw]))
          return
        }
        if (result instanceof BodyError) throw result
        expectWellFormed(result)
        expect(result.records.lines).toEqual(good.map((l) => l.line))
        good.forEach((l, i) => {
          expect(result.records.rawOf(i)).toBe(l.raw)
          expect(JSON.stringify(result.records.values[i])).toBe(JSON.stringify(JSON.parse(l.raw)))
        })
        expect(result.failures.map((f) => [f.line, f.raw])).toEqual(bad.map((l) => [l.line, l.raw]))
      }),
      fuzzRuns(3000),
    )
  })

  it('reads a JSON body as its array, element by element, and refuses anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 10 }).map((a) => JSON.stringify(a)), jsonish, anyText({ maxLength: 50 })), (text) => {
        const result = parse(text, 'json')
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          expect(result).toBeInstanceOf(BodyError)
          return
        }
        if (!Array.isArray(json)) {
          expect(result).toBeInstanceOf(BodyError)
          return
        }
        if (result instanceof BodyError) throw result
        expect(JSON.stringify(result.records.values)).toBe(JSON.stringify(json))
        expect(result.records.lines).toEqual(json.map((_, i) => i + 1))
        expect(result.failures).toEqual([])
      }),
      fuzzRuns(3000),
    )
  })

  it('reads well-formed CSV rows into the fields they hold, numbers converted only where plainly numeric', () => {
    // Fields without quotes, commas, line breaks or edge spaces, so what each row holds is known; and
    // whole characters only (the CSV reader reads UTF-8, where half a surrogate pair cannot be).
    const plain = fc.oneof(
      fc.constantFrom('', 'env.aqi', '42', '-1.5', 'NaN', 'nan', '-NAN', 'Infinity', '1e3', ' ', '2026-11-21T08:00:00Z', '1763712000000', '1763712000000.5', '-7'),
      fc.constantFrom('0x10', '0b1', '0o7', '+.5', '5.', '1e400', '-1e-400', '1_0', '0X1F', '1e+2', '--1'),
      anyText({ minLength: 1, maxLength: 10 }).filter((s) => s === s.trim() && !/[",\r\n\u2028\u2029]/.test(s) && Buffer.from(s).toString() === s),
    )
    const columns = fc.shuffledSubarray([...CSV_OPTIONAL_COLUMNS]).chain((optional) =>
      fc.shuffledSubarray([...CSV_REQUIRED_COLUMNS, ...optional], { minLength: CSV_REQUIRED_COLUMNS.length + optional.length }),
    )
    const body = columns.chain((cols) => fc.tuple(fc.constant(cols), fc.array(fc.array(plain, { minLength: cols.length, maxLength: cols.length }), { minLength: 1, maxLength: 8 })))
    fc.assert(
      fc.property(body, ([cols, rows]) => {
        // With four columns or more no row is an empty line: each is a record, even one of empty fields.
        const text = [cols.join(','), ...rows.map((r) => r.join(','))].join('\n')
        const result = parse(text, 'csv')
        if (result instanceof BodyError) throw result
        // A row whose value is not a plain decimal number (Number() would read 0x10 as 16) is a
        // failure naming the value; the others are records.
        const valueAt = cols.indexOf('value')
        const decimal = (v: string) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) && Number.isFinite(Number(v))
        const refused = (r: string[]) => r[valueAt]!.trim() !== '' && !decimal(r[valueAt]!.trim())
        const kept = rows.flatMap((r, i) => (refused(r) ? [] : [{ r, line: i + 2 }]))
        expect(result.failures).toEqual(
          rows.flatMap((r, i) => (refused(r) ? [{ line: i + 2, raw: r.join(','), field: 'value', reason: expect.stringMatching(/^value ".*" is (not a decimal number|beyond the range of a number)$/s) }] : [])),
        )
        expect(result.records.values).toEqual(
          kept.map(({ r }) => {
            const expected: Record<string, unknown> = {}
            cols.forEach((c, i) => {
              const v = r[i]!.trim()
              if (v === '') return
              if (c === 'value') expected[c] = Number(v)
              else if (c === 'ts') expected[c] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v
              else expected[c] = v
            })
            return expected
          }),
        )
        // The header is line 1; each row's raw text is its line.
        expect(result.records.lines).toEqual(kept.map(({ line }) => line))
        kept.forEach(({ r }, i) => expect(result.records.rawOf(i)).toBe(r.join(',')))
      }),
      fuzzRuns(2000),
    )
  })
})
