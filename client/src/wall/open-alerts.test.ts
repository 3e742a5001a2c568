import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../common/alert-state'
import { testAlert } from '../../../test/fixtures/alerts'
import { latestAlerts, openAlerts } from './open-alerts'

function alert(id: string, over: Partial<Alert> = {}): Alert {
  return testAlert({ id, raisedAt: 1_000, since: 1_000, message: { zh: id, en: id }, updatedAt: 1_000, ...over })
}

const everywhere = () => true
const ids = (alerts: Alert[]) => alerts.map((a) => a.id)
const open = (live: Alert[], listed: Alert[] | null, inRegion: (region: string) => boolean = everywhere, limit?: number) => openAlerts(latestAlerts(live, listed, limit).values(), inRegion)

describe('openAlerts', () => {
  it('lists open alerts newest first within a severity', () => {
    const live = [alert('a', { raisedAt: 1, seq: 1 }), alert('b', { raisedAt: 3, seq: 3 }), alert('c', { raisedAt: 2, seq: 2, state: 'resolved' })]
    expect(ids(open(live, null))).toEqual(['b', 'a'])
  })

  it('puts critical first, then warning, then info, however old', () => {
    const live = [alert('w', { severity: 'warning', raisedAt: 5, seq: 5 }), alert('c', { severity: 'critical', raisedAt: 1, seq: 1 }), alert('i', { severity: 'info', raisedAt: 9, seq: 9 })]
    expect(ids(open(live, null))).toEqual(['c', 'w', 'i'])
  })

  it('shows a storm as one row: members of a group the wall holds are left out, a member of a group outside the region is shown', () => {
    const live = [
      alert('g', { group: 'storm', members: ['m1', 'm2'], region: '990100', seq: 3 }),
      alert('m1', { groupId: 'g', seq: 1 }),
      alert('m2', { groupId: 'g', seq: 2 }),
      alert('x', { groupId: 'province-group', seq: 4 }),
    ]
    expect(ids(open(live, null))).toEqual(['x', 'g'])
  })

  it('leaves silenced alerts out (the map does not pulse them either)', () => {
    expect(ids(open([alert('loud'), alert('quiet', { silencedBy: 'sil-1' })], null))).toEqual(['loud'])
  })

  it('takes the later version of an alert in both', () => {
    const listed = [alert('a', { seq: 5, state: 'acknowledged' })]
    expect(open([alert('a', { seq: 2 })], listed)[0]!.state).toBe('acknowledged')
    expect(open([alert('a', { seq: 9, state: 'resolved' })], listed)).toEqual([])
    expect(latestAlerts([alert('a', { seq: 9, state: 'resolved' })], listed).get('a')!.state).toBe('resolved')
  })

  it('drops what the store missed the end of, and keeps what is newer than the list', () => {
    const listed = [alert('listed', { seq: 10 })]
    const live = [alert('ended-unseen', { seq: 4 }), alert('new', { seq: 11, raisedAt: 2_000 })]
    expect(ids(open(live, listed))).toEqual(['new', 'listed'])
  })

  it('trusts the store when the list may be cut short', () => {
    const listed = [alert('x', { seq: 10 }), alert('y', { seq: 12 })]
    expect(ids(open([alert('old', { seq: 4, raisedAt: 500 })], listed, everywhere, 2))).toContain('old')
  })

  it('keeps only the region', () => {
    const live = [alert('in', { region: '440106' }), alert('out', { region: '440303' })]
    expect(ids(open(live, null, (r) => r.startsWith('4401')))).toEqual(['in'])
  })
})
