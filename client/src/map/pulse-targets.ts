import type { Alert } from '../../../common/alert-state'
import { SEVERITY_ORDER } from '../../../common/alert-state'
import type { RegionTree } from '../../../common/region-tree'
import type { PulseTarget } from './map-layers'
import type { Position, RegionView } from './region-geo'

/**
 * Whether an alert is one the map shows (and the wall counts): open (firing
 * or acknowledged) and not silenced. Silencing is how duty officers quiet
 * known noise (maintenance), and the wall should be quiet about it too.
 */
export function isOnMap(a: Alert): boolean {
  return a.state !== 'resolved' && a.silencedBy === null
}

/**
 * Open alerts (firing or acknowledged) within the shown region, each on the
 * shown child that contains its region (or on the region itself, for an alert
 * raised on it), one ring per child in the colour of its worst alert.
 * Silenced alerts do not pulse (isOnMap).
 */
export function pulseTargets(
  alerts: readonly Alert[],
  view: Pick<RegionView, 'region' | 'children'>,
  tree: RegionTree,
  anchor: (code: string) => Position | null,
): PulseTarget[] {
  const byCode = new Map<string, PulseTarget>()
  const shown = new Set(view.children.length > 0 ? view.children : [view.region])
  for (const a of alerts) {
    if (!isOnMap(a)) continue
    const lineage = tree.lineage(a.region)
    const target = lineage.find((r) => shown.has(r.code))?.code ?? (lineage.some((r) => r.code === view.region) ? view.region : undefined)
    if (!target) continue
    const existing = byCode.get(target)
    if (existing) {
      existing.count++
      if (SEVERITY_ORDER[a.severity] > SEVERITY_ORDER[existing.severity]) existing.severity = a.severity
      continue
    }
    const position = anchor(target)
    if (position) byCode.set(target, { code: target, position, severity: a.severity, count: 1 })
  }
  return [...byCode.values()]
}
