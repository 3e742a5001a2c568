import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConditionSchema, RuleSchema, type Rule, type RuleInput } from '../../common/rule-schema'
import { testRuleInput } from '../../test/fixtures/rules'
import { loadCatalog } from '../catalog/load-catalog'
import { DEFAULT_DETECT_RULE_ID } from './offline-detect'
import { testCatalog } from '../../test/fixtures/catalog'
import { readRuleFiles } from './rule-files'
import { parseRule, RuleValidationError, validateRuleAgainstCatalog } from './rule-validation'

const REPO = path.resolve(import.meta.dirname, '../..')
const DEFAULT_RULES_DIR = path.join(REPO, 'sample-data/rules')
const sampleCatalog = loadCatalog(path.join(REPO, 'sample-data'))
const catalog = testCatalog()

/** A valid rule over air stations; each case below breaks one thing. */
const aqiRule = (over: Partial<RuleInput> = {}): RuleInput =>
  testRuleInput({
    id: 'aqi-test',
    condition: { kind: 'threshold', op: 'above', value: 200, recover: 180 },
    forPoints: 2,
    severity: 'critical',
    message: { zh: '{station}{value}', en: '{station} {value} above {threshold}' },
    ...over,
  })

const rule = (over: Partial<RuleInput> = {}): Rule => RuleSchema.parse(aqiRule(over))

describe('default rules', () => {
  const entries = readRuleFiles(DEFAULT_RULES_DIR, sampleCatalog)
  const rules = entries.map((e) => e.rule)

  it('validate against the sample catalog and the test catalog', () => {
    expect(rules.length).toBeGreaterThanOrEqual(15)
    // readRuleFiles throws on any problem; this says which rule, should one appear.
    for (const r of rules) expect(validateRuleAgainstCatalog(r, sampleCatalog), r.id).toEqual([])
    expect(readRuleFiles(DEFAULT_RULES_DIR, catalog)).toHaveLength(rules.length)
  })

  it('cover every domain and every condition kind', () => {
    const domains = new Set(rules.map((r) => sampleCatalog.indicator(r.indicator)!.domain))
    expect([...domains].sort()).toEqual(sampleCatalog.domainList.map((d) => d.code).sort())
    const kinds = new Set(rules.map((r) => r.condition.kind))
    expect([...kinds].sort()).toEqual(ConditionSchema.options.map((o) => o.shape.kind.value).sort())
    for (const { code: domain } of sampleCatalog.domainList) {
      const file = entries.filter((e) => sampleCatalog.indicator(e.rule.indicator)!.domain === domain).map((e) => path.basename(e.file))
      expect(new Set(file), domain).toEqual(new Set([`${domain}.json`]))
    }
  })

  it('include "AQI above 200 for two consecutive points is critical"', () => {
    const aqi = rules.filter(
      (r) =>
        r.indicator === 'env.aqi' &&
        r.condition.kind === 'threshold' &&
        r.condition.op === 'above' &&
        r.condition.value === 200 &&
        r.condition.recover !== undefined &&
        r.condition.recover < 200 &&
        r.forPoints === 2 &&
        r.severity === 'critical' &&
        r.enabled,
    )
    expect(aqi).toHaveLength(1)
    expect(aqi[0]!.scope).toEqual({ stationKind: 'air' })
  })

  it('keep the default of `npm run detect` a baseline rule on values with default parameters', () => {
    const baseline = rules.filter((r) => r.condition.kind === 'baseline')
    expect(baseline.find((r) => r.id === DEFAULT_DETECT_RULE_ID)?.condition).toEqual({ kind: 'baseline' })
    // The other baseline rule judges incidents in the last hour, counted as counts.
    expect(baseline.filter((r) => r.id !== DEFAULT_DETECT_RULE_ID).map((r) => [r.id, r.condition])).toEqual([
      ['traffic-incident-burst', { kind: 'baseline', changeOverSeconds: 3600, params: { direction: 'above', counts: true } }],
    ])
  })

  it('include the two cross-checks of the issue', () => {
    const cross = rules.flatMap((r) => (r.condition.kind === 'crossCheck' ? [[r.indicator, ...r.condition.with.map((w) => w.indicator)]] : []))
    expect(cross).toContainEqual(['pov.income_per_capita', 'pov.fund_disbursement_rate'])
    expect(cross).toContainEqual(['env.aqi', 'env.polluter_exceedances'])
  })

  it('have unique ids, messages in both languages with placeholders, and escalation only above info', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length)
    for (const r of rules) {
      // Where: the region, or the station (whose name carries its region).
      expect(r.message.zh, r.id).toMatch(/\{region\}|\{station\}/)
      expect(r.message.en, r.id).toMatch(/\{region\}|\{station\}/)
      expect(r.message.zh, r.id).toMatch(/[\u4e00-\u9fff]/)
      if (r.severity !== 'info') expect(r.escalateAfter, r.id).toBeGreaterThan(0)
    }
  })
})

