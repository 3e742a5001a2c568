import { describe, expect, it } from 'vitest'
import { testCatalog } from '../test/fixtures/catalog'
import { createPointValidator, hasPointShape, pointInputSchema, Rejection } from './point-validator'

const NOW = Date.parse('2026-11-21T08:00:00Z')
const validate = createPointValidator(testCatalog(), () => NOW)
const good = { ts: NOW - 1000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 42 }

describe('point validation', () => {
  it.each([
    ['epoch milliseconds', { ...good }, NOW - 1000],
    ['ISO-8601 with Z', { ...good, ts: '2026-11-21T07:00:00Z' }, Date.parse('2026-11-21T07:00:00Z')],
    ['ISO-8601 with an offset', { ...good, ts: '2026-11-21T15:00:00.250+08:00' }, Date.parse('2026-11-21T07:00:00.250Z')],
    ['a space instead of T', { ...good, ts: '2026-11-21 15:00:00+08:00' }, Date.parse('2026-11-21T07:00:00Z')],
    ['a region-level indicator without station', { ts: NOW, indicator: 'biz.online_rate', region: '990100', value: 97.5 }, NOW],
    ['a leaf city', { ts: NOW, indicator: 'biz.new_entities', region: '990200', value: 3 }, NOW],
    ['a point slightly ahead of our clock', { ...good, ts: NOW + 60_000 }, NOW + 60_000],
    ['29 February of a leap year', { ...good, ts: '2024-02-29T12:00:00Z', indicator: 'biz.new_entities', station: undefined }, Date.parse('2024-02-29T12:00:00Z')],
    ['the last instant of a day', { ...good, ts: '2026-11-20T23:59:59.999Z' }, Date.parse('2026-11-20T23:59:59.999Z')],
    ['minutes only', { ...good, ts: '2026-11-21T15:00+08:00' }, Date.parse('2026-11-21T07:00:00Z')],
    ['an offset without a colon, across midnight', { ...good, ts: '2026-11-21T01:30:00+0530' }, Date.parse('2026-11-20T20:00:00Z')],
    ['a negative offset, across a month', { ...good, ts: '2026-10-31T23:00:00-03:00' }, Date.parse('2026-11-01T02:00:00Z')],
    ['nine digits of a second, cut to milliseconds', { ...good, ts: '2026-11-21T07:00:00.123456789Z' }, Date.parse('2026-11-21T07:00:00.123Z')],
    ['one digit of a second', { ...good, ts: '2026-11-21T07:00:00.5Z' }, Date.parse('2026-11-21T07:00:00.500Z')],
  ])('accepts %s', (_name, input, ts) => {
    const v = validate(input)
    expect(v).not.toBeInstanceOf(Rejection)
    expect(v).toMatchObject({ ts })
  })

  it('keeps the id and fills an empty station for region-level points', () => {
    expect(validate({ ts: NOW, indicator: 'biz.online_rate', region: '990101', value: 90, id: 'abc-1' })).toEqual({
      ts: NOW,
      indicator: 'biz.online_rate',
      region: '990101',
      station: '',
      value: 90,
      id: 'abc-1',
    })
  })

  it('keeps an owned input as the point itself, and never changes one it does not own', () => {
    const parsed = { ts: '2026-11-21T07:00:00Z', indicator: 'biz.online_rate', region: '990101', value: 90 }
    const borrowed = { ...parsed }
    const fromOwned = validate(parsed, true)
    expect(fromOwned).toBe(parsed)
    expect(fromOwned).toEqual({ ts: Date.parse('2026-11-21T07:00:00Z'), indicator: 'biz.online_rate', region: '990101', station: '', value: 90 })
    const fromBorrowed = validate(borrowed)
    expect(fromBorrowed).not.toBe(borrowed)
    expect(borrowed.ts).toBe('2026-11-21T07:00:00Z')
    expect(fromBorrowed).toEqual(fromOwned)
  })

  it.each([
    ['not an object', 42, '', /must be an object/],
    ['an array', [1, 2], '', /must be an object/],
    ['a missing indicator', { ...good, indicator: undefined }, 'indicator', /indicator is required/],
    ['a numeric indicator', { ...good, indicator: 7 }, 'indicator', /indicator must be a string/],
    ['an unknown indicator', { ...good, indicator: 'env.nope' }, 'indicator', /unknown indicator "env.nope"/],
    ['an unknown region', { ...good, region: '123456' }, 'region', /unknown region "123456"/],
    ['an unknown station', { ...good, station: 'AQ-0' }, 'station', /unknown station "AQ-0"/],
    ['a station in another region', { ...good, region: '990102' }, 'region', /stands in region 990101, not 990102/],
    ['a station of the wrong kind', { ...good, station: 'TD-990101-001' }, 'station', /is a traffic station/],
    ['a station for a region-level indicator', { ...good, indicator: 'biz.online_rate' }, 'station', /not measured at stations/],
    ['a missing value', { ...good, value: undefined }, 'value', /value is required/],
    ['a string value', { ...good, value: '42' }, 'value', /value must be a number/],
    ['an infinite value', { ...good, value: Infinity }, 'value', /finite/],
    ['a NaN value', { ...good, value: NaN }, 'value', /number|finite/],
    ['a value out of range', { ...good, value: 612 }, 'value', /outside env.aqi's range \[0, 500\]/],
    ['a missing ts', { ...good, ts: undefined }, 'ts', /ts is required/],
    ['a boolean ts', { ...good, ts: true }, 'ts', /ISO-8601 string or epoch milliseconds/],
    ['a zoneless ts', { ...good, ts: '2026-11-21T07:00:00' }, 'ts', /with a zone/],
    ['a nonsense ts', { ...good, ts: 'yesterday' }, 'ts', /not an ISO-8601/],
    ['an impossible date', { ...good, ts: '2026-13-45T07:00:00Z' }, 'ts', /not a real calendar date/],
    ['30 February', { ...good, ts: '2026-02-30T00:00:00Z' }, 'ts', /"2026-02-30T00:00:00Z" is not a real calendar date/],
    ['29 February of a common year', { ...good, ts: '2026-02-29T00:00:00Z' }, 'ts', /not a real calendar date/],
    ['31 April', { ...good, ts: '2026-04-31T00:00:00+08:00' }, 'ts', /not a real calendar date/],
    ['day 0', { ...good, ts: '2026-11-00T07:00:00Z' }, 'ts', /not a real calendar date/],
    ['day 32', { ...good, ts: '2026-10-32T07:00:00Z' }, 'ts', /not a real calendar date/],
    ['month 0', { ...good, ts: '2026-00-21T07:00:00Z' }, 'ts', /not a real calendar date/],
    ['month 13', { ...good, ts: '2026-13-01T07:00:00Z' }, 'ts', /not a real calendar date/],
    ['hour 24', { ...good, ts: '2026-11-20T24:00:00Z' }, 'ts', /not a real time of day/],
    ['minute 60', { ...good, ts: '2026-11-21T07:60:00Z' }, 'ts', /not a real time of day/],
    ['second 60 (a leap second)', { ...good, ts: '2026-11-21T07:59:60Z' }, 'ts', /not a real time of day/],
    ['an offset of 24 hours', { ...good, ts: '2026-11-21T07:00:00+24:00' }, 'ts', /no such zone offset/],
    ['an offset of 60 minutes', { ...good, ts: '2026-11-21T07:00:00+08:60' }, 'ts', /no such zone offset/],
    ['a year no column holds', { ...good, ts: '0099-11-21T07:00:00Z' }, 'ts', /^ts out of range: "0099-11-21T07:00:00Z"/],
    ['a year beyond 2106', { ...good, ts: '9999-12-31T23:59:59Z' }, 'ts', /^ts out of range/],
    ['epoch nanoseconds', { ...good, ts: 1_732_000_000_000_000_000 }, 'ts', /^ts out of range: 1732000000000000000 is not epoch milliseconds .*nanoseconds/],
    ['epoch microseconds', { ...good, ts: NOW * 1000 }, 'ts', /^ts out of range/],
    ['a number beyond what a Date holds', { ...good, ts: 8.64e15 + 1 }, 'ts', /^ts out of range/],
    ['the largest number', { ...good, ts: Number.MAX_VALUE }, 'ts', /^ts out of range/],
    ['a negative ts', { ...good, ts: -1 }, 'ts', /^ts out of range: -1 is not epoch milliseconds from 1970-01-01 to 2106-02-07$/],
    ['a large negative ts', { ...good, ts: -1e300 }, 'ts', /^ts out of range/],
    ['a far-future ts', { ...good, ts: NOW + 3_600_000 }, 'ts', /in the future/],
    ['epoch seconds instead of milliseconds', { ...good, ts: Math.floor(NOW / 1000) }, 'ts', /older than .* retention \(epoch milliseconds expected\)/],
    ['an unknown field', { ...good, valeu: 3 }, 'valeu', /unknown field "valeu"/],
    ['an empty id', { ...good, id: '' }, 'id', /id must not be empty/],
    ['an over-long id', { ...good, id: 'x'.repeat(129) }, 'id', /at most 128/],
  ])('rejects %s, naming the field', (_name, input, field, reason) => {
    const v = validate(input)
    expect(v).toBeInstanceOf(Rejection)
    if (!(v instanceof Rejection)) return
    expect(v.field).toBe(field)
    expect(v.reason).toMatch(reason)
  })
})

describe('the fast shape check', () => {
  // Inputs near every boundary of the schema; the fast path must never accept
  // what the schema refuses (it may refuse more: the schema then decides).
  const base = { ts: NOW, indicator: 'a', region: 'b', value: 1 }
  const cases: unknown[] = [
    base,
    { ...base, station: 's', id: 'i' },
    { ...base, ts: '2026-11-21T00:00:00Z' },
    { ...base, ts: Infinity },
    { ...base, ts: NaN },
    { ...base, ts: null },
    { ...base, ts: undefined },
    { ...base, ts: '' },
    { ...base, indicator: '' },
    { ...base, indicator: 'x'.repeat(64) },
    { ...base, indicator: 'x'.repeat(65) },
    { ...base, region: 3 },
    { ...base, station: '' },
    { ...base, station: null },
    { ...base, station: undefined },
    { ...base, station: 'x'.repeat(65) },
    { ...base, value: '1' },
    { ...base, value: -Infinity },
    { ...base, value: NaN },
    { ...base, value: -0 },
    { ...base, id: 'x'.repeat(128) },
    { ...base, id: 'x'.repeat(129) },
    { ...base, id: 7 },
    { ...base, extra: 1 },
    Object.assign(Object.create({ inherited: 1 }), base),
    [],
    null,
    'text',
    42,
  ]
  it.each(cases.map((c, i) => [i, c]))('agrees with the schema on case %i', (_i, input) => {
    if (hasPointShape(input)) expect(pointInputSchema.safeParse(input).success).toBe(true)
  })

  it('accepts the common well-formed point without the schema', () => {
    expect(hasPointShape({ ...base, station: 's', id: 'i' })).toBe(true)
  })
})
