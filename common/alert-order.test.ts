import { describe, expect, it } from 'vitest'
import type { Alert } from './alert-state'
import { testAlert } from '../test/fixtures/alerts'
import { compareAlerts } from './alert-state'

const a = (id: string, over: Partial<Alert>) => testAlert({ id, ...over })
const order = (alerts: Alert[]) => [...alerts].sort(compareAlerts).map((x) => x.id)

describe('compareAlerts', () => {
  it.each<[string, Alert[], string[]]>([
    ['critical before warning before info, whatever their age', [a('info', { severity: 'info', raisedAt: 9 }), a('warn', { severity: 'warning', raisedAt: 8 }), a('crit', { severity: 'critical', raisedAt: 1 })], ['crit', 'warn', 'info']],
    ['newest first within a severity', [a('old', { severity: 'warning', raisedAt: 1 }), a('new', { severity: 'warning', raisedAt: 5 }), a('mid', { severity: 'warning', raisedAt: 3 })], ['new', 'mid', 'old']],
    ['an old critical above twenty new warnings', [...Array.from({ length: 20 }, (_, i) => a(`w${i}`, { severity: 'warning', raisedAt: 100 + i })), a('crit', { severity: 'critical', raisedAt: 1 })].reverse(), ['crit', ...Array.from({ length: 20 }, (_, i) => `w${19 - i}`)]],
    ['acknowledged is still open: ordered by severity with the firing ones', [a('fw', { severity: 'warning', raisedAt: 5 }), a('ac', { severity: 'critical', state: 'acknowledged', raisedAt: 1 })], ['ac', 'fw']],
    ['resolved after open, even when more severe', [a('res', { severity: 'critical', state: 'resolved', raisedAt: 9 }), a('info', { severity: 'info', raisedAt: 1 })], ['info', 'res']],
    ['the same millisecond: the later event first, then by id', [a('b', { raisedAt: 5, seq: 2 }), a('c', { raisedAt: 5, seq: 7 }), a('a', { raisedAt: 5, seq: 2 })], ['c', 'a', 'b']],
    ['an escalated alert (warning → critical) moves up with the critical ones', [a('w', { severity: 'warning', raisedAt: 9 }), a('esc', { severity: 'critical', raisedAt: 2, escalations: 1 })], ['esc', 'w']],
  ])('%s', (_, alerts, expected) => {
    expect(order(alerts)).toEqual(expected)
  })

  it('does not depend on the input order', () => {
    const alerts = [a('1', { severity: 'warning', raisedAt: 3 }), a('2', { severity: 'critical', raisedAt: 2 }), a('3', { severity: 'info', raisedAt: 4 }), a('4', { severity: 'critical', raisedAt: 2, seq: 3 })]
    const expected = order(alerts)
    expect(order([...alerts].reverse())).toEqual(expected)
    expect(order([alerts[2]!, alerts[0]!, alerts[3]!, alerts[1]!])).toEqual(expected)
  })
})
