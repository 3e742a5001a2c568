import { describe, expect, it } from 'vitest'
import { alertDetail, auditEntry, type AuditRow } from './audit-queries'

const row = (over: Partial<AuditRow>): AuditRow => ({ e_at: 1, e_kind: 'alert', e_action: 'acknowledged', e_actor: 'duty-li', e_subject: 'al-1', e_region: '990101', e_detail: '', e_address: '', e_data: '{}', ...over })

describe('alertDetail', () => {
  it.each([
    ['acknowledged', { comment: '已派人核查', value: 300 }, '已派人核查'],
    ['acknowledged', { value: null }, ''],
    ['assigned', { assignee: 'field-team-2' }, '→ field-team-2'],
    ['commented', { text: '现场已处理' }, '现场已处理'],
    ['resolved', { auto: false, comment: '误报' }, '误报'],
    ['silence-created', { matchers: { ruleId: 'aqi-high', region: '990100' }, startsAt: 0, endsAt: 1, reason: '设备检修' }, '设备检修 · ruleId=aqi-high region=990100'],
    ['silence-ended', { reason: 'ended by duty-li' }, ''],
    ['silence-ended', { reason: 'ended by someone else' }, 'ended by someone else'],
    // What the log does not hold the right way says nothing rather than something wrong.
    ['assigned', { who: 'x' }, ''],
    ['raised', { ruleId: 'x' }, ''],
  ])('%s %o reads %j', (type, data, detail) => {
    expect(alertDetail(type, JSON.stringify(data), 'duty-li')).toBe(detail)
  })

  it('says nothing of data that is not JSON', () => {
    expect(alertDetail('commented', '{not json', 'duty-li')).toBe('')
  })
})

describe('auditEntry', () => {
  it('names the rule an alert action was about', () => {
    expect(auditEntry(row({ e_data: JSON.stringify({ comment: '核查中' }) }), 'aqi-high')).toEqual({
      at: 1,
      kind: 'alert',
      action: 'acknowledged',
      actor: 'duty-li',
      subject: 'al-1',
      region: '990101',
      detail: 'aqi-high · 核查中',
      address: '',
    })
  })

  it("gives a rule change its version and name, and leaves an account's region to the router", () => {
    expect(auditEntry(row({ e_kind: 'rule', e_action: 'updated', e_subject: 'aqi-high', e_detail: 'AQI 过高', e_data: '3' }))).toMatchObject({ region: '990101', detail: 'v3 · AQI 过高' })
    expect(auditEntry(row({ e_kind: 'account', e_action: 'account.updated', e_subject: 'jia', e_region: '', e_detail: 'role,region', e_address: '10.0.0.1' }))).toMatchObject({
      region: null,
      detail: 'role,region',
      address: '10.0.0.1',
    })
  })
})
