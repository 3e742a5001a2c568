import { describe, expect, it } from 'vitest'
import type { AlertEnvelope, AlertEvent } from '../../common/live-contract'
import { topLevelAlerts } from '../../common/alert-state'
import type { Rule, RuleInput } from '../../common/rule-schema'
import { testRule } from '../../test/fixtures/rules'
import { testCatalog } from '../../test/fixtures/catalog'
import { createLogger } from '../logger'
import type { AlertListener, AlertLog } from './alert-feed'
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

const rule = (overrides: Partial<RuleInput> = {}): Rule =>
  testRule({
    id: 'aqi-high',
    name: { zh: 'AQI 过高', en: 'AQI high' },
    condition: { kind: 'threshold', op: 'above', value: 200, recover: 150 },
    escalateAfter: 600,
    message: { zh: '{region}{station} AQI {value}，超过 {threshold}', en: '{station} in {region}: AQI {value}, above {threshold}' },
    ...overrides,
  })

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

  it('previews exactly the open alerts a silence would cover, and then silences those', async () => {
    const { service, point } = setup()
    await point(250) // 990101
    await point(270, T0 + MIN, 'AQ-990200-01', '990200')
    const east = service.list({ region: '990101' })[0]!
    expect(service.covered({ region: '990100' }).map((a) => a.id)).toEqual([east.id])
    expect(service.covered({ ruleId: 'aqi-high' })).toHaveLength(2)
    expect(service.covered({ ruleId: 'another-rule' })).toEqual([])
    const s = await service.createSilence({ matchers: { region: '990100' }, endsAt: T0 + 60 * MIN, reason: 'maintenance' }, 'duty-wang')
    expect(service.list().filter((a) => a.silencedBy === s.id).map((a) => a.id)).toEqual([east.id])
    // Still covered (shown as silenced already); a resolved alert is not.
    expect(service.covered({ region: '990100' })[0]).toMatchObject({ id: east.id, silencedBy: s.id })
    await service.resolve(east.id, 'duty-wang')
    expect(service.covered({ region: '990100' })).toEqual([])
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

describe('AlertService storm control', () => {
  const province = rule({ group: { by: 'province', min: 2 } })
  const YI = ['AQ-990200-01', '990200'] as const

  it('a grouped alert: raised when a second series fires, lists its members, is acknowledged once, and resolves when the last member clears', async () => {
    const { service, point, log } = setup(new MemoryLog(), [province])
    await point(250)
    const first = service.list()[0]!
    expect(first.groupId).toBeNull()
    await point(260, T0 + MIN, ...YI)

    const group = service.list().find((a) => a.group === 'storm')!
    expect(group).toMatchObject({ region: '990000', station: '', state: 'firing', severity: 'warning', value: null, groupId: null })
    expect(group.message.zh).toBe('测试省多处AQI 过高（成组告警）')
    expect(group.members).toHaveLength(2)
    expect(group.members[0]).toBe(first.id)
    for (const m of group.members) expect(service.get(m)!.groupId).toBe(group.id)
    // The wall and the console show one row.
    expect(topLevelAlerts(service.list({ state: ['firing', 'acknowledged'] })).map((a) => a.id)).toEqual([group.id])
    expect(log.events.map((e) => [e.event.type, e.event.alertId])).toEqual([
      ['raised', first.id],
      ['raised', group.id],
      ['grouped', first.id],
      ['raised', group.members[1]],
    ])

    await service.acknowledge(group.id, 'duty-wang')
    expect(service.get(group.id)).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'duty-wang' })
    // Members are escalated through their group, never on their own.
    await service.tick(T0 + 60 * MIN)
    expect(log.events.filter((e) => e.event.type === 'escalated')).toEqual([])

    await point(100, T0 + 61 * MIN) // the first member clears; the group stays
    expect(service.get(first.id)!.state).toBe('resolved')
    expect(service.get(group.id)!.state).toBe('acknowledged')
    await point(100, T0 + 62 * MIN, ...YI) // the last one clears: the group resolves with it
    expect(service.get(group.id)).toMatchObject({ state: 'resolved', resolvedBy: 'system' })
    expect(log.events.at(-2)!.event).toMatchObject({ type: 'resolved', alertId: group.members[1] })
    expect(log.events.at(-1)!.event).toMatchObject({ type: 'resolved', alertId: group.id, data: { auto: true } })
  })

  it('resolving a group by hand resolves its open members; the next firing starts afresh', async () => {
    const { service, point } = setup(new MemoryLog(), [province])
    await point(250)
    await point(260, T0 + MIN, ...YI)
    const group = service.list().find((a) => a.group === 'storm')!
    await service.resolve(group.id, 'duty-wang', 'pollution episode over')
    for (const m of group.members) expect(service.get(m)).toMatchObject({ state: 'resolved', resolvedBy: 'duty-wang' })
    expect(service.get(group.id)).toMatchObject({ state: 'resolved', resolvedBy: 'duty-wang' })
    await point(100, T0 + 2 * MIN)
    await point(300, T0 + 3 * MIN)
    expect(service.list({ state: ['firing'] })).toEqual([expect.objectContaining({ groupId: null, group: null, station: 'AQ-990101-01' })])
  })

  it('over the flood limit, further alerts are gathered in one alert with an "N more suppressed" event each', async () => {
    const { service, point, log } = setup(new MemoryLog(), [rule({ group: false, floodLimit: 1 })])
    await point(250)
    await point(260, T0 + MIN, ...YI)
    const flood = service.list().find((a) => a.group === 'flood')!
    expect(flood).toMatchObject({ region: '990000', suppressed: 1, members: [expect.any(String)] })
    expect(flood.message.zh).toBe('AQI 过高：一小时内已单独告警 1 条，其余告警合并在此')
    const suppressed = log.events.filter((e) => e.event.type === 'suppressed')
    expect(suppressed.map((e) => e.event)).toEqual([expect.objectContaining({ alertId: flood.id, data: expect.objectContaining({ count: 1, memberId: flood.members[0] }) })])
    expect(topLevelAlerts(service.list({ state: ['firing'] })).map((a) => a.group)).toEqual(['flood', null])
  })

  it('after a restart, a group keeps its members, takes new ones, and resolves with the last', async () => {
    const log = new MemoryLog()
    const before = setup(log, [province])
    await before.point(250)
    await before.point(260, T0 + MIN, ...YI)
    const group = before.service.list().find((a) => a.group === 'storm')!

    const after = setup(log, [province])
    await after.service.load()
    expect(after.service.get(group.id)!.members).toEqual(group.members)
    await after.point(100, T0 + 2 * MIN)
    await after.point(100, T0 + 3 * MIN, ...YI)
    expect(after.service.get(group.id)!.state).toBe('resolved')
  })
})
