import { describe, expect, it } from 'vitest'
import type { Rule, RuleInput } from '../../common/rule-schema'
import { testRule } from '../../test/fixtures/rules'
import { testCatalog } from '../../test/fixtures/catalog'
import { createRng } from '../../common/random'
import { RuleEngine, type EngineEvent } from './rule-engine'

const index = testCatalog()
const T0 = 1_790_000_000_000
const MIN = 60_000

const rule = (overrides: Partial<RuleInput> & Pick<RuleInput, 'condition'>): Rule => testRule(overrides)

/** Feeds values one minute apart to one air station; returns "fire@i" / "resolve@i" per event. */
function run(r: Rule, values: Array<number | null>, opts: { station?: string; region?: string; indicator?: string; stepMs?: number } = {}): string[] {
  const engine = new RuleEngine(index, [r])
  const out: string[] = []
  const step = opts.stepMs ?? MIN
  values.forEach((v, i) => {
    if (v === null) return // a gap: no point
    const events = engine.observe(opts.indicator ?? r.indicator, opts.region ?? '990101', opts.station ?? 'AQ-990101-01', T0 + i * step, v)
    for (const e of events) out.push(`${e.kind}@${i}`)
  })
  return out
}

describe('RuleEngine conditions', () => {
  it.each([
    ['fires above and resolves below', { kind: 'threshold', op: 'above', value: 200 }, [100, 250, 260, 150], ['fire@1', 'resolve@3']],
    ['fires below', { kind: 'threshold', op: 'below', value: 20 }, [30, 10, 25], ['fire@1', 'resolve@2']],
    // Hysteresis: a flapping series around 200 fires once and clears only under 150.
    ['does not fire-clear-fire on a flapping series', { kind: 'threshold', op: 'above', value: 200, recover: 150 }, [210, 190, 205, 195, 210, 140], ['fire@0', 'resolve@5']],
  ] as const)('threshold: %s', (_name, condition, values, expected) => {
    expect(run(rule({ condition }), [...values])).toEqual(expected)
  })

  it('fires only after two consecutive points (forPoints) — the default AQI rule', () => {
    const r = rule({ condition: { kind: 'threshold', op: 'above', value: 200, recover: 180 }, forPoints: 2, severity: 'critical' })
    expect(run(r, [250, 150, 250, 260, 170])).toEqual(['fire@3', 'resolve@4'])
  })

  it('waits `for` before firing and `keepFiringFor` before resolving', () => {
    const r = rule({ condition: { kind: 'threshold', op: 'above', value: 200 }, for: 120, keepFiringFor: 120 })
    // Above from minute 1; fires at minute 3 (held 2 minutes); clear from minute 5; resolves at minute 7.
    expect(run(r, [100, 250, 250, 250, 250, 100, 250, 100, 100, 100])).toEqual(['fire@3', 'resolve@9'])
  })

  it.each([
    ['a rise of 50 % within 10 minutes', { kind: 'rateOfChange', windowSeconds: 600, direction: 'rise', percent: 50 }, [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 160, 170], ['fire@11']],
    ['a fall by 30 units', { kind: 'rateOfChange', windowSeconds: 300, direction: 'fall', absolute: 30 }, [100, 100, 100, 100, 100, 100, 60, 60, 60, 60, 60, 60], ['fire@6', 'resolve@11']],
    ['nothing before a whole window of history', { kind: 'rateOfChange', windowSeconds: 600, direction: 'either', percent: 10 }, [100, 300, 100, 300], []],
  ] as const)('rate of change: %s', (_name, condition, values, expected) => {
    expect(run(rule({ condition }), [...values])).toEqual(expected)
  })

  it('flatline: the same value for k cadences (a stuck sensor), then clears when it moves', () => {
    // Traffic flow: cadence 5 s; 3 cadences = 15 s of the same value.
    const r = rule({ indicator: 'traffic.flow', scope: { stationKind: 'traffic' }, condition: { kind: 'flatline', cadences: 3 } })
    const events = run(r, [500, 510, 510, 510, 510, 510, 520], { station: 'TD-990101-001', stepMs: 5000 })
    expect(events).toEqual(['fire@4', 'resolve@6'])
  })

  it('stale: silence for k cadences fires on a sweep; a point resolves it; silence never resolves another alert', () => {
    const stale = rule({ id: 'stale', condition: { kind: 'stale', cadences: 3 } })
    const high = rule({ id: 'high', condition: { kind: 'threshold', op: 'above', value: 200 } })
    const engine = new RuleEngine(index, [stale, high])
    const seen: EngineEvent[] = []
    engine.observe('env.aqi', '990101', 'AQ-990101-01', T0, 300, seen) // high fires
    // AQI cadence is an hour: nothing for 2 h is fine, over 3 h is stale.
    engine.sweep(T0 + 2 * 3_600_000, seen)
    expect(seen.map((e) => `${e.rule.id}:${e.kind}`)).toEqual(['high:fire'])
    engine.sweep(T0 + 3 * 3_600_000 + 1, seen)
    expect(seen.map((e) => `${e.rule.id}:${e.kind}`)).toEqual(['high:fire', 'stale:fire'])
    expect(seen[1]!.value).toBeNull()
    // Hours of silence did not resolve the high-AQI alert; the next (normal) point does, and ends the stale one.
    engine.observe('env.aqi', '990101', 'AQ-990101-01', T0 + 4 * 3_600_000, 80, seen)
    expect(seen.slice(2).map((e) => `${e.rule.id}:${e.kind}`).sort()).toEqual(['high:resolve', 'stale:resolve'])
  })

  it('stale: a series known only from history is noticed when it never speaks', () => {
    const engine = new RuleEngine(index, [rule({ condition: { kind: 'stale', cadences: 2 } })])
    engine.remember('env.aqi', '990101', 'AQ-990101-01', T0, 50)
    expect(engine.sweep(T0 + 2 * 3_600_000 + 1).map((e) => e.kind)).toEqual(['fire'])
  })

  it('cross-check: income under the line while disbursement lags, on the same county', () => {
    const r = rule({
      indicator: 'pov.income_per_capita',
      scope: { level: 'county' },
      condition: { kind: 'crossCheck', op: 'below', value: 10_000, with: [{ indicator: 'pov.fund_disbursement_rate', op: 'below', value: 60 }] },
    })
    const engine = new RuleEngine(index, [r])
    const kinds = (events: EngineEvent[]) => events.map((e) => `${e.kind}:${e.region}`)
    // Low income, but funds flow: no alert.
    engine.observe('pov.fund_disbursement_rate', '990101', '', T0, 80)
    expect(kinds(engine.observe('pov.income_per_capita', '990101', '', T0, 9000))).toEqual([])
    // Funds lag in 990102 too, but its income is fine.
    engine.observe('pov.fund_disbursement_rate', '990102', '', T0, 40)
    expect(kinds(engine.observe('pov.income_per_capita', '990102', '', T0, 15_000))).toEqual([])
    // Both in 990101.
    engine.observe('pov.fund_disbursement_rate', '990101', '', T0 + MIN, 50)
    expect(kinds(engine.observe('pov.income_per_capita', '990101', '', T0 + MIN, 9100))).toEqual(['fire:990101'])
  })

  it('baseline: feeds the detector and fires when it says anomalous', () => {
    const r = rule({ indicator: 'traffic.speed', scope: { stationKind: 'traffic' }, condition: { kind: 'baseline' } })
    const engine = new RuleEngine(index, [r])
    // The detector's own behaviour is tested beside it; here: it is fed, and its verdict and band reach the event.
    const events: EngineEvent[] = []
    for (let i = 0; i < 12 * 24 * 21; i++) {
      const t = T0 + i * 5 * MIN
      const daily = 60 + 20 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000)
      engine.observe('traffic.speed', '990101', 'TD-990101-001', t, i === 12 * 24 * 20 ? 2 : daily, events)
    }
    expect(events.filter((e) => e.kind === 'fire').length).toBeGreaterThanOrEqual(1)
    expect(events[0]!.detail).toHaveProperty('expected')
  })
})

