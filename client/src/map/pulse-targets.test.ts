import { describe, expect, it } from 'vitest'
import type { Alert } from '../../../common/alert-state'
import { testAlert } from '../../../test/fixtures/alerts'
import { testCatalog } from '../../../test/fixtures/catalog'
import { pulseTargets } from './pulse-targets'

const tree = testCatalog().tree
const anchor = (code: string) => tree.get(code)?.centroid ?? null

function alert(region: string, over: Partial<Alert> = {}): Alert {
  return testAlert({ id: `a-${region}-${Math.random()}`, region, ...over })
}

describe('pulseTargets', () => {
  const province = { region: '990000', children: ['990100', '990200'] }

  it('puts an alert on the shown child that contains its region, worst severity first', () => {
    const targets = pulseTargets(
      [alert('990101'), alert('990102', { severity: 'critical', state: 'acknowledged' }), alert('990200', { severity: 'info' })],
      province,
      tree,
      anchor,
    )
    expect(targets).toEqual([
      { code: '990100', position: [113.3, 23.1], severity: 'critical', count: 2 },
      { code: '990200', position: [114.0, 24.5], severity: 'info', count: 1 },
    ])
  })

  it('leaves out resolved and silenced alerts and those outside the shown region', () => {
    const city = { region: '990100', children: ['990101', '990102'] }
    const targets = pulseTargets([alert('990101', { state: 'resolved' }), alert('990102', { silencedBy: 's1' }), alert('990200')], city, tree, anchor)
    expect(targets).toEqual([])
  })

  it('pulses the region itself for an alert raised on it, and a leaf for its own alerts', () => {
    expect(pulseTargets([alert('990000')], province, tree, anchor).map((t) => t.code)).toEqual(['990000'])
    expect(pulseTargets([alert('990101')], { region: '990101', children: [] }, tree, anchor).map((t) => t.code)).toEqual(['990101'])
  })
})
