import { describe, expect, it } from 'vitest'
import { PeriodClock } from '../../common/running-period'
import { RuleSchema, type Rule } from '../../common/rule-schema'
import { loadCatalog } from '../../server/catalog/load-catalog'
import type { Incident, SeriesRef } from './answer-key'
import { changeTrace, latestAt, remitOf, watchedSeries, type RemitContext, type SeriesTrace } from './remit'

const index = loadCatalog('sample-data')
const MIN = 60_000
const T0 = Date.UTC(2025, 10, 3, 4) // 12:00 in China

function rule(over: Record<string, unknown>): Rule {
  return RuleSchema.parse({ id: 'test-rule', name: { zh: 'r', en: 'r' }, indicator: 'traffic.speed', scope: { stationKind: 'traffic' }, severity: 'info', message: { zh: 'm', en: 'm' }, ...over })
}

function incident(over: Partial<Incident> = {}): Incident {
  return { id: 'i', kind: 'levelShift', region: '440103', start: T0, end: T0 + 30 * MIN, effects: [{ indicator: 'traffic.congestion_index', magnitude: 1 }], ...over }
}

/** Points every `step` ms from `from`, values from a function of the minute offset. */
function trace(from: number, n: number, step: number, value: (i: number) => number): SeriesTrace {
  return { ts: Array.from({ length: n }, (_, i) => from + i * step), value: Array.from({ length: n }, (_, i) => value(i)) }
}

function ctx(traces: { own?: SeriesTrace; cross?: SeriesTrace } = {}, period = MIN): RemitContext {
  return { index, trace: () => traces.own, crossTrace: () => traces.cross, periodMs: () => period, sweepMs: 10_000, periods: new PeriodClock('Asia/Shanghai') }
}

const congestion: SeriesRef = { indicator: 'traffic.congestion_index', region: '440103', station: '', aggregate: false }
const speed: SeriesRef = { indicator: 'traffic.speed', region: '440103', station: 'TD-440103-001', aggregate: false }

describe('remitOf: silence and frozen values, by duration', () => {
  const silent = rule({ indicator: 'traffic.flow', condition: { kind: 'stale', cadences: 3 }, for: 45 })
  const stuck = rule({ condition: { kind: 'flatline', cadences: 120 } })
  const flow: SeriesRef = { ...speed, indicator: 'traffic.flow' }
  const fault = (kind: Incident['kind'], minutes: number, indicator: string) =>
    incident({ kind, station: speed.station, end: T0 + minutes * MIN, effects: [{ indicator, magnitude: 0 }] })

  it.each<[string, Rule, Incident, SeriesRef, boolean]>([
    // 3 × 5 s + 45 s + a 10 s sweep = 70 s of silence.
    ['a 10-minute dropout, for a stale rule', silent, fault('dropout', 10, 'traffic.flow'), flow, true],
    ['a 1-minute dropout, shorter than the stale window', silent, fault('dropout', 1, 'traffic.flow'), flow, false],
    ['a stuck detector, for a stale rule', silent, fault('stuck', 30, 'traffic.flow'), flow, false],
    // 120 × 5 s = 10 min, plus a period either side.
    ['a 15-minute stuck value, for a flatline rule', stuck, fault('stuck', 15, 'traffic.speed'), speed, true],
    ['a 10-minute stuck value, too short', stuck, fault('stuck', 10, 'traffic.speed'), speed, false],
    ['a dropout, for a flatline rule', stuck, fault('dropout', 30, 'traffic.speed'), speed, false],
  ])('%s', (_what, r, inc, s, expected) => {
    expect(remitOf(r, inc, s, ctx({}, 5000)).inRemit).toBe(expected)
  })
})

