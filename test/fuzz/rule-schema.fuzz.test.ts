import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { RuleSchema, SEVERITIES, type Rule } from '../../common/rule-schema'
import { fuzzRuns } from './fuzz-settings'
import { anyText } from './point-arbitraries'

/**
 * Alert rules as data, fuzzed: any value is parsed or refused without a throw,
 * a parsed rule always keeps the rule invariants, every valid rule parses, and
 * a valid rule with one field made invalid is refused with issues that name
 * exactly that field.
 */

const YEAR_S = 366 * 86_400
const ID = /^[a-z0-9][a-z0-9-]{1,63}$/
const INDICATOR = /^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/

/** Text that is 1–500 characters however counted. */
const text = anyText({ minLength: 1, maxLength: 40 }).filter((s) => s.length >= 1)
const bilingual = fc.record({ zh: text, en: text })
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })
const seconds = fc.oneof(fc.integer({ min: 0, max: YEAR_S }), fc.double({ min: 0, max: YEAR_S, noNaN: true }))
const code = fc.stringMatching(INDICATOR)

const threshold = fc
  .record({ op: fc.constantFrom('above' as const, 'below' as const), value: finite, slack: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }) })
  .map(({ op, value, slack }) => ({ kind: 'threshold' as const, op, value, ...(slack === undefined ? {} : { recover: op === 'above' ? value - slack : value + slack }) }))
const rateOfChange = fc
  .record({
    windowSeconds: fc.oneof(fc.integer({ min: 1, max: YEAR_S }), fc.double({ min: 0.001, max: YEAR_S, noNaN: true })),
    direction: fc.constantFrom('rise' as const, 'fall' as const, 'either' as const),
    percent: fc.option(fc.double({ min: 0.001, max: 1e4, noNaN: true }), { nil: undefined }),
    absolute: fc.option(fc.double({ min: 0.001, max: 1e6, noNaN: true }), { nil: undefined }),
  })
  .map((c) => ({ kind: 'rateOfChange' as const, ...c, percent: c.percent ?? (c.absolute === undefined ? 10 : undefined) }))
  .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)))
const baselineParams = fc.record(
  {
    threshold: fc.double({ min: 0.01, max: 100, noNaN: true }),
    direction: fc.constantFrom('above', 'below', 'both'),
    slotMinutes: fc.constantFrom(5, 10, 15, 30, 60, 120, 240, 360, 720, 1440),
    memoryVisits: fc.double({ min: 1, max: 100, noNaN: true }),
    weeklyTrustVisits: fc.double({ min: 0, max: 100, noNaN: true }),
    warmupVisits: fc.double({ min: 1, max: 100, noNaN: true }),
    learnClip: fc.double({ min: 0.01, max: 100, noNaN: true }),
    quietFloor: fc.double({ min: 0, max: 1, noNaN: true }),
    minDeviation: fc.double({ min: 0, max: 1e6, noNaN: true }),
  },
  { requiredKeys: [] },
)
const baseline = fc.option(baselineParams, { nil: undefined }).map((params) => ({ kind: 'baseline' as const, ...(params === undefined ? {} : { params }) }))
const stale = fc.double({ min: 1, max: 1000, noNaN: true }).map((cadences) => ({ kind: 'stale' as const, cadences }))
const flatline = fc
  .record({ cadences: fc.double({ min: 2, max: 1000, noNaN: true }), tolerance: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }) })
  .map(({ cadences, tolerance }) => ({ kind: 'flatline' as const, cadences, ...(tolerance === undefined ? {} : { tolerance }) }))
const crossCheck = fc.record({
  kind: fc.constant('crossCheck' as const),
  op: fc.constantFrom('above' as const, 'below' as const),
  value: finite,
  with: fc.array(fc.record({ indicator: code, op: fc.constantFrom('above' as const, 'below' as const), value: finite }), { minLength: 1, maxLength: 5 }),
})
const condition = fc.oneof(threshold, rateOfChange, baseline, stale, flatline, crossCheck)

const regionCode = fc.stringMatching(/^\d{6}$/)
const scope = fc.oneof(
  fc.record({ level: fc.constantFrom('province', 'city', 'county', 'leaf'), region: regionCode }, { requiredKeys: ['level'] }),
  fc.record({ region: regionCode }),
  fc.record({ stationKind: fc.constantFrom('air', 'traffic'), region: regionCode }, { requiredKeys: ['stationKind'] }),
)

/** A rule the schema must accept. */
const validRule = fc.record(
  {
    id: fc.stringMatching(ID),
    name: bilingual,
    enabled: fc.boolean(),
    indicator: code,
    scope,
    condition,
    for: seconds,
    forPoints: fc.integer({ min: 1, max: 1000 }),
    keepFiringFor: seconds,
    severity: fc.constantFrom(...SEVERITIES),
    escalateAfter: seconds,
    message: bilingual,
  },
  { requiredKeys: ['id', 'name', 'indicator', 'scope', 'condition', 'severity', 'message'] },
)

