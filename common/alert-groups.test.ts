import { describe, expect, it } from 'vitest'
import { testAlert } from '../test/fixtures/alerts'
import { applyEvent, emptyBook, openMembers, topLevelAlerts } from './alert-state'
import type { AlertEvent } from './alert-events'

const place = { region: '990101', indicator: 'env.aqi', station: '' }
const raised = (alertId: string, extra: Record<string, unknown> = {}): AlertEvent =>
  ({ alertId, type: 'raised', at: 1, ...place, actor: 'system', data: { ruleId: 'r', severity: 'warning', message: { zh: '', en: '' }, ...extra } }) as AlertEvent

describe('grouped alerts in the alert book', () => {
  it('a group learns its members from their raises and folds, in order; a flood group counts what it gathered', () => {
    const book = emptyBook()
    const events: AlertEvent[] = [
      raised('a1'),
      raised('g', { group: { reason: 'storm' } }),
      { alertId: 'a1', type: 'grouped', at: 2, ...place, actor: 'system', data: { groupId: 'g' } },
      raised('a2', { groupId: 'g' }),
      raised('f', { group: { reason: 'flood' } }),
      raised('a3', { groupId: 'f' }),
      { alertId: 'f', type: 'suppressed', at: 3, ...place, actor: 'system', data: { count: 1, memberId: 'a3' } },
    ]
    events.forEach((event, i) => applyEvent(book, { seq: i + 1, event }))
    expect(book.alerts.get('g')).toMatchObject({ group: 'storm', members: ['a1', 'a2'], groupId: null })
    expect(book.alerts.get('a1')!.groupId).toBe('g')
    expect(book.alerts.get('f')).toMatchObject({ group: 'flood', members: ['a3'], suppressed: 1 })
    expect(topLevelAlerts(book.alerts.values()).map((a) => a.id)).toEqual(['g', 'f'])
    applyEvent(book, { seq: 9, event: { alertId: 'a1', type: 'resolved', at: 4, ...place, actor: 'system', data: { auto: true } } })
    expect(openMembers(book.alerts.get('g')!, book.alerts).map((a) => a.id)).toEqual(['a2'])
  })

  it('a member whose group a screen does not hold (outside its region) is shown on its own', () => {
    const member = testAlert({ id: 'm', groupId: 'elsewhere' })
    const single = testAlert({ id: 's' })
    expect(topLevelAlerts([member, single]).map((a) => a.id)).toEqual(['m', 's'])
  })
})
