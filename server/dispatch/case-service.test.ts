import { describe, expect, it } from 'vitest'
import type { Alert } from '../../common/alert-state'
import { createLogger } from '../logger'
import type { StoredCaseEvent } from './case-book'
import { CaseError, CaseService, type CaseRecords } from './case-service'

class MemoryCaseRecords implements CaseRecords {
  readonly rows: StoredCaseEvent[] = []
  async all() {
    return [...this.rows]
  }
  async append(e: StoredCaseEvent) {
    this.rows.push(structuredClone(e))
  }
}

const alert = { id: 'a1', ruleId: 'env-aqi-critical', indicator: 'env.aqi', region: '990101', station: 'AQ-1', severity: 'critical', state: 'firing' } as Alert
const log = createLogger('silent')

function service(records = new MemoryCaseRecords(), clock = { t: 1_000_000 }) {
  return { cases: new CaseService({ records, log, now: () => clock.t }), records, clock }
}

describe('CaseService', () => {
  it('follows a case through its life: dispatched, accepted, reported, returned, reported again, closed', async () => {
    const { cases, clock } = service()
    const c = await cases.dispatch(alert, '990100-eco', clock.t + 7_200_000, '请核查', 'duty-wang')
    expect(c).toMatchObject({ alertId: 'a1', department: '990100-eco', state: 'dispatched', deadline: clock.t + 7_200_000, region: '990101', severity: 'critical', dispatchedBy: 'duty-wang', note: '请核查' })
    clock.t += 60_000
    expect((await cases.act(c.id, 'accepted', 'department:990100-eco', '')).state).toBe('accepted')
    expect((await cases.act(c.id, 'reported', 'department:990100-eco', '已关停排口')).reportedAt).toBe(clock.t)
    expect((await cases.act(c.id, 'returned', 'duty-wang', '读数未降')).returns).toBe(1)
    await cases.act(c.id, 'reported', 'department:990100-eco', '已复查')
    const closed = await cases.act(c.id, 'closed', 'duty-wang', '核查属实')
    expect(closed).toMatchObject({ state: 'closed', closedAt: clock.t, returns: 1 })
    expect(cases.eventsOf(c.id).map((e) => [e.type, e.actor])).toEqual([
      ['dispatched', 'duty-wang'],
      ['accepted', 'department:990100-eco'],
      ['reported', 'department:990100-eco'],
      ['returned', 'duty-wang'],
      ['reported', 'department:990100-eco'],
      ['closed', 'duty-wang'],
    ])
    // Closed, the alert may be dispatched again.
    expect(cases.openCaseOf('a1')).toBeUndefined()
  })

  it('refuses what the state does not allow, and a second open case for one alert', async () => {
    const { cases, clock } = service()
    const c = await cases.dispatch(alert, '990100-eco', clock.t + 1, '', 'duty')
    await expect(cases.dispatch(alert, '990100-market', clock.t + 1, '', 'duty')).rejects.toThrow(/already dispatched to 990100-eco/)
    await expect(cases.act(c.id, 'closed', 'duty', '')).rejects.toThrow(/a case that is dispatched cannot be closed \(only one that is reported\)/)
    await expect(cases.act(c.id, 'returned', 'duty', '')).rejects.toBeInstanceOf(CaseError)
    await expect(cases.act('nope', 'accepted', 'duty', '')).rejects.toThrow(/no case nope/)
  })

  it('marks a case overdue once, when its deadline passes before closure', async () => {
    const { cases, clock } = service()
    const c = await cases.dispatch(alert, '990100-eco', clock.t + 60_000, '', 'duty')
    expect(await cases.markOverdue()).toEqual([])
    clock.t += 60_000
    expect((await cases.markOverdue()).map((x) => [x.id, x.overdue])).toEqual([[c.id, true]])
    expect(await cases.markOverdue()).toEqual([])
    expect(cases.eventsOf(c.id).at(-1)).toMatchObject({ type: 'overdue', actor: 'system' })
  })

  it('comes back the same from its log', async () => {
    const { cases, records, clock } = service()
    const c = await cases.dispatch(alert, '990100-eco', clock.t + 60_000, 'n', 'duty')
    await cases.act(c.id, 'accepted', 'dept', '')
    clock.t += 120_000
    await cases.markOverdue()
    const again = service(records, clock).cases
    expect(await again.load()).toEqual({ cases: 1, skipped: 0 })
    expect(again.get(c.id)).toEqual(cases.get(c.id))
    expect(again.eventsOf(c.id)).toEqual(cases.eventsOf(c.id))
    // Numbering goes on from the log.
    await again.act(c.id, 'reported', 'dept', 'done')
    expect(records.rows.at(-1)!.seq).toBe(4)
  })
})