/** The invariants of a parsed rule, checked on the output alone. */
function expectRuleInvariants(rule: Rule): void {
  expect(rule.id).toMatch(ID)
  expect(rule.indicator).toMatch(INDICATOR)
  for (const t of [rule.name.zh, rule.name.en, rule.message.zh, rule.message.en]) {
    expect(typeof t).toBe('string')
    expect(t.length).toBeGreaterThan(0)
  }
  expect(typeof rule.enabled).toBe('boolean')
  for (const s of [rule.for, rule.keepFiringFor, rule.escalateAfter ?? 0]) {
    expect(Number.isFinite(s)).toBe(true)
    expect(s).toBeGreaterThanOrEqual(0)
    expect(s).toBeLessThanOrEqual(YEAR_S)
  }
  if (rule.forPoints !== undefined) expect(Number.isInteger(rule.forPoints) && rule.forPoints >= 1 && rule.forPoints <= 1000).toBe(true)
  expect(SEVERITIES).toContain(rule.severity)
  const { level, region, stationKind } = rule.scope
  expect(Boolean(level || region || stationKind)).toBe(true)
  expect(Boolean(level && stationKind)).toBe(false)
  if (region !== undefined) expect(region).toMatch(/^\d{6}$/)
  const c = rule.condition
  switch (c.kind) {
    case 'threshold':
      expect(Number.isFinite(c.value)).toBe(true)
      if (c.recover !== undefined) expect(c.op === 'above' ? c.recover <= c.value : c.recover >= c.value).toBe(true)
      break
    case 'rateOfChange':
      expect(c.windowSeconds).toBeGreaterThan(0)
      expect(c.windowSeconds).toBeLessThanOrEqual(YEAR_S)
      expect(c.percent !== undefined || c.absolute !== undefined).toBe(true)
      for (const v of [c.percent, c.absolute]) if (v !== undefined) expect(v).toBeGreaterThan(0)
      break
    case 'baseline':
      if (c.params?.slotMinutes !== undefined) expect(1440 % c.params.slotMinutes).toBe(0)
      break
    case 'stale':
      expect(c.cadences >= 1 && c.cadences <= 1000).toBe(true)
      break
    case 'flatline':
      expect(c.cadences >= 2 && c.cadences <= 1000).toBe(true)
      if (c.tolerance !== undefined) expect(c.tolerance).toBeGreaterThanOrEqual(0)
      break
    case 'crossCheck':
      expect(c.with.length >= 1 && c.with.length <= 5).toBe(true)
      for (const w of c.with) expect(w.indicator).toMatch(INDICATOR)
      break
  }
}

function parse(input: unknown): z.ZodSafeParseResult<Rule> {
  try {
    const result = RuleSchema.safeParse(input)
    // The messages are built when the error is read: that must not throw either.
    if (!result.success) for (const issue of result.error.issues) expect(typeof issue.message).toBe('string')
    return result
  } catch (err) {
    throw new Error(`RuleSchema threw ${String(err)} for ${fc.stringify(input)}`, { cause: err })
  }
}

// --- one field wrong ---------------------------------------------------------------

const DELETE = Symbol('delete')

/** A change to one field of a valid rule that makes it invalid, and the path every issue must start with. */
interface Mutation {
  path: string[]
  value: unknown
}