describe('baseline over a change (changeOverSeconds)', () => {
  // Today's incidents so far in a county, a point a minute for ten days: a busy afternoon every day, and on the
  // tenth a pile-up of 12 within a quarter of an hour at 03:00 — a small number against an afternoon's, a large one
  // against a night's.
  const HOUR = 60 * MIN
  const DAY = 24 * HOUR
  const start = Date.parse('2026-11-20T00:00:00+08:00')
  const burstAt = start + 9 * DAY + 3 * HOUR
  function counts(burst: boolean): Array<[number, number]> {
    const random = createRng(7)
    const out: Array<[number, number]> = []
    let count = 0
    for (let t = start; t < start + 10 * DAY; t += MIN) {
      if ((t - start) % DAY === 0) count = 0
      const hour = ((t - start) % DAY) / HOUR
      const perHour = 1 + 24 * Math.exp(-(((hour - 15) / 3) ** 2))
      if (random() < perHour / 60) count++
      if (burst && t >= burstAt && t < burstAt + 15 * MIN && (t - burstAt) % (5 * MIN) === 0) count += 4
      out.push([t, count])
    }
    return out
  }
  const incidentRule = rule({
    indicator: 'traffic.incidents',
    scope: { level: 'leaf' },
    condition: { kind: 'baseline', changeOverSeconds: 3600, params: { direction: 'above', counts: true } },
  })
  const fires = (points: Array<[number, number]>) => {
    const engine = new RuleEngine(index, [incidentRule], { timeZone: 'Asia/Shanghai' })
    return points.flatMap(([ts, v]) => engine.observe('traffic.incidents', '990101', '', ts, v)).filter((e) => e.kind === 'fire')
  }

  it('finds a pile-up at night that the busiest afternoon hour would hide', () => {
    const found = fires(counts(true))
    expect(found.map((e) => e.at).filter((t) => t >= burstAt && t < burstAt + HOUR)).not.toEqual([])
    const peak = counts(false).reduce((most, [, v], i, all) => {
      const before = all[i - 60]
      return before && before[1] <= v ? Math.max(most, v - before[1]) : most
    }, 0)
    // The same 12 in an hour is an ordinary afternoon (what an absolute threshold could not tell apart).
    expect(peak).toBeGreaterThanOrEqual(12)
    const burst = found.find((e) => e.at >= burstAt)!
    expect(burst.detail).toMatchObject({ windowSeconds: 3600 })
    expect(burst.detail['change']).toBeGreaterThanOrEqual(8)
  })

  it('is quiet on the same days without the pile-up, through every afternoon peak and midnight reset', () => {
    expect(fires(counts(false))).toEqual([])
  })
})