describe('remitOf: thresholds, judged on the values the series took', () => {
  const severe = rule({ indicator: 'traffic.congestion_index', scope: { level: 'leaf' }, condition: { kind: 'threshold', op: 'above', value: 2, recover: 1.8 }, for: 900 })
  // An hour before at 1.5, then the incident's half hour at `during`.
  const values = (during: number, before = 1.5) => trace(T0 - 60 * MIN, 91, MIN, (i) => (i >= 60 ? during : before))

  it.each<[string, SeriesTrace, Incident, boolean, string]>([
    ['pushed over the threshold for longer than `for`', values(2.5), incident(), true, 'condition met'],
    ['not pushed over it', values(1.9), incident(), false, 'condition not met'],
    ['over it for less than `for`', values(2.5), incident({ end: T0 + 10 * MIN }), false, 'condition met too briefly'],
    ['already over it before the incident', values(2.5, 2.2), incident(), false, 'condition held before the incident'],
    ['with no values recorded', { ts: [], value: [] }, incident(), false, 'no values'],
  ])('%s', (_what, own, inc, inRemit, why) => {
    expect(remitOf(severe, inc, congestion, ctx({ own }))).toEqual({ inRemit, why })
  })

  it('counts `forPoints` consecutive points', () => {
    const twice = rule({ indicator: 'traffic.congestion_index', scope: { level: 'leaf' }, condition: { kind: 'threshold', op: 'above', value: 2 }, forPoints: 2 })
    const one = trace(T0 - 5 * MIN, 10, MIN, (i) => (i === 5 ? 3 : 1.5))
    const two = trace(T0 - 5 * MIN, 10, MIN, (i) => (i === 5 || i === 6 ? 3 : 1.5))
    expect(remitOf(twice, incident(), congestion, ctx({ own: one })).inRemit).toBe(false)
    expect(remitOf(twice, incident(), congestion, ctx({ own: two })).inRemit).toBe(true)
  })

  it('skips values too early in their period (minPeriodShare)', () => {
    const water = rule({ indicator: 'env.water_compliance', scope: { level: 'leaf' }, condition: { kind: 'threshold', op: 'below', value: 80 }, forPoints: 2, minPeriodShare: 0.25 })
    const night = Date.UTC(2025, 10, 2, 17) // 01:00 in China: before a quarter of the day
    const own = trace(night - 60 * MIN, 120, MIN, (i) => (i >= 60 ? 60 : 95))
    const shift = incident({ start: night, end: night + 60 * MIN, effects: [{ indicator: 'env.water_compliance', magnitude: -35 }] })
    expect(remitOf(water, shift, { ...congestion, indicator: 'env.water_compliance' }, ctx({ own }))).toEqual({ inRemit: false, why: 'condition not met' })
  })

  it('reads the other indicator of a cross-check as of each point', () => {
    const cross = rule({ indicator: 'env.aqi', scope: { level: 'leaf' }, condition: { kind: 'crossCheck', op: 'above', value: 150, with: [{ indicator: 'env.polluter_exceedances', op: 'below', value: 1 }] } })
    const own = trace(T0 - 60 * MIN, 90, MIN, (i) => (i >= 60 ? 180 : 60))
    const aqi: SeriesRef = { indicator: 'env.aqi', region: '440103', station: '', aggregate: true }
    const episode = incident({ kind: 'episode', region: '440100', effects: [{ indicator: 'env.pm25', magnitude: 150 }] })
    expect(remitOf(cross, episode, aqi, ctx({ own, cross: trace(T0 - 60 * MIN, 90, MIN, () => 0) })).inRemit).toBe(true)
    expect(remitOf(cross, episode, aqi, ctx({ own, cross: trace(T0 - 60 * MIN, 90, MIN, () => 2) })).inRemit).toBe(false)
  })
})

describe('remitOf: rates of change and baselines', () => {
  it('compares with the value one window back', () => {
    const fall = rule({ indicator: 'biz.satisfaction', scope: { level: 'leaf' }, condition: { kind: 'rateOfChange', windowSeconds: 7200, direction: 'fall', absolute: 4 } })
    const sat: SeriesRef = { ...congestion, indicator: 'biz.satisfaction' }
    const shift = (m: number) => incident({ effects: [{ indicator: 'biz.satisfaction', magnitude: m }] })
    const own = (m: number) => trace(T0 - 180 * MIN, 211, MIN, (i) => (i >= 180 ? 90 + m : 90))
    expect(remitOf(fall, shift(-6), sat, ctx({ own: own(-6) })).inRemit).toBe(true)
    expect(remitOf(fall, shift(-3), sat, ctx({ own: own(-3) })).inRemit).toBe(false)
  })

  it.each([
    [80, true],
    [3, false],
  ])('a baseline rule owns a spike of %d km/h on a series wobbling by ~1', (magnitude, expected) => {
    const base = rule({ condition: { kind: 'baseline' } })
    const own = trace(T0 - 30 * MIN, 400, 5000, (i) => (i === 360 ? 60 + magnitude : 60 + (i % 3) - 1))
    const spike = incident({ kind: 'spike', station: speed.station, end: T0 + 5000, effects: [{ indicator: 'traffic.speed', magnitude }] })
    expect(remitOf(base, spike, speed, ctx({ own }, 5000)).inRemit).toBe(expected)
  })
})

