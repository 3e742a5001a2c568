import { describe, expect, it } from 'vitest'
import type { AlertEnvelope, AlertEvent } from '../../common/live-contract'
import { RuleSchema, type Rule, type RuleInput } from '../../common/rule-schema'
import { testCatalog } from '../../test/fixtures/catalog'
import { createLogger } from '../logger'
import type { AlertListener, AlertLog } from '../live/alert-feed'
import { AlertService } from './alert-service'
import { RuleEngine } from './rule-engine'

/** The log in memory: the same contract as the stored one (numbered, listeners after the append). */
class MemoryLog implements AlertLog {
  readonly events: AlertEnvelope[] = []
  private readonly listeners = new Set<AlertListener>()
  async append(event: AlertEvent): Promise<AlertEnvelope> {
    const envelope = { seq: this.events.length + 1, event }
    this.events.push(envelope)
    for (const l of this.listeners) l(envelope)
    return envelope
  }
  subscribe(listener: AlertListener) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  async eventsOf(id: string) {
    return this.events.filter((e) => e.event.alertId === id)
  }
  async eventsForRebuild() {
    return [...this.events]
  }
}

const index = testCatalog()
const T0 = 1_790_000_000_000
const MIN = 60_000

function rule(overrides: Partial<RuleInput> = {}): Rule {
  return RuleSchema.parse({
    id: 'aqi-high',
    name: { zh: 'AQI 过高', en: 'AQI high' },
    indicator: 'env.aqi',
    scope: { stationKind: 'air' },
    condition: { kind: 'threshold', op: 'above', value: 200, recover: 150 },
    severity: 'warning',
    escalateAfter: 600,
    message: { zh: '{region}{station} AQI {value}，超过 {threshold}', en: '{station} in {region}: AQI {value}, above {threshold}' },
    ...overrides,
  })
}

function setup(log = new MemoryLog(), rules = [rule()]) {
  let now = T0
  const engine = new RuleEngine(index, [])
  const service = new AlertService({ feed: log, engine, index, now: () => now, log: createLogger('silent') })
  service.setRules(rules)
  const point = async (value: number, at = now, station = 'AQ-990101-01', region = '990101') => {
    now = at
    await service.handle(engine.observe('env.aqi', region, station, at, value))
  }
  return { log, engine, service, point, clock: { set: (t: number) => (now = t), get: () => now } }
}

describe('AlertService lifecycle', () => {
  it('raises one alert per rule, region and station, with its message filled in both languages', async () => {
    const { service, point, log } = setup()
    await point(250)
    await point(260, T0 + MIN) // still firing: no second alert
    const [a] = service.list()
    expect(service.list()).toHaveLength(1)
    expect(a).toMatchObject({ ruleId: 'aqi-high', state: 'firing', severity: 'warning', value: 250, region: '990101', station: 'AQ-990101-01' })
    expect(a!.message).toEqual({ zh: '东区东区站 AQI 250，超过 200', en: 'East Station in East District: AQI 250, above 200' })
    expect(log.events.map((e) => e.event.type)).toEqual(['raised'])
  })

  it('goes firing → acknowledged → resolved (automatically when clear), and a new firing is a new alert', async () => {
    const { service, point } = setup()
    await point(250)
    const id = service.list()[0]!.id
    await service.acknowledge(id, 'duty-wang', 'looking into it')
    expect(service.get(id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'duty-wang', comments: 1 })
    await expect(service.acknowledge(id, 'duty-li')).rejects.toThrow(/already acknowledged by duty-wang/)
    await service.assign(id, 'duty-wang', 'field-team-3')
    await point(140, T0 + 5 * MIN) // under the recovery level
    expect(service.get(id)).toMatchObject({ state: 'resolved', resolvedBy: 'system', assignee: 'field-team-3' })
    await expect(service.acknowledge(id, 'duty-li')).rejects.toThrow(/resolved/)
    await point(300, T0 + 10 * MIN)
    const open = service.list({ state: ['firing'] })
    expect(open).toHaveLength(1)
    expect(open[0]!.id).not.toBe(id)
  })

  it('resolves by hand, and the condition firing again afterwards is a new alert', async () => {
    const { service, point } = setup()
    await point(250)
    const id = service.list()[0]!.id
    await service.resolve(id, 'duty-wang', 'sensor replaced')
    expect(service.get(id)).toMatchObject({ state: 'resolved', resolvedBy: 'duty-wang' })
    // The engine still sees the condition (it was resolved by hand); it raises once it clears and comes back.
    await point(100, T0 + MIN)
    await point(260, T0 + 2 * MIN)
    expect(service.list({ state: ['firing'] })).toHaveLength(1)
  })

  it('escalates a firing alert nobody acknowledged, step by step up to critical, and not an acknowledged one', async () => {
    const { service, point, log } = setup(new MemoryLog(), [rule({ severity: 'info', escalateAfter: 600 })])
    await point(250)
    const id = service.list()[0]!.id
    await service.tick(T0 + 5 * MIN)
    expect(service.get(id)!.severity).toBe('info')
    await service.tick(T0 + 10 * MIN)
    expect(service.get(id)!.severity).toBe('warning')
    await service.tick(T0 + 15 * MIN) // not another 10 minutes since the last escalation
    expect(service.get(id)!.severity).toBe('warning')
    await service.tick(T0 + 20 * MIN)
    expect(service.get(id)).toMatchObject({ severity: 'critical', escalations: 2 })
    await service.tick(T0 + 60 * MIN)
    expect(service.get(id)!.escalations).toBe(2)
    const escalations = log.events.flatMap(({ event: e }) => (e.type === 'escalated' ? [[e.data.from, e.data.to]] : []))
    expect(escalations).toEqual([
      ['info', 'warning'],
      ['warning', 'critical'],
    ])

    await point(260, T0 + 61 * MIN, 'AQ-990200-01', '990200')
    const other = service.list({ region: '990200' })[0]!.id
    await service.acknowledge(other, 'duty-wang')
    await service.tick(T0 + 200 * MIN)
    expect(service.get(other)!.escalations).toBe(0)
  })
})

