import { describe, expect, it } from 'vitest'
import { RuleSchema, type Rule } from '../../common/rule-schema'
import { naturalCause, RushHours } from './natural-events'

const rush = new RushHours(480)
const at = (iso: string) => Date.parse(`${iso}+08:00`)

function rule(over: Record<string, unknown>): Rule {
  return RuleSchema.parse({ id: 'test-rule', name: { zh: 'r', en: 'r' }, severity: 'info', message: { zh: 'm', en: 'm' }, ...over })
}

describe('RushHours', () => {
  it.each([
    ['Monday 08:00', '2025-11-03T08:00:00', true],
    ['Monday 07:00', '2025-11-03T07:00:00', true],
    ['Monday 10:30', '2025-11-03T10:30:00', false],
    ['Monday 18:30', '2025-11-03T18:30:00', true],
    ['Monday 03:00', '2025-11-03T03:00:00', false],
    ['Saturday 08:00', '2025-11-08T08:00:00', false],
  ])('%s: %s', (_what, iso, expected) => {
    expect(rush.at(at(iso))).toBe(expected)
  })
})

describe('naturalCause', () => {
  const severe = rule({ indicator: 'traffic.congestion_index', scope: { level: 'leaf' }, condition: { kind: 'threshold', op: 'above', value: 2 } })
  const baseline = rule({ indicator: 'traffic.speed', scope: { stationKind: 'traffic' }, condition: { kind: 'baseline' } })
  const incidents = rule({ indicator: 'traffic.incidents', scope: { level: 'leaf' }, condition: { kind: 'rateOfChange', windowSeconds: 3600, direction: 'rise', absolute: 5 } })

  it.each<[string, Rule, string, string | undefined]>([
    ['severe congestion in the rush', severe, '2025-11-03T08:10:00', 'rush hour'],
    ['severe congestion at night', severe, '2025-11-03T02:00:00', undefined],
    ['a baseline alert in the rush (a claimed anomaly)', baseline, '2025-11-03T08:10:00', undefined],
    ['an incident count in the rush (not a figure the rush makes cross a line)', incidents, '2025-11-03T08:10:00', undefined],
  ])('%s', (_what, r, iso, expected) => {
    expect(naturalCause(r, at(iso), rush)).toBe(expected)
  })
})