describe('validateRuleAgainstCatalog', () => {
  it('accepts a fitting rule', () => {
    expect(validateRuleAgainstCatalog(rule(), catalog)).toEqual([])
    expect(validateRuleAgainstCatalog(rule({ scope: { level: 'county' }, message: { zh: '{region}', en: '{region}' } }), catalog)).toEqual([])
    expect(validateRuleAgainstCatalog(rule({ scope: { stationKind: 'air', region: '990200' } }), catalog)).toEqual([])
    expect(validateRuleAgainstCatalog(rule({ scope: { level: 'county', region: '990100' }, message: { zh: '{region}', en: '{region}' } }), catalog)).toEqual([])
  })

  it.each<[string, Partial<RuleInput>, RegExp]>([
    ['unknown indicator', { indicator: 'env.nope' }, /^indicator: unknown indicator env\.nope/],
    ['station kind of another indicator', { scope: { stationKind: 'traffic' } }, /^scope\.stationKind: env\.aqi is measured at air stations, not traffic$/],
    [
      'station kind for a region indicator',
      { indicator: 'biz.online_rate', scope: { stationKind: 'air' }, condition: { kind: 'threshold', op: 'below', value: 90 } },
      /^scope\.stationKind: biz\.online_rate is reported by regions, not measured at stations/,
    ],
    ['unknown region', { scope: { stationKind: 'air', region: '123456' } }, /^scope\.region: unknown region 123456$/],
    ['no stations of the kind in the region', { scope: { stationKind: 'air', region: '990102' } }, /^scope\.region: there are no air stations within 990102$/],
    ['a level below the region', { scope: { level: 'city', region: '990101' }, message: { zh: '{region}', en: '{region}' } }, /^scope\.level: 990101 is a county with no city regions within it$/],
    ['a threshold outside the range', { condition: { kind: 'threshold', op: 'above', value: 600 } }, /^condition\.value: 600 is outside env\.aqi's range \[0, 500\]$/],
    ['a recovery level outside the range', { condition: { kind: 'threshold', op: 'below', value: 400, recover: 501 } }, /^condition\.recover: 501 is outside/],
    ['an impossible change', { condition: { kind: 'rateOfChange', windowSeconds: 60, direction: 'rise', absolute: 900 } }, /^condition\.absolute: a change of 900 cannot happen/],
    [
      'a cross-check with an unknown indicator',
      { scope: { level: 'county' }, condition: { kind: 'crossCheck', op: 'above', value: 150, with: [{ indicator: 'env.nope', op: 'below', value: 1 }] }, message: { zh: '{region}', en: '{region}' } },
      /^condition\.with\.0\.indicator: unknown indicator env\.nope$/,
    ],
    [
      'a cross-check with itself',
      { scope: { level: 'county' }, condition: { kind: 'crossCheck', op: 'above', value: 150, with: [{ indicator: 'env.aqi', op: 'below', value: 1 }] }, message: { zh: '{region}', en: '{region}' } },
      /^condition\.with\.0\.indicator: env\.aqi is already part of this cross-check$/,
    ],
    [
      'a cross-check value outside its indicator range',
      { scope: { level: 'county' }, condition: { kind: 'crossCheck', op: 'above', value: 150, with: [{ indicator: 'env.water_compliance', op: 'below', value: 120 }] }, message: { zh: '{region}', en: '{region}' } },
      /^condition\.with\.0\.value: 120 is outside env\.water_compliance's range/,
    ],
    [
      'a cross-check over stations',
      { condition: { kind: 'crossCheck', op: 'above', value: 150, with: [{ indicator: 'env.polluter_exceedances', op: 'below', value: 1 }] } },
      /^scope\.stationKind: a cross-check compares indicators of one region/,
    ],
    ['forPoints on a stale rule', { condition: { kind: 'stale', cadences: 3 }, message: { zh: '{station}', en: '{station}' } }, /^forPoints: a stale condition/],
    ['an unknown placeholder', { message: { zh: '{station}', en: '{stattion} is high' } }, /^message\.en: unknown placeholder \{stattion\}/],
    ['{station} in a rule over regions', { scope: { level: 'county' } }, /^message\.zh: \{station\} is empty for a rule over regions/],
    ['{threshold} without one', { condition: { kind: 'flatline', cadences: 3 } }, /^message\.en: \{threshold\} has no value for a flatline condition$/],
    ['{value} in a stale rule', { forPoints: undefined, condition: { kind: 'stale', cadences: 3 }, message: { zh: '{value}', en: 'x' } }, /^message\.zh: \{value\} has no value for a stale condition/],
  ])('refuses %s, naming the field', (_what, over, expected) => {
    const problems = validateRuleAgainstCatalog(rule(over), catalog)
    expect(problems.some((p) => expected.test(p)), problems.join('\n')).toBe(true)
  })
})

describe('parseRule', () => {
  it.each<[string, unknown, RegExp]>([
    ['recovery on the wrong side', aqiRule({ condition: { kind: 'threshold', op: 'above', value: 200, recover: 250 } }), /condition\.recover: recover must be on the clear side of value/],
    ['a missing field', { ...aqiRule(), severity: undefined }, /^severity is required$/],
    ['an unknown field', { ...aqiRule(), colour: 'red' }, /^colour: unknown field$/],
    ['an unknown condition kind', aqiRule({ condition: { kind: 'spike' } as never }), /^condition\.kind: /],
    ['a bad id', aqiRule({ id: 'AQI Rule' }), /^id: id must be 2–64 lowercase letters, digits or dashes$/],
    ['both a level and a station kind', aqiRule({ scope: { level: 'county', stationKind: 'air' } }), /^scope\.stationKind: a scope is regions of a level or stations of a kind/],
    ['a scope out of the catalog', aqiRule({ scope: { stationKind: 'traffic' } }), /^scope\.stationKind: env\.aqi is measured at air stations, not traffic$/],
    ['not an object', 'env.aqi > 200', /^\(body\): /],
  ])('refuses %s', (_what, input, expected) => {
    let error: unknown
    try {
      parseRule(input, catalog)
    } catch (err) {
      error = err
    }
    if (!(error instanceof RuleValidationError)) throw new Error(`expected a RuleValidationError, got ${String(error)}`)
    const problems = error.problems
    expect(problems.some((p) => expected.test(p)), problems.join('\n')).toBe(true)
  })

  it('fills the defaults', () => {
    expect(parseRule(aqiRule(), catalog)).toMatchObject({ enabled: true, for: 0, keepFiringFor: 0 })
  })
})

describe('readRuleFiles', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })
  function rulesDir(files: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onescreen-rules-'))
    dirs.push(dir)
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
    return dir
  }

  it('reads every .json file in name order and ignores others', () => {
    const dir = rulesDir({ 'b.json': { rules: [aqiRule({ id: 'bee' })] }, 'a.json': { rules: [aqiRule({ id: 'ay' })] }, 'notes.txt': 'not rules' })
    expect(readRuleFiles(dir, catalog).map((e) => [path.basename(e.file), e.rule.id])).toEqual([['a.json', 'ay'], ['b.json', 'bee']])
  })

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a schema problem', { 'env.json': { rules: [aqiRule({ id: 'ok-rule' }), aqiRule({ id: 'bad-recover', condition: { kind: 'threshold', op: 'above', value: 200, recover: 250 } })] } }, /env\.json: rule bad-recover \(rules\[1\]\): condition\.recover: recover must be on the clear side/],
    ['a catalog problem', { 'env.json': { rules: [aqiRule({ id: 'wrong-kind', scope: { stationKind: 'traffic' } })] } }, /env\.json: rule wrong-kind \(rules\[0\]\): scope\.stationKind: env\.aqi is measured at air stations, not traffic/],
    ['a rule without an id', { 'env.json': { rules: [{ ...aqiRule(), id: undefined }] } }, /env\.json: rule rules\[0\]: id is required/],
    ['a file that is not a rules file', { 'env.json': [aqiRule()] }, /env\.json: must be an object \{ "rules": \[ … \] \}/],
    ['bad JSON', { 'env.json': '{ "rules": [' }, /env\.json: not readable JSON/],
    ['an id used twice', { 'a.json': { rules: [aqiRule({ id: 'twice' })] }, 'b.json': { rules: [aqiRule({ id: 'twice' })] } }, /b\.json: rule twice \(rules\[0\]\): id: twice is also defined in .*a\.json/],
  ])('refuses %s, naming the file, the rule and the field', (_what, files, expected) => {
    const dir = rulesDir(files)
    expect(() => readRuleFiles(dir, catalog)).toThrow(expected)
  })
})
