import { describe, expect, it } from 'vitest'
import { RuleSchema, type Rule } from '../../common/rule-schema'
import { loadCatalog } from '../../server/catalog/load-catalog'
import type { Incident } from './answer-key'
import { explains, graceMs, median, scoreRule, type FiredAlert } from './scoring'

const index = loadCatalog('sample-data')
const S = 1000

function rule(over: Record<string, unknown>): Rule {
  return RuleSchema.parse({ id: 'test-rule', name: { zh: 'r', en: 'r' }, indicator: 'traffic.speed', scope: { stationKind: 'traffic' }, condition: { kind: 'baseline' }, severity: 'info', message: { zh: 'm', en: 'm' }, ...over })
}

const spike: Incident = { id: 'spike', kind: 'spike', region: '440103', station: 'TD-440103-001', start: 100 * S, end: 110 * S, effects: [{ indicator: 'traffic.speed', magnitude: 80 }] }

function alert(firedAt: number, station = 'TD-440103-001', resolvedAt: number | null = null): FiredAlert {
  return { ruleId: 'test-rule', series: { indicator: 'traffic.speed', region: '440103', station, aggregate: false }, firedAt, resolvedAt }
}

describe('graceMs', () => {
  const ind = (code: string) => index.indicator(code)!
  it.each<[string, Rule, string, number, number]>([
    ['a threshold: its points and `for`', rule({ indicator: 'traffic.congestion_index', scope: { level: 'leaf' }, condition: { kind: 'threshold', op: 'above', value: 2 }, for: 900 }), 'traffic.congestion_index', 60 * S, 960 * S],
    ['two points in a row', rule({ indicator: 'biz.online_rate', scope: { level: 'leaf' }, condition: { kind: 'threshold', op: 'below', value: 90 }, forPoints: 2 }), 'biz.online_rate', 60 * S, 120 * S],
    ['a rate: one window more', rule({ indicator: 'biz.satisfaction', scope: { level: 'leaf' }, condition: { kind: 'rateOfChange', windowSeconds: 7200, direction: 'fall', absolute: 4 } }), 'biz.satisfaction', 60 * S, 7260 * S],
    ['a stale rule: the next sweep', rule({ indicator: 'traffic.flow', condition: { kind: 'stale', cadences: 3 }, for: 45 }), 'traffic.flow', 5 * S, 60 * S],
    ['a baseline: the local level settling', rule({}), 'traffic.speed', 5 * S, 85 * S],
    ['an hourly running mean: one hour more', rule({ indicator: 'env.aqi', scope: { stationKind: 'air' }, condition: { kind: 'threshold', op: 'above', value: 200 }, forPoints: 2 }), 'env.aqi', 300 * S, 4200 * S],
  ])('%s', (_what, r, code, period, expected) => {
    expect(graceMs(r, ind(code), period, 10 * S)).toBe(expected)
  })
})

describe('explains', () => {
  it.each<[string, FiredAlert, boolean]>([
    ['fired during the incident', alert(105 * S), true],
    ['fired within the grace after it', alert(130 * S), true],
    ['fired after the grace', alert(131 * S), false],
    ['fired before it', alert(99 * S), false],
    ['on another station', alert(105 * S, 'TD-440103-002'), false],
  ])('an alert %s', (_what, a, expected) => {
    expect(explains(index, spike, a, 20 * S)).toBe(expected)
  })
})

describe('scoreRule', () => {
  const other: Incident = { ...spike, id: 'other', station: 'TD-440103-002', start: 500 * S, end: 510 * S }
  const covered: Incident = { ...spike, id: 'covered', start: 1000 * S, end: 1010 * S }
  const missed: Incident = { ...spike, id: 'missed', station: 'TD-440103-003', start: 2000 * S, end: 2010 * S }
  const all = [spike, other, covered, missed]

  it('counts found, found while firing, false alarms and time to detect', () => {
    const alerts = [alert(104 * S), alert(106 * S), alert(505 * S, 'TD-440103-002'), alert(900 * S, 'TD-440103-001', 2000 * S), alert(3000 * S, 'TD-440103-009')]
    const r = scoreRule(index, { rule: rule({}), grace: 20 * S, remit: all, alerts, earlier: alerts }, () => all, 2)
    expect(r.figures).toEqual({
      incidents: 4,
      found: 3,
      found_while_firing: 1,
      recall: 0.75,
      alerts: 5,
      natural: 0,
      // The alert at 900 s explains nothing (it came before `covered`), nor does the one on TD-440103-009.
      false_alarms: 2,
      false_alarms_per_day: 1,
      precision: 0.6,
      median_ttd_s: 4.5,
    })
    expect(r.unexplained.map((a) => a.firedAt)).toEqual([900 * S, 3000 * S])
  })

  it('counts apart the unexplained alerts a natural event accounts for', () => {
    const alerts = [alert(104 * S), alert(3000 * S), alert(4000 * S)]
    const natural = (a: FiredAlert) => (a.firedAt === 3000 * S ? 'rush hour' : undefined)
    const r = scoreRule(index, { rule: rule({}), grace: 20 * S, remit: [spike], alerts, earlier: alerts, natural }, () => [spike], 1)
    expect(r.figures).toMatchObject({ alerts: 3, natural: 1, false_alarms: 1, precision: 0.5 })
  })

  it('leaves recall and precision undefined with nothing to count', () => {
    const r = scoreRule(index, { rule: rule({}), grace: 0, remit: [], alerts: [], earlier: [] }, () => [], 7)
    expect(r.figures.recall).toBeNull()
    expect(r.figures.precision).toBeNull()
    expect(r.figures.median_ttd_s).toBeNull()
  })
})

describe('median', () => {
  it.each([
    [[], null],
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('of %j is %s', (values, expected) => {
    expect(median(values)).toBe(expected)
  })
})
