import { describe, expect, it } from 'vitest'
import { parseAlertEvent } from './alert-events'
import { applyEvent, emptyBook } from './alert-state'

const at = Date.parse('2026-12-01T08:00:00Z')
const place = { alertId: 'a-1', at, region: '990101', indicator: 'env.aqi', station: 'AQ-990101-01', actor: 'system' }
const raised = { ...place, type: 'raised', data: { ruleId: 'env-aqi-critical', severity: 'critical', value: 310, since: at - 60_000, message: { zh: '超标', en: 'high' } } }

describe('alert events, one schema per type', () => {
  it.each([
    ['raised', raised],
    ['acknowledged with a comment', { ...place, type: 'acknowledged', actor: 'duty', data: { comment: 'on it', value: 300 } }],
    ['assigned', { ...place, type: 'assigned', actor: 'duty', data: { assignee: 'team-1' } }],
    ['escalated', { ...place, type: 'escalated', data: { from: 'warning', to: 'critical', unacknowledgedForMs: 900_000 } }],
    ['resolved by the engine', { ...place, type: 'resolved', data: { auto: true, value: 80, clearSince: at } }],
    ['a silence created', { ...place, alertId: 's-1', type: 'silence-created', actor: 'duty', data: { matchers: { region: '990101' }, startsAt: at, endsAt: at + 3_600_000, reason: 'works' } }],
  ])('takes %s', (_what, input) => {
    expect(parseAlertEvent(input)).toMatchObject({ ok: true })
  })

  it('takes an event with a field a later version added, and drops the field', () => {
    const parsed = parseAlertEvent({ ...place, type: 'commented', actor: 'duty', data: { text: 'seen', mood: 'calm' } })
    expect(parsed).toMatchObject({ ok: true, event: { type: 'commented', data: { text: 'seen' } } })
    expect(parsed.ok && parsed.event.data).not.toHaveProperty('mood')
  })

  it.each([
    ['a raise without its rule', { ...raised, data: { ...raised.data, ruleId: undefined } }, /data\.ruleId/],
    ['a raise whose value is text', { ...raised, data: { ...raised.data, value: 'high' } }, /data\.value/],
    ['a raise of an unknown severity', { ...raised, data: { ...raised.data, severity: 'apocalyptic' } }, /data\.severity/],
    ['an assignment to no one', { ...place, type: 'assigned', data: {} }, /data\.assignee/],
    ['an escalation to nowhere', { ...place, type: 'escalated', data: { from: 'warning' } }, /data\.to/],
    ['a silence without an end', { ...place, type: 'silence-created', data: { matchers: {}, startsAt: at, reason: 'x' } }, /data\.endsAt/],
    ['an acknowledgement by nobody', { ...place, type: 'acknowledged', actor: undefined, data: {} }, /^actor:/],
    ['an acknowledgement by an empty name', { ...place, type: 'acknowledged', actor: '', data: {} }, /^actor:/],
    ['a type this version does not know', { ...place, type: 'exploded', data: {} }, /^type: unknown event type "exploded" .*knows raised, escalated/],
    ['something that is not an event', null, /^event:/],
    ['an event without a time', { ...raised, at: undefined }, /at/],
  ])('refuses %s, naming the field', (_what, input, field) => {
    const parsed = parseAlertEvent(input)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.reason).toMatch(field)
  })

  it('replays parsed events into the state the reducer keeps', () => {
    const book = emptyBook()
    const events = [raised, { ...place, type: 'acknowledged', actor: 'duty', data: { comment: 'on it' } }, { ...place, type: 'assigned', actor: 'duty', data: { assignee: 'team-1' } }]
    events.forEach((e, i) => {
      const parsed = parseAlertEvent(e)
      if (!parsed.ok) throw new Error(parsed.reason)
      applyEvent(book, { seq: i + 1, event: parsed.event })
    })
    expect(book.alerts.get('a-1')).toMatchObject({ state: 'acknowledged', severity: 'critical', value: 310, assignee: 'team-1', comments: 1, acknowledgedBy: 'duty', seq: 3 })
  })
})
