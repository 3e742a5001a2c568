import type { Alert } from '../../../common/alert-state'
import { compareAlerts, topLevelAlerts } from '../../../common/alert-state'
import { isOnMap } from '../map/pulse-targets'

/** The API's largest answer (GET /api/alerts?limit=); a full answer cannot tell which alerts are missing from it. */
export const LIST_LIMIT = 500

/**
 * The store's alerts (live events) and the API's list, merged, by id: for an
 * alert in both, the one with the later event wins; an alert the store still
 * holds as open but the API's list no longer has, though the list is newer
 * than the alert's last event, was resolved while the screen was not told (it
 * looked at another region), and is left out.
 */
export function latestAlerts(live: readonly Alert[], listed: readonly Alert[] | null, listLimit = LIST_LIMIT): Map<string, Alert> {
  const byId = new Map<string, Alert>()
  let horizon = 0
  const complete = listed !== null && listed.length < listLimit
  for (const a of listed ?? []) {
    byId.set(a.id, a)
    horizon = Math.max(horizon, a.seq)
  }
  for (const a of live) {
    const other = byId.get(a.id)
    if (other) {
      if (a.seq > other.seq) byId.set(a.id, a)
    } else if (!complete || a.seq > horizon) {
      byId.set(a.id, a)
    }
  }
  return byId
}

/**
 * What the wall shows as its open alerts, in the ticker and on the map alike
 * (one list, so their counts agree): open and not silenced (isOnMap), within
 * the region, a group's members shown through their group (one row for a
 * storm); critical first, then newest (compareAlerts).
 */
export function openAlerts(alerts: Iterable<Alert>, inRegion: (region: string) => boolean): Alert[] {
  return topLevelAlerts(alerts)
    .filter((a) => isOnMap(a) && inRegion(a.region))
    .sort(compareAlerts)
}
