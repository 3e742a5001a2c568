import { describe, expect, it } from 'vitest'
import { BodyError, formatForContentType, parseBody } from './body-parser'

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
    const body = 'ts,indicator,region,value,station\n1763712000000,env.aqi,990101,42,AQ-1\n2026-11-21T08:00:00Z,biz.ratings,990101,abc,\n'
    const { records, failures } = parseBody(body, 'csv')
    expect(failures).toEqual([])
    expect(records.lines[0]).toBe(2)
    expect(records.values[0]).toEqual({ ts: 1763712000000, indicator: 'env.aqi', region: '990101', value: 42, station: 'AQ-1' })
    expect(records.rawOf(0)).toBe('1763712000000,env.aqi,990101,42,AQ-1')
    // Non-numeric text stays text so the validator can name it; empty cells are absent.
    expect(records.values[1]).toEqual({ ts: '2026-11-21T08:00:00Z', indicator: 'biz.ratings', region: '990101', value: 'abc' })
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
    ['a JSON object instead of an array', '{"a":1}', 'json', /must be an array/],
    ['a CSV header missing value', 'ts,indicator,region\n1,a,b\n', 'csv', /missing: value/],
    ['a CSV header with an unknown column', 'ts,indicator,region,value,colour\n', 'csv', /unknown CSV column "colour"/],
    ['a CSV header with no rows', 'ts,indicator,region,value\n', 'csv', /no rows/],
  ] as const)('refuses %s as a whole', (_name, body, format, message) => {
    expect(() => parseBody(body, format)).toThrow(BodyError)
    expect(() => parseBody(body, format)).toThrow(message)
  })
})
