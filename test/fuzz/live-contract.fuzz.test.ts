import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { describeIssues, ResumeRequestSchema, SubscribeRequestSchema } from '../../common/live-contract'
import { fuzzRuns } from './fuzz-settings'
import { anyText } from './point-arbitraries'

/**
 * The socket contract's request schemas, fuzzed: any value a client can send
 * is accepted or refused with a message, never a throw, and what is accepted
 * keeps the contract. (The live server's own checks over a real socket are in
 * live-socket.fuzz.test.ts.)
 */

const anything = fc.anything({ maxDepth: 3, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withDate: true, withBigInt: true, withTypedArray: true, withSparseArray: true })

/** Parses, and reads the error's message the way the live server does; neither may throw. */
function check<T>(schema: z.ZodType<T>, input: unknown): { ok: true; data: T } | { ok: false; message: string } {
  try {
    const result = schema.safeParse(input)
    if (result.success) return { ok: true, data: result.data }
    return { ok: false, message: describeIssues(result.error) }
  } catch (err) {
    throw new Error(`threw ${String(err)} for ${fc.stringify(input)}`, { cause: err })
  }
}

const subscribeRequest = fc.record(
  {
    region: fc.stringMatching(/^\d{6}$/),
    indicators: fc.array(anyText({ minLength: 1, maxLength: 20 }).filter((s) => s.length > 0), { minLength: 1, maxLength: 200 }),
    stations: fc.boolean(),
  },
  { requiredKeys: ['region'] },
)

/** One field of a valid request made invalid, and the field the message must name. */
const wrongSubscribe: Array<[string, fc.Arbitrary<unknown>]> = [
  ['region', fc.oneof(fc.constantFrom(undefined, '', '12345', '1234567', 'abcdef', ' 990000', 990000, null), anyText({ maxLength: 8 }).filter((s) => !/^\d{6}$/.test(s)))],
  ['indicators', fc.constantFrom([], 'env.aqi', [''], [1], Array.from({ length: 201 }, () => 'env.aqi'), null, {})],
  ['stations', fc.constantFrom('true', 1, null, 'yes', [])],
]

describe('live contract schemas, fuzzed', () => {
  it('SubscribeRequestSchema accepts or refuses any value, and what it accepts keeps the contract', () => {
    fc.assert(
      fc.property(fc.oneof(anything, subscribeRequest, fc.tuple(subscribeRequest, anyText({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })).map(([r, k, v]) => ({ ...r, [k]: v }))), (input) => {
        const r = check(SubscribeRequestSchema, input)
        if (!r.ok) {
          expect(r.message.length).toBeGreaterThan(0)
          return
        }
        expect(Object.keys(r.data).every((k) => ['region', 'indicators', 'stations'].includes(k))).toBe(true)
        expect(r.data.region).toMatch(/^\d{6}$/)
        if (r.data.indicators !== undefined) {
          expect(r.data.indicators.length >= 1 && r.data.indicators.length <= 200).toBe(true)
          for (const i of r.data.indicators) expect(typeof i === 'string' && i.length > 0).toBe(true)
        }
        if (r.data.stations !== undefined) expect(typeof r.data.stations).toBe('boolean')
      }),
      fuzzRuns(4000),
    )
  })

  it('SubscribeRequestSchema accepts every valid request, and refuses one with a field made invalid, naming it', () => {
    const mutated = fc.tuple(subscribeRequest, fc.oneof(...wrongSubscribe.map(([field, values]) => values.map((v) => [field, v] as const))))
    fc.assert(
      fc.property(subscribeRequest, mutated, (valid, [request, [field, value]]) => {
        expect(check(SubscribeRequestSchema, valid)).toEqual({ ok: true, data: valid })
        const r = check(SubscribeRequestSchema, { ...request, [field]: value })
        expect(r.ok, `${field}: ${fc.stringify(value)}`).toBe(false)
        if (!r.ok) expect(r.message).toMatch(new RegExp(`^${field}\\b`))
      }),
      fuzzRuns(3000),
    )
  })

  it('ResumeRequestSchema accepts only a whole lastSeq of 0 or more, and refuses the rest with a message', () => {
    const near = fc.oneof(
      fc.record({ lastSeq: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, -0, '3', null)) }),
      fc.record({ lastSeq: fc.nat(), extra: fc.jsonValue({ maxDepth: 1 }) }),
    )
    fc.assert(
      fc.property(fc.oneof(anything, near), (input) => {
        const r = check(ResumeRequestSchema, input)
        if (!r.ok) {
          expect(r.message.length).toBeGreaterThan(0)
          return
        }
        expect(Object.keys(r.data)).toEqual(['lastSeq'])
        expect(Number.isInteger(r.data.lastSeq)).toBe(true)
        expect(r.data.lastSeq).toBeGreaterThanOrEqual(0)
      }),
      fuzzRuns(4000),
    )
  })
})
