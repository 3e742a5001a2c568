import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../common/alert-state'
import { testAlert } from '../../../test/fixtures/alerts'
import { alertLevels, levelLabelPositions } from './alert-levels'
import { dutySearch, mergeAlerts, parseDutyUrl, visibleAlerts, type AlertLookups, type DutyUrlState } from './duty-filters'

function alert(over: Partial<Alert> = {}): Alert {
  return testAlert({
    ruleId: 'env-aqi-critical',
    station: 'AQ-440106-01',
    severity: 'critical',
    raisedAt: 1_000,
    since: 900,
    value: 300,
    message: { zh: '空气质量', en: 'AQI' },
    detail: { threshold: 200, recover: 180 },
    updatedAt: 1_000,
    ...over,
  })
}

const lookups: AlertLookups = {
  domainOf: (indicator) => (indicator.startsWith('env.') ? 'environment' : indicator.startsWith('traffic.') ? 'traffic' : undefined),
  isWithin: (region, ancestor) => region === ancestor || (ancestor.endsWith('0000') ? region.slice(0, 2) === ancestor.slice(0, 2) : ancestor.endsWith('00') && region.slice(0, 4) === ancestor.slice(0, 4)),
}

describe('duty URL', () => {
  it.each<[string, DutyUrlState]>([
    ['defaults', { filters: { state: 'open', severity: 'all', domain: 'all', region: null }, alert: null }],
    ['everything', { filters: { state: 'resolved', severity: 'critical', domain: 'traffic', region: '440100' }, alert: 'al-123' }],
  ])('round-trips %s', (_, state) => {
    expect(parseDutyUrl(dutySearch(state, 'en'), (r) => r === '440100', (d) => ['environment', 'traffic'].includes(d))).toEqual(state)
  })

  it('ignores unknown values', () => {
    expect(parseDutyUrl('?state=x&severity=y&domain=z&region=999999&alert=%3Cscript%3E', () => false, () => false)).toEqual({
      filters: { state: 'open', severity: 'all', domain: 'all', region: null },
      alert: null,
    })
  })
})

describe('visibleAlerts', () => {
  const all = [
    alert({ id: 'a', severity: 'warning', raisedAt: 5 }),
    alert({ id: 'b', severity: 'critical', raisedAt: 1 }),
    alert({ id: 'c', severity: 'critical', raisedAt: 3, state: 'acknowledged' }),
    alert({ id: 'd', severity: 'critical', raisedAt: 9, state: 'resolved' }),
    alert({ id: 'e', indicator: 'traffic.speed', region: '440300', severity: 'info', raisedAt: 7 }),
  ]
  const base = { state: 'open', severity: 'all', domain: 'all', region: null } as const

  it('shows open alerts, most severe then newest first', () => {
    expect(visibleAlerts(all, base, lookups).map((a) => a.id)).toEqual(['c', 'b', 'a', 'e'])
  })

  it.each([
    [{ state: 'resolved' }, ['d']],
    [{ state: 'all' }, ['c', 'b', 'a', 'e', 'd']],
    [{ state: 'firing', severity: 'critical' }, ['b']],
    [{ domain: 'traffic' }, ['e']],
    [{ region: '440100' }, ['c', 'b', 'a']],
  ] as const)('filters %o', (patch, ids) => {
    expect(visibleAlerts(all, { ...base, ...patch }, lookups).map((a) => a.id)).toEqual(ids)
  })
})

describe('mergeAlerts', () => {
  it('keeps the copy with the highest sequence number', () => {
    const merged = mergeAlerts([alert({ seq: 3, state: 'acknowledged' })], [alert({ seq: 2 })], [alert({ seq: 4, state: 'resolved' })])
    expect(merged.get('al-1')?.state).toBe('resolved')
    expect(mergeAlerts([alert({ seq: 5, state: 'acknowledged' })], [alert({ seq: 4, state: 'firing' })]).get('al-1')?.state).toBe('acknowledged')
  })
})

describe('alertLevels', () => {
  it('takes the threshold and recover level from the event', () => {
    expect(alertLevels(alert(), null)).toEqual({ threshold: 200, recover: 180 })
  })

  it('falls back to the rule and drops a recover level equal to the threshold', () => {
    const rule = { condition: { kind: 'threshold', op: 'above', value: 2, recover: 2 } } as never
    expect(alertLevels({ detail: {} }, rule)).toEqual({ threshold: 2 })
  })

  it('reads the baseline band', () => {
    expect(alertLevels({ detail: { score: 7, expected: 40, band: [52, 28] } }, null)).toEqual({ expected: 40, band: [28, 52] })
  })
})

describe('levelLabelPositions', () => {
  it.each([
    ['above the threshold (recover below it)', { threshold: 200, recover: 180 }, 'insideEndTop', 'insideStartBottom'],
    ['below the threshold (recover above it)', { threshold: 20, recover: 25 }, 'insideEndBottom', 'insideStartTop'],
    ['lines one unit apart', { threshold: 200, recover: 199 }, 'insideEndTop', 'insideStartBottom'],
    ['a threshold alone', { threshold: 200 }, 'insideEndTop', 'insideStartBottom'],
  ] as const)('%s: at opposite ends, each on the side away from the other line', (_, levels, threshold, recover) => {
    const at = levelLabelPositions(levels)
    expect([at.threshold, at.recover]).toEqual([threshold, recover])
    expect(at.threshold.startsWith('insideEnd')).not.toBe(at.recover.startsWith('insideEnd'))
  })
})
