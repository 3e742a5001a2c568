import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CODE_PATTERN, REGION_LEVELS } from '../../common/catalog-schema'
import { ApiError } from '../../server/http/api-error'
import { finestStep, MAX_SERIES_BUCKETS, MAX_SERIES_SPAN_MS, STEP_MS } from '../../server/http/query-router'
import { codeParam, levelParam, parseInstant, parseQuery, requireIndicator, requireRegion } from '../../server/http/validate'
import { ROLLUP_STEPS } from '../../server/storage/tables'
import { testCatalog } from '../fixtures/catalog'
import { fuzzRuns } from './fuzz-settings'
import { anyText, formatIso, isoPrecision } from './point-arbitraries'

/**
 * The read routers' query parsing, module by module: instants, catalog codes,
 * levels, the strict query parser and its messages, the choice of step. Any
 * input gets a value or an ApiError 4xx naming the parameter, never anything
 * else.
 */

const catalog = testCatalog()

/** Calls `fn`; an ApiError is returned, any other exception fails the property. */
function apiCall<T>(fn: () => T): T | ApiError {
  try {
    return fn()
  } catch (err) {
    if (err instanceof ApiError) return err
    throw new Error(`threw ${String(err)}, not an ApiError`, { cause: err })
  }
}

const anything = fc.anything({ maxDepth: 2, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withDate: true, withBigInt: true, withTypedArray: true, withSparseArray: true })

describe('parseInstant, fuzzed', () => {
  it('never throws, and gives a finite number or nothing', () => {
    fc.assert(
      fc.property(fc.oneof(anyText({ maxLength: 40 }), fc.stringMatching(/^-?\d{0,20}(\.\d*)?$/), fc.stringMatching(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,12})?)?([Zz]|[+\- ]\d{2}:?\d{2})?$/)), (text) => {
        const ms = parseInstant(text)
        if (ms !== undefined) expect(Number.isFinite(ms)).toBe(true)
        // Epoch milliseconds are up to 15 digits, nothing else.
        if (/^\d{1,15}$/.test(text)) expect(ms).toBe(Number(text))
        if (/^\d{16,}$/.test(text) || /^-/.test(text) || /\.\d*$/.test(text)) expect(ms).toBeUndefined()
      }),
      fuzzRuns(5000),
    )
  })

  it('reads every ISO-8601 date-time with a zone as its instant, and refuses one without', () => {
    const style = fc.record({
      separator: fc.constantFrom('T' as const, ' ' as const),
      seconds: fc.boolean(),
      fractionDigits: fc.integer({ min: 0, max: 9 }),
      offsetMinutes: fc.integer({ min: -56, max: 56 }).map((q) => q * 15),
      zone: fc.constantFrom('colon' as const, 'compact' as const),
    })
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1000-01-01T00:00:00Z'), max: Date.parse('9998-12-31T00:00:00Z') }), style, fc.boolean(), (ms, s, spaced) => {
        const exact = isoPrecision(ms, s)
        const zoned = formatIso(exact, s)
        expect(parseInstant(zoned)).toBe(exact)
        // An unencoded "+" of a query string arrives as a space.
        if (spaced && s.offsetMinutes >= 0) expect(parseInstant(zoned.replace(/\+(?=\d{2}:?\d{2}$)/, ' '))).toBe(exact)
        if (s.offsetMinutes === 0) expect(parseInstant(formatIso(exact, { ...s, zone: 'Z' }))).toBe(exact)
        expect(parseInstant(formatIso(exact, s, false))).toBeUndefined()
      }),
      fuzzRuns(3000),
    )
  })
})

/** Whether String() can make text of a value (it cannot of an object with no prototype, for one). */
function hasStringForm(value: unknown): boolean {
  try {
    String(value)
    return true
  } catch {
    return false
  }
}

describe('codeParam and levelParam, fuzzed', () => {
  it('never throw; accept only catalog-shaped codes and the three levels', () => {
    const code = codeParam('parent')
    // Values with no string form are the known issue below.
    const input = fc.oneof(anything, anyText({ maxLength: 70 }), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,70}$/), fc.constantFrom(...REGION_LEVELS)).filter(hasStringForm)
    fc.assert(
      fc.property(input, (input) => {
        const c = code.safeParse(input)
        if (c.success) expect(c.data).toMatch(CODE_PATTERN)
        else expect(c.error.issues[0]!.message.length).toBeGreaterThan(0)
        const l = levelParam.safeParse(input)
        if (l.success) expect(REGION_LEVELS).toContain(l.data)
        else expect(l.error.issues[0]!.message).toMatch(/^level must be one of province, city, county/)
      }),
      fuzzRuns(5000),
    )
  })

  /**
   * Found by fuzzing (fixed; not reachable over HTTP, whose query parser makes
   * only strings and arrays of strings): levelParam builds its message with
   * String(i.input) (query-router.ts, levelParam; the series query's `step`
   * enum does the same), which throws a TypeError for a value with no string
   * form. zod builds messages when `error` is first read, so parseQuery throws
   * that TypeError (a 500 in a route) instead of an ApiError 400.
   */
  it('parseQuery refuses a level with no string form with a 400', () => {
    const schema = z.strictObject({ level: levelParam })
    fc.assert(
      fc.property(fc.constantFrom(Object.create(null) as object, { toString: null, valueOf: null }, [Object.create(null)]), (level) => {
        const result = apiCall(() => parseQuery(schema, { level }))
        expect(result).toBeInstanceOf(ApiError)
      }),
      fuzzRuns(3),
    )
  })
})

