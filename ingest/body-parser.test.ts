import { describe, expect, it } from 'vitest'
import { BodyError, formatForContentType, parseBody, UNPRINTABLE_RAW } from './body-parser'

describe('formatForContentType', () => {
  it.each([
    ['application/x-ndjson', 'ndjson'],
    ['application/json; charset=utf-8', 'json'],
    ['text/csv', 'csv'],
    ['TEXT/CSV; header=present', 'csv'],
    ['text/plain', null],
    [undefined, null],
  ])('%s → %s', (ct, format) => {
    expect(formatForContentType(ct)).toBe(format)
  })
})

describe('parseBody', () => {
  it('reads NDJSON line by line, numbering lines and keeping bad ones as failures', () => {
    const body = '{"a":1}\r\n\n{oops\n{"b":2}\n'
    const { records, failures } = parseBody(body, 'ndjson')
    expect(records.values).toEqual([{ a: 1 }, { b: 2 }])
    expect(records.lines).toEqual([1, 4])
    expect([records.rawOf(0), records.rawOf(1)]).toEqual(['{"a":1}', '{"b":2}'])
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatchObject({ line: 3, raw: '{oops' })
    expect(failures[0]!.reason).toMatch(/line is not valid JSON/)
  })

  it('reads a JSON array, numbering elements', () => {
    const { records } = parseBody('[{"a":1},{"b":2}]', 'json')
    expect(records.lines).toEqual([1, 2])
    expect(records.values[1]).toEqual({ b: 2 })
    expect(records.rawOf(1)).toBe('{"b":2}')
  })

  it('reads CSV with a header, turning numeric text into numbers', () => {
    const body = 'ts,indicator,region,value,station\n1763712000000,env.aqi,990101,42,AQ-1\n2026-11-21T08:00:00Z,biz.ratings,990101,-1.5e1,\n'
    const { records, failures } = parseBody(body, 'csv')
    expect(failures).toEqual([])
    expect(records.lines[0]).toBe(2)
    expect(records.values[0]).toEqual({ ts: 1763712000000, indicator: 'env.aqi', region: '990101', value: 42, station: 'AQ-1' })
    expect(records.rawOf(0)).toBe('1763712000000,env.aqi,990101,42,AQ-1')
    // A ts that is not epoch milliseconds stays text for the validator; empty cells are absent.
    expect(records.values[1]).toEqual({ ts: '2026-11-21T08:00:00Z', indicator: 'biz.ratings', region: '990101', value: -15 })
  })

  it.each([
    ['12', 12],
    ['-1.5', -1.5],
    ['+3', 3],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['2.5E-3', 0.0025],
    ['007', 7],
    // White space around a cell (no-break space too) is trimmed by the CSV reader, in every column.
    [' 12 ', 12],
    ['\u00a012\t', 12],
  ])('reads the CSV value %j as the decimal number %d', (cell, value) => {
    const { records, failures } = parseBody(`ts,indicator,region,value\n1,env.aqi,990101,${cell}\n`, 'csv')
    expect(failures).toEqual([])
    expect(records.values).toEqual([{ ts: 1, indicator: 'env.aqi', region: '990101', value }])
  })

  it.each([
    ['0x10', /"0x10" is not a decimal number/],
    ['0b1', /not a decimal number/],
    ['0o7', /not a decimal number/],
    ['Infinity', /not a decimal number/],
    ['-Infinity', /not a decimal number/],
    ['NaN', /not a decimal number/],
    ['1_000', /not a decimal number/],
    ['12abc', /not a decimal number/],
    ['1e', /not a decimal number/],
    ['.', /not a decimal number/],
    ['+-1', /not a decimal number/],
    ['١٢', /not a decimal number/],
    ['1e400', /"1e400" is beyond the range of a number/],
    ['-1e400', /beyond the range of a number/],
  ])('refuses the CSV value %j, naming the field, and reads the other rows', (cell, reason) => {
    const body = `ts,indicator,region,value\n1,env.aqi,990101,1\n2,env.aqi,990101,${cell}\n3,env.aqi,990101,3\n`
    const { records, failures } = parseBody(body, 'csv')
    expect(records.values.map((v) => (v as { value: number }).value)).toEqual([1, 3])
    expect(records.lines).toEqual([2, 4])
    expect(records.rawOf(1)).toBe('3,env.aqi,990101,3')
    expect(failures).toEqual([{ line: 3, field: 'value', raw: `2,env.aqi,990101,${cell}`, reason: expect.stringMatching(reason) }])
  })

  it('reads a quote inside an unquoted cell as text, and a malformed row as one failure however many quotes it holds', () => {
    // Each such quote used to be an error holding the row so far: quadratic time and memory.
    const { records, failures } = parseBody(`ts,indicator,region,value\n1,env.aqi,99"01,5\n${'a"'.repeat(20_000)}\n`, 'csv')
    expect(records.values).toEqual([{ ts: 1, indicator: 'env.aqi', region: '99"01', value: 5 }])
    expect(failures).toEqual([{ line: 3, raw: expect.any(String), reason: expect.stringMatching(/CSV row is malformed/) }])
  })

  it('leaves an empty CSV value absent, for the validator to say it is required', () => {
    expect(parseBody('ts,indicator,region,value\n1,env.aqi,990101,\n', 'csv').records.values).toEqual([{ ts: 1, indicator: 'env.aqi', region: '990101' }])
  })

  it('reads a JSON element nested too deeply to print, keeping a placeholder as its raw text', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const { records } = parseBody(`[{"a":1},${deep}]`, 'json')
    expect(records.values).toHaveLength(2)
    expect(records.rawOf(0)).toBe('{"a":1}')
    expect(records.rawOf(1)).toBe(UNPRINTABLE_RAW)
  })

  it('keeps a CSV row with the wrong number of cells as a failure and reads the rest', () => {
    const { records, failures } = parseBody('ts,indicator,region,value\n1,a,b,2\n1,a,b\n3,c,d,4\n', 'csv')
    expect(records.lines).toEqual([2, 4])
    expect(failures).toHaveLength(1)
    expect(failures[0]!.reason).toMatch(/malformed/)
  })

  it.each([
    ['an empty body', '  \n', 'ndjson', /empty/],
    ['NDJSON with no valid line', '{x\n{y\n', 'ndjson', /no line of the NDJSON body is valid JSON/],
    ['invalid JSON', '[{"a":1}', 'json', /not valid JSON/],
    ['an array opened 100 000 times', '['.repeat(100_000), 'json', /not valid JSON/],
    ['an NDJSON line opened 100 000 times', '['.repeat(100_000), 'ndjson', /no line of the NDJSON body is valid JSON/],
    ['a JSON object instead of an array', '{"a":1}', 'json', /must be an array/],
    ['a CSV header missing value', 'ts,indicator,region\n1,a,b\n', 'csv', /missing: value/],
    ['a CSV header with an unknown column', 'ts,indicator,region,value,colour\n', 'csv', /unknown CSV column "colour"/],
    ['a CSV header with no rows', 'ts,indicator,region,value\n', 'csv', /no rows/],
  ] as const)('refuses %s as a whole', (_name, body, format, message) => {
    expect(() => parseBody(body, format)).toThrow(BodyError)
    expect(() => parseBody(body, format)).toThrow(message)
  })
})
