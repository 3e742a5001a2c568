import fc from 'fast-check'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BodyError, type BodyFormat } from '../../ingest/body-parser'
import { sourceProducer, type IngestResult } from '../../ingest/ingest-pipeline'
import { MAX_REJECT_RAW_CHARS } from '../../server/storage/point-store'
import { idHashes, REPO_ROOT, startTestServer, type TestServer } from '../integration/harness'
import { fuzzRuns } from './fuzz-settings'
import { bmpText, CSV_COLUMNS, csvCell, csvCells, pointCase, validPoint, type Expected, type PointArbitraryOptions, type PointCase } from './point-arbitraries'

/**
 * The ingest pipeline on the real embedded engine, fed mixed batches of valid
 * and near-valid records as NDJSON, JSON and CSV, alone and several at once:
 * every record is accounted for in the reply, exactly the valid ones are
 * stored (once), every rejected one is in the dead letter with its reason,
 * and nothing else is stored.
 */

let server: TestServer

beforeAll(async () => {
  server = await startTestServer({ CATALOG_DIR: path.join(REPO_ROOT, 'sample-data'), LOG_LEVEL: 'error' })
})
afterAll(async () => {
  await server?.stop()
})

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await server.storage.client.query({ query, query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}

const count = async (table: 'points' | 'rejects') => Number((await rows<{ n: string }>(`SELECT count() AS n FROM onescreen.${table}`))[0]!.n)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// --- batches ---------------------------------------------------------------------

/** The sample catalog, as the server has it; set once the server runs. */
let options: PointArbitraryOptions

/** One record of a batch as generated; ids of valid records are given when the batch is sent. */
type Item =
  | { kind: 'case'; c: PointCase }
  /** A valid record whose id is one accepted before: a duplicate. */
  | { kind: 'dup'; c: PointCase; pick: number }
  /**
   * Text that is not a readable record of its format, or holds a number JSON cannot (1e400), a
   * ts no Date or column can hold, a date not on the calendar, or a CSV value that is not decimal.
   */
  | { kind: 'text'; text: string; field: string }

const parses = (s: string) => {
  try {
    JSON.parse(s)
    return true
  } catch {
    return false
  }
}

function itemsFor(format: BodyFormat): fc.Arbitrary<Item> {
  const cases = pointCase(options).filter((c) => format !== 'csv' || csvCells(c.record) !== null)
  const dup = fc.tuple(validPoint(options).filter((c) => format !== 'csv' || csvCells(c.record) !== null), fc.nat()).map(([c, pick]): Item => ({ kind: 'dup', c, pick }))
  const huge = validPoint(options).map((c): Item => ({ kind: 'text', text: JSON.stringify(c.record).replace(/"value":[^,}]+/, '"value":1e400'), field: 'value' }))
  const rowOf = (record: object) => (format === 'csv' ? csvCells(record)!.map(csvCell).join(',') : JSON.stringify(record))
  const csvable = (c: PointCase) => format !== 'csv' || csvCells(c.record) !== null
  // Epoch nanoseconds used to make the whole request fail (and leak the ids before them).
  const badTs = fc
    .tuple(validPoint(options).filter(csvable), fc.constantFrom<number | string>(1_732_000_000_000_000_000, 8.64e15 + 1, 1e300, -1e300, -1, '2026-02-30T00:00:00Z', '2026-11-20T24:00:00Z', '2026-13-01T00:00:00Z', '0099-01-01T00:00:00Z'))
    .map(([c, ts]): Item => ({ kind: 'text', text: rowOf({ ...(c.record as object), ts }), field: 'ts' }))
  // Number() reads all of these; a CSV value is a plain decimal number or refused.
  const looseValue = fc
    .tuple(validPoint(options).filter(csvable), fc.constantFrom('0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', '1e400', ' 12 ', '1_0'))
    .map(([c, v]): Item => {
      const cells = csvCells(c.record)!.map(csvCell)
      cells[CSV_COLUMNS.indexOf('value')] = csvCell(v)
      return { kind: 'text', text: cells.join(','), field: 'value' }
    })
  const text: fc.Arbitrary<Item>[] =
    format === 'ndjson'
      ? [
          huge,
          badTs,
          fc
            .oneof(fc.constantFrom('{"value":NaN}', '{"ts":', 'Infinity', '-Infinity', 'NaN', "{'a':1}", '[1,]', 'undefined', '{"a":1}}'), bmpText({ minLength: 1, maxLength: 40 }))
            .filter((s) => s.trim() !== '' && !/[\r\n]/.test(s) && !parses(s))
            .map((t): Item => ({ kind: 'text', text: t, field: '' })),
        ]
      : format === 'json'
        ? [huge, badTs]
        : [
            badTs,
            looseValue,
            // A row of too many or too few cells.
            fc.tuple(fc.constantFrom(5, 7, 8), bmpText({ maxLength: 6 })).map(([n, s]): Item => ({ kind: 'text', text: Array.from({ length: n }, () => csvCell(s)).join(','), field: '' })),
          ]
  return fc.oneof(
    { arbitrary: cases.map((c): Item => ({ kind: 'case', c })), weight: 6 },
    { arbitrary: dup, weight: 1 },
    { arbitrary: fc.oneof(...text), weight: 1 },
  )
}