describe('a baseline rule over a weighted mean', () => {
  it("is not faulted for a fault in one member's weight, only for the mean itself moving", () => {
    const base = rule({ scope: { level: 'city' }, condition: { kind: 'baseline', params: { direction: 'below' } } })
    const citySpeed: SeriesRef = { indicator: 'traffic.speed', region: '440100', station: '', aggregate: true }
    // The mean, calm then 40 % down from T0.
    const own = trace(T0 - 40 * MIN, 80, MIN, (i) => (i >= 40 ? 36 : 60) + (i % 2))
    const flowSpike = incident({ kind: 'spike', station: 'TD-440103-001', end: T0 + 10_000, effects: [{ indicator: 'traffic.flow', magnitude: 5000 }] })
    const slowdown = incident({ kind: 'episode', region: '440100', end: T0 + 60 * MIN, effects: [{ indicator: 'traffic.speed', magnitude: -40 }] })
    expect(remitOf(base, flowSpike, citySpeed, ctx({ own })).why).toBe('moves only the weights')
    expect(remitOf(base, slowdown, citySpeed, ctx({ own })).inRemit).toBe(true)
  })
})

describe('a baseline over a change (incidents in the last hour)', () => {
  const burst = rule({ indicator: 'traffic.incidents', scope: { level: 'leaf' }, condition: { kind: 'baseline', changeOverSeconds: 3600, params: { direction: 'above', counts: true } } })
  const incidents: SeriesRef = { indicator: 'traffic.incidents', region: '440103', station: '', aggregate: false }
  // Today's count, one a minute: 12 an hour at noon, plus a pile-up from T0 (12:00) spread over 10 minutes.
  const counts = (added: number) => trace(T0 - 3 * 60 * MIN, 4 * 60, MIN, (i) => Math.floor(i / 5) + (i >= 180 ? Math.min(added, Math.floor(((i - 180) * added) / 10)) : 0))
  const pileup = (added: number) => incident({ kind: 'episode', end: T0 + 10 * MIN, effects: [{ indicator: 'traffic.incidents', magnitude: added }] })

  it.each([
    [30, true],
    [6, false],
  ])('owns a pile-up of %d against an hour of 12 (√12 ≈ 3.5 a deviation at least)', (added, expected) => {
    expect(remitOf(burst, pileup(added), incidents, ctx({ own: counts(added) })).inRemit).toBe(expected)
  })

  it('takes the change within the day: a count reset at midnight is no fall, and the first hour has no change', () => {
    const midnight = Date.parse('2025-11-04T00:00:00+08:00')
    const own = trace(midnight - 2 * 60 * MIN, 4 * 60, MIN, (i) => (i < 120 ? 200 + i : i - 120))
    const changes = changeTrace(own, 60 * MIN, 'day', new PeriodClock('Asia/Shanghai'))
    expect(changes.ts.filter((t) => t >= midnight && t < midnight + 60 * MIN)).toEqual([])
    expect(changes.value.every((v) => v === 60)).toBe(true)
    expect(changes.ts.at(-1)).toBe(midnight + 119 * MIN)
  })
})

describe('watchedSeries', () => {
  it.each<[string, Record<string, unknown>, string, number, boolean]>([
    ['stations of a kind', { indicator: 'traffic.speed', scope: { stationKind: 'traffic' } }, 'TD-440103-001', index.stationsOfKind('traffic').length, false],
    ['leaves reporting alone', { indicator: 'traffic.congestion_index', scope: { level: 'leaf' } }, '', index.tree.leaves(index.tree.root.code).length, false],
    ['leaf aggregates of a station indicator', { indicator: 'env.aqi', scope: { level: 'leaf' } }, '', index.tree.leaves(index.tree.root.code).length, true],
    ['city aggregates', { indicator: 'traffic.speed', scope: { level: 'city' } }, '', index.tree.atLevel('city').length, true],
  ])('%s', (_what, over, station, count, aggregate) => {
    const out = watchedSeries(index, rule({ condition: { kind: 'stale', cadences: 3 }, ...over }))
    expect(out).toHaveLength(count)
    expect(out.some((s) => s.station === station || station === '')).toBe(true)
    // Cities without counties (Dongguan) report region indicators themselves.
    if (over.indicator === 'env.aqi') expect(out.every((s) => s.aggregate)).toBe(aggregate)
  })
})

describe('latestAt', () => {
  it.each([
    [5, undefined],
    [10, 1],
    [25, 2],
    [99, 3],
  ])('at %d gives %s', (t, expected) => {
    expect(latestAt({ ts: [10, 20, 30], value: [1, 2, 3] }, t)).toBe(expected)
  })
})