describe('AlertService silences', () => {
  it('silences matching alerts, new and existing, until the silence expires', async () => {
    const { service, point, clock } = setup()
    await point(250) // 990101, before the silence
    const s = await service.createSilence({ matchers: { region: '990100' }, endsAt: T0 + 60 * MIN, reason: 'sensor maintenance' }, 'duty-wang')
    const first = service.list()[0]!
    expect(first.silencedBy).toBe(s.id)
    await point(270, T0 + MIN, 'AQ-990200-01', '990200') // outside the silence's region
    expect(service.list({ region: '990200' })[0]!.silencedBy).toBeNull()
    clock.set(T0 + 61 * MIN)
    await service.tick(T0 + 61 * MIN)
    expect(service.silences()).toEqual([])
    expect(service.get(first.id)!.silencedBy).toBeNull()
    expect(service.silences(true)[0]).toMatchObject({ endedReason: 'expired', createdBy: 'duty-wang', reason: 'sensor maintenance' })
  })

  it('ends early when everything it silenced has resolved', async () => {
    const { service, point } = setup()
    await point(250)
    const s = await service.createSilence({ matchers: { ruleId: 'aqi-high', station: 'AQ-990101-01' }, endsAt: T0 + 24 * 60 * MIN, reason: 'known episode' }, 'duty-wang')
    await point(100, T0 + MIN) // clears: the alert resolves, and so does the silence
    expect(service.silences(true).find((x) => x.id === s.id)).toMatchObject({ endedReason: 'what it silenced has resolved' })
  })
})

describe('AlertService restart', () => {
  it('rebuilds the same alerts and silences from the log, and resolves a firing one when its condition clears', async () => {
    const log = new MemoryLog()
    const before = setup(log)
    await before.point(250)
    await before.point(300, T0 + MIN, 'AQ-990200-01', '990200')
    const id = before.service.list({ region: '990101' })[0]!.id
    await before.service.acknowledge(id, 'duty-wang')
    await before.service.createSilence({ matchers: { region: '990200' }, endsAt: T0 + 60 * MIN, reason: 'drill' }, 'duty-li')

    const after = setup(log)
    await after.service.load()
    expect(after.service.list()).toEqual(before.service.list())
    expect(after.service.silences()).toEqual(before.service.silences())
    // The new engine knows what is firing: the same condition raises nothing new, a clear point resolves.
    await after.point(260, T0 + 2 * MIN)
    expect(after.service.list()).toHaveLength(2)
    await after.point(100, T0 + 3 * MIN)
    expect(after.service.get(id)!.state).toBe('resolved')
  })
})