/** Invalid values for each top-level field (DELETE: leave a required field out). */
const wrongTop: Record<string, fc.Arbitrary<unknown>> = {
  id: fc.oneof(fc.constantFrom('', 'a', 'A1', '-ab', 'ab_c', 'ab c', 'é1', DELETE, 7, null), fc.constant('a'.repeat(65))),
  name: fc.oneof(fc.constantFrom('name', null, DELETE, {}), bilingual.map((n) => ({ ...n, zh: '' })), bilingual.map((n) => ({ ...n, en: 'x'.repeat(501) })), bilingual.map((n) => ({ ...n, fr: 'nom' }))),
  enabled: fc.constantFrom('true', 1, null, 'yes'),
  indicator: fc.oneof(fc.constantFrom('', 'ENV.aqi', 'envaqi', 'env.', '.aqi', '1env.aqi', 'env.AQI', DELETE, 3), anyText({ maxLength: 10 }).filter((s) => !INDICATOR.test(s))),
  scope: fc.constantFrom({}, { level: 'city', stationKind: 'air' }, { level: 'town' }, { region: '12345' }, { region: 440100 }, { stationKind: 'water' }, { level: 'city', colour: 'red' }, 'city', null, DELETE),
  condition: fc.constantFrom(
    { kind: 'threshold', op: 'above', value: 10, recover: 11 },
    { kind: 'threshold', op: 'below', value: 10, recover: 9 },
    { kind: 'threshold', op: 'over', value: 10 },
    { kind: 'threshold', op: 'above', value: '10' },
    { kind: 'threshold', op: 'above', value: Infinity },
    { kind: 'rateOfChange', windowSeconds: 60, direction: 'rise' },
    { kind: 'rateOfChange', windowSeconds: 0, direction: 'rise', percent: 5 },
    { kind: 'rateOfChange', windowSeconds: 60, direction: 'up', percent: 5 },
    { kind: 'rateOfChange', windowSeconds: 60, direction: 'rise', percent: -5 },
    { kind: 'baseline', params: { slotMinutes: 7 } },
    { kind: 'baseline', params: { threshold: 0 } },
    { kind: 'baseline', params: { colour: 'red' } },
    { kind: 'stale', cadences: 0.5 },
    { kind: 'flatline', cadences: 1 },
    { kind: 'flatline', cadences: 3, tolerance: -1 },
    { kind: 'crossCheck', op: 'above', value: 1, with: [] },
    { kind: 'crossCheck', op: 'above', value: 1, with: Array.from({ length: 6 }, () => ({ indicator: 'env.aqi', op: 'above', value: 1 })) },
    { kind: 'crossCheck', op: 'above', value: 1, with: [{ indicator: 'AQI', op: 'above', value: 1 }] },
    { kind: 'anomaly' },
    { op: 'above', value: 1 },
    'threshold',
    null,
    DELETE,
  ),
  for: fc.constantFrom(-1, YEAR_S + 1, '60', null, Infinity, Number.NaN),
  forPoints: fc.constantFrom(0, 1.5, 1001, -1, '2', null),
  keepFiringFor: fc.constantFrom(-0.5, YEAR_S + 0.5, '0', null),
  severity: fc.constantFrom('fatal', 'Critical', '', 2, null, DELETE),
  escalateAfter: fc.constantFrom(-1, YEAR_S * 2, 'soon', null),
  message: fc.oneof(fc.constantFrom('message', null, DELETE, { zh: 'x' }), bilingual.map((m) => ({ ...m, en: '' }))),
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  ...Object.entries(wrongTop).map(([field, values]) => values.map((value): Mutation => ({ path: [field], value }))),
)

function applyMutation(rule: Record<string, unknown>, m: Mutation): Record<string, unknown> {
  const out = { ...rule }
  const [field] = m.path as [string]
  if (m.value === DELETE) delete out[field]
  else out[field] = m.value
  return out
}

describe('rule schema, fuzzed', () => {
  it('parses or refuses any value without throwing, and every parsed rule keeps the invariants', () => {
    const nearRule = fc.tuple(validRule, fc.dictionary(fc.constantFrom(...Object.keys(wrongTop), 'colour'), fc.anything({ maxDepth: 2 }), { maxKeys: 3 })).map(([r, extra]) => ({ ...r, ...extra }))
    const anything = fc.anything({ maxDepth: 3, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withDate: true, withBigInt: true, withTypedArray: true, withSparseArray: true })
    fc.assert(
      fc.property(fc.oneof(anything, nearRule, validRule), (input) => {
        const result = parse(input)
        if (result.success) expectRuleInvariants(result.data)
      }),
      fuzzRuns(4000),
    )
  })

  it('accepts every valid rule, as it was given plus the defaults', () => {
    fc.assert(
      fc.property(validRule, (input) => {
        const result = parse(input)
        if (!result.success) throw new Error(`refused ${fc.stringify(input)}: ${JSON.stringify(result.error.issues)}`)
        expectRuleInvariants(result.data)
        expect(result.data).toEqual({ enabled: true, for: 0, keepFiringFor: 0, ...input })
      }),
      fuzzRuns(3000),
    )
  })

  it('refuses a valid rule with one field made invalid, every issue naming that field', () => {
    fc.assert(
      fc.property(validRule, mutation, (rule, m) => {
        const input = applyMutation(rule, m)
        const result = parse(input)
        expect(result.success, `${m.path.join('.')} = ${fc.stringify(m.value)} was accepted`).toBe(false)
        for (const issue of result.error!.issues) {
          expect(issue.path.slice(0, m.path.length).map(String), `${issue.message} at ${issue.path.join('.')}`).toEqual(m.path)
          expect(issue.message.length).toBeGreaterThan(0)
        }
      }),
      fuzzRuns(4000),
    )
  })

  it('refuses a valid rule with an unknown field, naming that field', () => {
    fc.assert(
      fc.property(validRule, anyText({ maxLength: 12 }).filter((k) => !Object.hasOwn(RuleSchema.shape, k)), fc.jsonValue({ maxDepth: 1 }), (rule, key, value) => {
        const result = parse(Object.defineProperty({ ...rule }, key, { value, enumerable: true }))
        expect(result.success).toBe(false)
        expect(result.error!.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: [key], path: [] })])
      }),
      fuzzRuns(2000),
    )
  })
})