describe('parseQuery, fuzzed', () => {
  // A strict query of the shape the read routes use, from the router's own parameter types.
  const schema = z.strictObject({ indicator: codeParam('indicator'), level: levelParam, parent: codeParam('parent').optional() })
  const KNOWN = ['indicator', 'level', 'parent']
  const value = fc.oneof(
    fc.constantFrom(...catalog.catalog.indicators.map((i) => i.code), ...REGION_LEVELS, '990101', '', 'a,b', 'env.aqi '),
    anyText({ maxLength: 70 }),
  )
  const key = fc.oneof({ arbitrary: fc.constantFrom(...KNOWN), weight: 4 }, { arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'stpe'), weight: 1 }, { arbitrary: anyText({ maxLength: 10 }), weight: 1 })
  /** As express's query parser makes them: a null-prototype object of strings and arrays of strings. */
  const query = fc.array(fc.tuple(key, fc.oneof({ arbitrary: value, weight: 5 }, { arbitrary: fc.array(value, { minLength: 2, maxLength: 3 }), weight: 1 })), { maxLength: 5 }).map((entries) => {
    const q = Object.create(null) as Record<string, string | string[]>
    for (const [k, v] of entries) q[k] = v
    return q
  })

  it('returns only a valid query, or a 400 naming every problem', () => {
    fc.assert(
      fc.property(query, (q) => {
        const result = apiCall(() => parseQuery(schema, q))
        const keys = Object.keys(q)
        const unknown = keys.filter((k) => !KNOWN.includes(k))
        const missing = ['indicator', 'level'].filter((k) => q[k] === undefined)
        const repeated = keys.filter((k) => KNOWN.includes(k) && Array.isArray(q[k]))
        const malformed = (['indicator', 'parent'] as const).filter((k) => typeof q[k] === 'string' && !CODE_PATTERN.test(q[k] as string))
        const badLevel = typeof q.level === 'string' && !(REGION_LEVELS as readonly string[]).includes(q.level)
        const problems = unknown.length + missing.length + repeated.length + malformed.length + Number(badLevel)
        if (!(result instanceof ApiError)) {
          expect(problems).toBe(0)
          expect(result.indicator).toMatch(CODE_PATTERN)
          expect(REGION_LEVELS).toContain(result.level)
          if (result.parent !== undefined) expect(result.parent).toMatch(CODE_PATTERN)
          return
        }
        expect(problems).toBeGreaterThan(0)
        expect({ status: result.status, code: result.code }).toEqual({ status: 400, code: 'bad_query' })
        if (unknown.length > 0) expect(result.message).toMatch(/^unknown query parameters? /)
        for (const k of missing) expect(result.message).toContain(`${k} is required`)
        for (const k of repeated) expect(result.message).toContain(`${k} may be given only once`)
        for (const k of malformed) expect(result.message).toContain(`${k} must be a catalog code`)
        if (badLevel) expect(result.message).toContain('level must be one of')
      }),
      fuzzRuns(5000),
    )
  })
})

describe('finestStep and the catalog lookups, fuzzed', () => {
  it('chooses the finest step that keeps a series within the bucket cap (1d when none does)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: MAX_SERIES_SPAN_MS }), fc.double({ min: Number.MIN_VALUE, max: MAX_SERIES_SPAN_MS, noNaN: true })), (span) => {
        const step = finestStep(span)
        const i = ROLLUP_STEPS.indexOf(step)
        if (step !== '1d') expect(Math.ceil(span / STEP_MS[step])).toBeLessThanOrEqual(MAX_SERIES_BUCKETS)
        for (const finer of ROLLUP_STEPS.slice(0, i)) expect(Math.ceil(span / STEP_MS[finer])).toBeGreaterThan(MAX_SERIES_BUCKETS)
      }),
      fuzzRuns(3000),
    )
  })

  it('answer any code with the catalog entry or a 4xx', () => {
    const code = fc.oneof(fc.constantFrom(...catalog.catalog.indicators.map((i) => i.code), ...catalog.catalog.regions.map((r) => r.code), '__proto__', 'constructor', 'hasOwnProperty'), anyText({ maxLength: 70 }))
    fc.assert(
      fc.property(code, (c) => {
        const indicator = apiCall(() => requireIndicator(catalog, c))
        if (indicator instanceof ApiError) expect([indicator.status, indicator.code]).toEqual([400, 'unknown_indicator'])
        else expect(indicator.code).toBe(c)
        const region = apiCall(() => requireRegion(catalog, c, 'region'))
        if (region instanceof ApiError) expect([region.status, region.code]).toEqual([404, 'unknown_region'])
        else expect(catalog.region(region)!.code).toBe(c)
      }),
      fuzzRuns(3000),
    )
  })
})