describe('RuleEngine scopes and state', () => {
  it('applies a station rule to stations of its kind within its region only', () => {
    const r = rule({ condition: { kind: 'threshold', op: 'above', value: 200 }, scope: { stationKind: 'air', region: '990100' } })
    const engine = new RuleEngine(index, [r])
    expect(engine.observe('env.aqi', '990101', 'AQ-990101-01', T0, 300).map((e) => e.station)).toEqual(['AQ-990101-01'])
    expect(engine.observe('env.aqi', '990200', 'AQ-990200-01', T0, 300)).toEqual([])
  })

  it('applies a level rule to region aggregates from the hub, and to regions reporting alone from their points', () => {
    const aqiCity = rule({ condition: { kind: 'threshold', op: 'above', value: 150 }, scope: { level: 'city' } })
    const entities = rule({ id: 'entities', indicator: 'biz.new_entities', condition: { kind: 'threshold', op: 'below', value: 1 }, scope: { level: 'county' } })
    const engine = new RuleEngine(index, [aqiCity, entities])
    // AQI is measured at stations: cities are judged on their aggregate...
    expect(engine.observe('env.aqi', '990101', 'AQ-990101-01', T0, 300)).toEqual([])
    expect(engine.observeAggregates([{ indicator: 'env.aqi', region: '990100', value: 180, ts: T0 }]).map((e) => e.region)).toEqual(['990100'])
    // ...and counties report new entities themselves: judged on their points, not on aggregates.
    expect(engine.observe('biz.new_entities', '990101', '', T0, 0).map((e) => e.region)).toEqual(['990101'])
    expect(engine.observeAggregates([{ indicator: 'biz.new_entities', region: '990102', value: 0, ts: T0 }])).toEqual([])
  })

  it('a leaf scope covers counties and cities without counties alike (where region indicators are reported)', () => {
    const leaf = rule({ id: 'leaf', indicator: 'biz.new_entities', condition: { kind: 'threshold', op: 'below', value: 1 }, scope: { level: 'leaf' } })
    const county = rule({ id: 'county', indicator: 'biz.new_entities', condition: { kind: 'threshold', op: 'below', value: 1 }, scope: { level: 'county' } })
    const engine = new RuleEngine(index, [leaf, county])
    expect(engine.observe('biz.new_entities', '990101', '', T0, 0).map((e) => e.rule.id)).toEqual(['leaf', 'county'])
    // 990200 is a city with no counties: only the leaf scope sees it.
    expect(engine.observe('biz.new_entities', '990200', '', T0, 0).map((e) => e.rule.id)).toEqual(['leaf'])
  })

  /** Rows as they arrive: [minutes from T0, value]; what fired or resolved, at which row. */
  it.each<[string, RuleInput['condition'], Partial<RuleInput>, Array<[number, number]>, string[], { late: number; duplicate: number }]>([
    [
      'a reading sent twice does not make "two readings in a row"',
      { kind: 'threshold', op: 'above', value: 200 },
      { forPoints: 2 },
      [[0, 250], [0, 250], [1, 100]],
      [],
      { late: 0, duplicate: 1 },
    ],
    [
      'a clock stepping back 55 minutes: the stepped-back rows are passed over, what follows the newest time is judged',
      { kind: 'threshold', op: 'above', value: 200 },
      {},
      [[0, 100], [60, 100], [5, 300], [6, 300], [61, 300]],
      ['fire@4'],
      { late: 2, duplicate: 0 },
    ],
    [
      'a re-sent batch (the last hour again) changes nothing',
      { kind: 'threshold', op: 'above', value: 200 },
      {},
      [[0, 100], [1, 250], [2, 100], [0, 100], [1, 250], [2, 100], [3, 100]],
      ['fire@1', 'resolve@2'],
      { late: 2, duplicate: 1 },
    ],
    [
      'gaps and irregular sampling: a rate over a window takes the points there are',
      { kind: 'rateOfChange', windowSeconds: 3600, direction: 'rise', absolute: 50 },
      {},
      [[0, 10], [7, 12], [100, 20], [101, 80], [500, 85], [503, 86]],
      ['fire@3', 'resolve@4'],
      { late: 0, duplicate: 0 },
    ],
    [
      'a daylight-saving step back of an hour (naive local times) skips the repeated hour, then carries on',
      { kind: 'threshold', op: 'above', value: 200 },
      { forPoints: 2 },
      // 220 at 02:00 and 230 at 03:00 are two readings in a row: the repeated hour between them is passed over.
      [[0, 210], [60, 90], [120, 220], [60, 230], [90, 240], [180, 230], [240, 240]],
      ['fire@5'],
      { late: 2, duplicate: 0 },
    ],
  ])('%s', (_, condition, over, rows, expected, skipped) => {
    const engine = new RuleEngine(index, [rule({ condition, ...over })])
    const out: string[] = []
    rows.forEach(([m, v], i) => {
      for (const e of engine.observe('env.aqi', '990101', 'AQ-990101-01', T0 + m * MIN, v)) out.push(`${e.kind}@${i}`)
    })
    expect(out).toEqual(expected)
    expect(engine.skipped).toEqual(skipped)
  })

  it('judges a region aggregate revised at the same time (another station reported into the tick), and passes over non-finite points', () => {
    const engine = new RuleEngine(index, [rule({ condition: { kind: 'threshold', op: 'above', value: 200 }, scope: { level: 'county' } })])
    const at = (value: number) => engine.observeAggregates([{ indicator: 'env.aqi', region: '990101', ts: T0, value } as never])
    expect(at(150)).toEqual([])
    expect(at(260).map((e) => e.kind)).toEqual(['fire'])
    expect(engine.observe('env.aqi', '990101', 'AQ-990101-01', Number.NaN, 300)).toEqual([])
    expect(engine.skipped.duplicate).toBe(0)
  })

  it('ignores points older than the last one judged (event time)', () => {
    const r = rule({ condition: { kind: 'threshold', op: 'above', value: 200 } })
    const engine = new RuleEngine(index, [r])
    engine.observe('env.aqi', '990101', 'AQ-990101-01', T0, 300)
    expect(engine.observe('env.aqi', '990101', 'AQ-990101-01', T0 - MIN, 50)).toEqual([])
  })

  it('keeps a firing alert firing across an unrelated rule change, and starts a changed rule afresh', () => {
    const a = rule({ id: 'rule-a', condition: { kind: 'threshold', op: 'above', value: 200 } })
    const b = rule({ id: 'rule-b', condition: { kind: 'threshold', op: 'above', value: 100 } })
    const engine = new RuleEngine(index, [a, b])
    expect(engine.observe('env.aqi', '990101', 'AQ-990101-01', T0, 300).map((e) => e.rule.id)).toEqual(['rule-a', 'rule-b'])
    engine.setRules([a, { ...b, condition: { kind: 'threshold', op: 'above', value: 120 } }])
    // a was firing and stays so (no second fire); b changed and fires again as new.
    expect(engine.observe('env.aqi', '990101', 'AQ-990101-01', T0 + MIN, 300).map((e) => e.rule.id)).toEqual(['rule-b'])
  })

  it('resolves an alert the log says is firing, after a restart', () => {
    const r = rule({ condition: { kind: 'threshold', op: 'above', value: 200 } })
    const engine = new RuleEngine(index, [r])
    expect(engine.markFiring('test-rule', 'env.aqi', '990101', 'AQ-990101-01', T0)).toBe(true)
    expect(engine.observe('env.aqi', '990101', 'AQ-990101-01', T0 + MIN, 300)).toEqual([]) // already firing
    expect(engine.observe('env.aqi', '990101', 'AQ-990101-01', T0 + 2 * MIN, 50).map((e) => e.kind)).toEqual(['resolve'])
  })

  it('counts evaluations and lists pending series', () => {
    const r = rule({ condition: { kind: 'threshold', op: 'above', value: 200 }, forPoints: 3 })
    const engine = new RuleEngine(index, [r])
    engine.observe('env.aqi', '990101', 'AQ-990101-01', T0, 300)
    expect(engine.pending()).toEqual([{ ruleId: 'test-rule', indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', since: T0, count: 1 }])
    expect(engine.evaluations).toBe(1)
  })
})

describe('running values early in their period (minPeriodShare)', () => {
  // env.water_compliance is today's compliance so far: a rate over the day's samples, which restarts at local midnight.
  const water = (minPeriodShare?: number) =>
    rule({
      indicator: 'env.water_compliance',
      scope: { level: 'leaf' },
      condition: { kind: 'threshold', op: 'below', value: 80, recover: 85 },
      forPoints: 2,
      ...(minPeriodShare !== undefined && { minPeriodShare }),
    })
  const at = (hhmm: string, day = '2026-12-04') => Date.parse(`${day}T${hhmm}:00+08:00`)
  const feed = (r: Rule, points: Array<[number, number]>) => {
    const engine = new RuleEngine(index, [r], { timeZone: 'Asia/Shanghai' })
    return points.flatMap(([ts, v]) => engine.observe('env.water_compliance', '990101', '', ts, v).map((e) => `${e.kind}@${new Date(ts).toISOString()}`))
  }

  it.each([
    // The midnight storm: 00:05–00:25 the day's rate stands on one or two samples.
    ['does not fire on the first samples after midnight', [['00:05', 50], ['00:15', 60], ['00:25', 70], ['06:30', 95], ['07:00', 96]], []],
    ['fires once enough of the day is behind it', [['00:05', 50], ['00:15', 60], ['07:00', 70], ['07:10', 72]], ['fire@2026-12-03T23:10:00.000Z']],
  ] as const)('%s', (_what, points, expected) => {
    expect(feed(water(0.25), points.map(([hhmm, v]) => [at(hhmm), v]))).toEqual(expected)
  })

  it('fires at 00:15 without the setting (what it prevents)', () => {
    expect(feed(water(), [[at('00:05'), 50], [at('00:15'), 60]])).toEqual(['fire@2026-12-03T16:15:00.000Z'])
  })

  it('neither fires nor clears on a new day’s first samples: an alert from yesterday stays until the day says otherwise', () => {
    const events = feed(water(0.25), [
      [at('20:00', '2026-12-03'), 60],
      [at('20:10', '2026-12-03'), 61],
      [at('00:05'), 99],
      [at('00:15'), 99],
      [at('06:10'), 97],
    ])
    expect(events).toEqual(['fire@2026-12-03T12:10:00.000Z', 'resolve@2026-12-03T22:10:00.000Z'])
  })

  // "Fell by 10 points within the day": a rate over today's values only, judged from 06:00.
  const drop = rule({
    indicator: 'env.water_compliance',
    scope: { level: 'leaf' },
    condition: { kind: 'rateOfChange', windowSeconds: 19_800, direction: 'fall', absolute: 10 },
    minPeriodShare: 0.25,
  })
  it.each<[string, Array<[string, number, string?]>, string[]]>([
    // Yesterday ended at 98; today reads 85 all day. Comparing across midnight would call that a fall of 13.
    ['never compares today with yesterday', [['20:00', 98, '2026-12-03'], ['23:50', 98, '2026-12-03'], ['00:10', 85], ['03:00', 85], ['06:10', 85], ['07:00', 85]], []],
    // A spill at 03:00 happens while the day is too young to judge: remembered, and found once it may be judged.
    ['finds a fall early in the day once the day may be judged', [['00:40', 95], ['03:00', 95], ['04:00', 80], ['06:10', 80]], ['fire@2026-12-03T22:10:00.000Z']],
    ['finds a fall later in the day', [['06:10', 95], ['10:00', 95], ['14:00', 82]], ['fire@2026-12-04T06:00:00.000Z']],
  ])('a daily rate: %s', (_what, points, expected) => {
    expect(feed(drop, points.map(([hhmm, v, day]) => [at(hhmm, day), v]))).toEqual(expected)
  })
})