interface BatchSpec {
  format: BodyFormat
  items: Item[]
  /** NDJSON only: what separates each line from the next (blank lines are skipped, not counted as records). */
  breaks: string[]
}

const batch: () => fc.Arbitrary<BatchSpec> = () =>
  fc.constantFrom<BodyFormat>('ndjson', 'ndjson', 'json', 'csv').chain((format) =>
    fc.array(itemsFor(format), { minLength: 1, maxLength: 40 }).chain((items) =>
      fc.record({
        format: fc.constant(format),
        items: fc.constant(items),
        breaks: fc.array(fc.constantFrom('\n', '\n', '\r\n', '\n\n', '\n \t\n'), { minLength: items.length, maxLength: items.length }),
      }),
    ),
  )

/** What a batch must come to. */
interface Expectation {
  text: string
  records: number
  stored: Array<{ indicator: string; region: string; station: string; ts: number; value: number; id: string }>
  rejects: Array<{ line: number; field: string; raw: string }>
  duplicates: number
}

let nextId = 0
/** Ids accepted so far, oldest first: what a duplicate repeats. */
const acceptedIds: string[] = []

/** Builds the body of a batch and what it must come to; gives each valid record a fresh id. */
function materialise(spec: BatchSpec): Expectation {
  const e: Expectation = { text: '', records: spec.items.length, stored: [], rejects: [], duplicates: 0 }
  const texts: string[] = []
  const kept = (raw: string) => (raw.length > MAX_REJECT_RAW_CHARS ? `${raw.slice(0, MAX_REJECT_RAW_CHARS)}…` : raw)
  const storedAs = (expect: Expected & { ok: true }, id: string) => ({
    indicator: expect.point.indicator,
    region: expect.point.region,
    station: expect.point.station,
    ts: expect.point.ts,
    value: expect.point.value + 0, // -0 is stored as 0
    id: idHashes([id], sourceProducer('test'))[0]!,
  })
  for (const item of spec.items) {
    if (item.kind === 'text') {
      texts.push(item.text)
      e.rejects.push({ line: 0, field: item.field, raw: item.text })
      continue
    }
    let record = item.c.record
    if (item.kind === 'dup' && acceptedIds.length > 0) {
      record = { ...(record as object), id: acceptedIds[item.pick % acceptedIds.length] }
      e.duplicates++
    } else if (item.c.expect.ok) {
      const id = `fz-${nextId++}`
      record = { ...(record as object), id }
      acceptedIds.push(id)
      e.stored.push(storedAs(item.c.expect, id))
    } else e.rejects.push({ line: 0, field: item.c.expect.field, raw: JSON.stringify(record) })
    texts.push(spec.format === 'csv' ? csvCells(record)!.map(csvCell).join(',') : JSON.stringify(record))
  }
  // Number the records as each format does, and the raw text the dead letter keeps.
  const lineOf: number[] = []
  if (spec.format === 'ndjson') {
    let line = 1
    e.text = texts.map((t, i) => {
      lineOf.push(line)
      line += spec.breaks[i]!.split('\n').length - 1
      return t + spec.breaks[i]
    }).join('')
  } else if (spec.format === 'json') {
    texts.forEach((_, i) => lineOf.push(i + 1))
    e.text = `[${texts.join(',')}]`
  } else {
    texts.forEach((_, i) => lineOf.push(i + 2))
    e.text = [CSV_COLUMNS.join(','), ...texts].join('\n')
  }
  let r = 0
  spec.items.forEach((item, i) => {
    const rejected = item.kind === 'text' || (item.kind === 'case' && !item.c.expect.ok)
    if (!rejected) return
    const reject = e.rejects[r++]!
    reject.line = lineOf[i]!
    // A JSON element is kept as the JSON of what was read; a line as it was sent.
    reject.raw = kept(spec.format === 'json' ? JSON.stringify(JSON.parse(texts[i]!)) : texts[i]!)
  })
  return e
}

