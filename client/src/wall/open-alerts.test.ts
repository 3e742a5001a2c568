import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../common/alert-state'
import { testAlert } from '../../../test/fixtures/alerts'
import { openAlerts } from './open-alerts'

function alert(id: string, over: Partial<Alert> = {}): Alert {
  return testAlert({ id, raisedAt: 1_000, since: 1_000, message: { zh: id, en: id }, updatedAt: 1_000, ...over })
}

const everywhere = () => true
const ids = (alerts: Alert[]) => alerts.map((a) => a.id)

describe('openAlerts', () => {
  it('lists open alerts newest first', () => {
    const live = [alert('a', { raisedAt: 1, seq: 1 }), alert('b', { raisedAt: 3, seq: 3 }), alert('c', { raisedAt: 2, seq: 2, state: 'resolved' })]
    expect(ids(openAlerts(live, null, everywhere))).toEqual(['b', 'a'])
  })

  it('takes the later version of an alert in both', () => {
    const listed = [alert('a', { seq: 5, state: 'acknowledged' })]
    expect(openAlerts([alert('a', { seq: 2 })], listed, everywhere)[0]!.state).toBe('acknowledged')
    expect(openAlerts([alert('a', { seq: 9, state: 'resolved' })], listed, everywhere)).toEqual([])
  })

  it('drops what the store missed the end of, and keeps what is newer than the list', () => {
    const listed = [alert('listed', { seq: 10 })]
    const live = [alert('ended-unseen', { seq: 4 }), alert('new', { seq: 11, raisedAt: 2_000 })]
    expect(ids(openAlerts(live, listed, everywhere))).toEqual(['new', 'listed'])
  })

  it('trusts the store when the list may be cut short', () => {
    const listed = [alert('x', { seq: 10 }), alert('y', { seq: 12 })]
    expect(ids(openAlerts([alert('old', { seq: 4, raisedAt: 500 })], listed, everywhere, 2))).toContain('old')
  })

  it('keeps only the region', () => {
    const live = [alert('in', { region: '440106' }), alert('out', { region: '440303' })]
    expect(ids(openAlerts(live, null, (r) => r.startsWith('4401')))).toEqual(['in'])
  })
})
