import type { Alert } from '../../../common/alert-state'

/** The API's largest answer (GET /api/alerts?limit=); a full answer cannot tell which alerts are missing from it. */
export const LIST_LIMIT = 500

/**
 * The store's alerts (live events) and the API's list, merged: for an alert
 * in both, the one with the later event wins; an alert the store still holds
 * as open but the API's list no longer has, though the list is newer than
 * the alert's last event, was resolved while the screen was not told (it
 * looked at another region). Resolved ones and those outside the region go.
 */
export function openAlerts(live: readonly Alert[], listed: readonly Alert[] | null, inRegion: (region: string) => boolean, listLimit = LIST_LIMIT): Alert[] {
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
  return [...byId.values()].filter((a) => a.state !== 'resolved' && inRegion(a.region)).sort((x, y) => y.raisedAt - x.raisedAt || y.seq - x.seq)
}