const byLine = <T extends { line: number; raw?: string }>(a: T, b: T) => a.line - b.line || (a.raw ?? '').localeCompare(b.raw ?? '')

describe('ingest pipeline on the real engine, fuzzed', () => {
  beforeAll(() => {
    options = { index: server.catalog, now: Date.now, window: { past: 30 * 86_400_000, future: 60_000 }, outsideBy: 3_600_000, text: bmpText }
  })

  it('accounts for every record, stores exactly the valid ones once and keeps every rejected one with its reason', async () => {
    const settings = fuzzRuns(50)
    let sent = 0
    const totals = { stored: 0, rejected: 0 }
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constant(null), { minLength: 1, maxLength: 3 }).chain((n) => fc.tuple(...n.map(() => batch()))), async (specs) => {
        const [pointsBefore, rejectsBefore] = [await count('points'), await count('rejects')]
        const expectations = specs.map(materialise)
        const from = Date.now()
        // Sent together, so the writer may put several requests in one insert.
        const outcomes = await Promise.all(
          specs.map((s, i) => server.pipeline.ingestBody(expectations[i]!.text, s.format, 'test').catch((err: unknown) => err)),
        )
        const to = Date.now()
        sent += specs.length
        totals.stored += expectations.reduce((n, e) => n + e.stored.length, 0)
        totals.rejected += expectations.reduce((n, e) => n + e.rejects.length, 0)

        outcomes.forEach((outcome, i) => {
          const e = expectations[i]!
          if (outcome instanceof BodyError) {
            // Only a body of which nothing is readable, and then nothing of it is stored.
            expect(e.stored.length + e.duplicates).toBe(0)
            return
          }
          if (outcome instanceof Error) throw outcome
          const result = outcome as IngestResult
          expect(result.accepted + result.rejected + result.duplicates).toBe(e.records)
          expect({ accepted: result.accepted, rejected: result.rejected, duplicates: result.duplicates }).toEqual({
            accepted: e.stored.length,
            rejected: e.rejects.length,
            duplicates: e.duplicates,
          })
          expect(result.errors.map((x) => x.line).sort((a, b) => a - b)).toEqual(e.rejects.map((x) => x.line).sort((a, b) => a - b))
          for (const x of result.errors) expect(x.reason.length).toBeGreaterThan(0)
        })

        // Stored: exactly the valid records, with the values they were sent with.
        const window = { a: from, b: to }
        const stored = await rows<{ indicator: string; region: string; station: string; ts: string; value: number; id: string; source: string }>(
          `SELECT indicator, region, station, toUnixTimestamp64Milli(ts) AS ts, value, toString(id_hash) AS id, source FROM onescreen.points
           WHERE received BETWEEN fromUnixTimestamp64Milli({a:Int64}) AND fromUnixTimestamp64Milli({b:Int64}) ORDER BY id`,
          window,
        )
        const expectedStored = expectations.flatMap((e) => e.stored).sort((a, b) => a.id.localeCompare(b.id))
        expect(stored.map((r) => ({ ...r, ts: Number(r.ts), source: undefined }))).toEqual(expectedStored.map((r) => ({ ...r, source: undefined })))
        for (const r of stored) expect(r.source).toBe('test')

        // Kept: every rejected record, with the field at fault and a reason.
        const kept = await rows<{ line: number; field: string; reason: string; raw: string }>(
          `SELECT line, field, reason, raw FROM onescreen.rejects
           WHERE received BETWEEN fromUnixTimestamp64Milli({a:Int64}) AND fromUnixTimestamp64Milli({b:Int64})`,
          window,
        )
        const expectedKept = expectations.flatMap((e) => e.rejects).sort(byLine)
        // A malformed CSV row is kept with its line break, a readable one without: the same row either way.
        for (const r of kept) r.raw = r.raw.replace(/\r?\n$/, '')
        expect(kept.map((r) => ({ line: r.line, raw: r.raw })).sort(byLine)).toEqual(expectedKept.map((r) => ({ line: r.line, raw: r.raw })))
        for (const r of kept) expect(r.reason.length).toBeGreaterThan(0)
        for (const x of expectedKept) {
          expect(kept.some((r) => r.line === x.line && r.raw === x.raw && r.field === x.field), `a reject of line ${x.line} naming ${x.field}: ${x.raw.slice(0, 200)}`).toBe(true)
        }

        // Nothing else: the tables grew by exactly that, and no id is stored twice.
        expect(await count('points')).toBe(pointsBefore + expectedStored.length)
        expect(await count('rejects')).toBe(rejectsBefore + expectedKept.length)
        // The next round's `received` must be later than this one's.
        while (Date.now() <= to) await sleep(1)
      }),
      settings,
    )
    const [twice] = await rows<{ n: string }>(`SELECT count() - uniqExact(id_hash) AS n FROM onescreen.points WHERE id_hash != 0`)
    expect(Number(twice!.n)).toBe(0)
    expect(sent).toBeGreaterThanOrEqual(settings.numRuns)
    // Both outcomes were exercised, many times.
    expect(totals.stored).toBeGreaterThan(settings.numRuns)
    expect(totals.rejected).toBeGreaterThan(settings.numRuns)
  })
})

// --- known bug ---------------------------------------------------------------------

/**
 * Found by fuzzing (fixed): a rejected record whose reason, field or raw text holds half of a
 * UTF-16 surrogate pair cannot be stored in `rejects`: the insert is sent as
 * JSONEachRow, JSON.stringify writes the half as `\ud83d`, and ClickHouse
 * refuses the escape ("Cannot parse escape sequence: missing second part of
 * surrogate pair", input_format_json_throw_on_bad_escape_sequence). The whole
 * request then fails as StorageUnavailableError (HTTP 503 storage_unavailable,
 * "retry later") with nothing stored — and so does every retry, and every
 * other request whose rejects were written in the same batch. Each case below
 * is one way such a half gets in; all but the first arrive in valid UTF-8.
 */
describe('regression found by fuzzing: rejects holding half a surrogate pair', () => {
  const now = () => Date.now() - 1000
  const good = (id: string) => JSON.stringify({ ts: now(), indicator: 'biz.new_entities', region: '440103', value: 1, id })
  const padTo = (n: number, s: string) => s + 'x'.repeat(Math.max(0, n - s.length))
  const triggers: Array<[string, (emoji: string) => string]> = [
    // point-validator.ts: `unknown indicator "${p.indicator}"` echoes a \ud83d sent as a JSON escape.
    ['an escaped lone surrogate echoed in the reason', () => JSON.stringify({ ts: now(), indicator: 'x', region: '440103', value: 1 }).replace('"x"', '"\\ud83d"')],
    // point-validator.ts truncate(): s.slice(0, 40) cuts an astral character in two.
    ['an astral character across the 40th character of a bad ts', (emoji) => JSON.stringify({ ts: `${'a'.repeat(39)}${emoji}`, indicator: 'biz.new_entities', region: '440103', value: 1 })],
    // body-parser.ts: V8's JSON.parse message names the unexpected token, half an astral character.
    ['a line that is not JSON and starts with an astral character', (emoji) => `${emoji} is not JSON`],
    // point-store.ts MAX_REJECT_RAW_CHARS: raw.slice(0, 16384) cuts an astral character in two.
    ['an astral character across the cut of a long raw line', (emoji) => {
      const line = JSON.stringify({ ts: now(), indicator: 'unknown.one', region: '440103', value: 1, note: padTo(MAX_REJECT_RAW_CHARS, '') })
      return line.slice(0, MAX_REJECT_RAW_CHARS - 1) + emoji + line.slice(MAX_REJECT_RAW_CHARS - 1)
    }],
  ]
  const astral = fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c))

  for (const [name, badLine] of triggers) {
    it(`stores the valid point and keeps the reject when the reject holds ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(astral, async (emoji) => {
          const id = `bug-${nextId++}`
          const result = await server.pipeline.ingestBody(`${good(id)}\n${badLine(emoji)}`, 'ndjson', 'test')
          expect(result).toMatchObject({ accepted: 1, rejected: 1 })
        }),
        fuzzRuns(5),
      )
    })
  }

  it('a clean request fails too when its rejects share an insert with such a reject', async () => {
    const clean = server.pipeline.ingestBody(`${good(`bug-${nextId++}`)}\n{"ts":1}`, 'ndjson', 'test')
    const poisoned = server.pipeline.ingestBody(`${good(`bug-${nextId++}`)}\n\u{1F600}`, 'ndjson', 'test').catch(() => undefined)
    const [result] = await Promise.all([clean, poisoned])
    expect(result).toMatchObject({ accepted: 1, rejected: 1 })
  })

  it('the server stays healthy after them', async () => {
    expect((await server.storage.client.ping()).success).toBe(true)
    const result = await server.pipeline.ingestBody(good(`after-${nextId++}`), 'ndjson', 'test')
    expect(result).toMatchObject({ accepted: 1, rejected: 0 })
  })
})
