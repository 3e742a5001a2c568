import { SEVERITY_ORDER, type Alert } from '../../../common/alert-state'

/**
 * The one order of alerts on every screen (the wall's ticker, the duty
 * console's list), as the server lists them too (GET /api/alerts): open before
 * resolved, then critical before warning before info, then newest first. Ties
 * (alerts raised in the same millisecond, as a burst from one reading is) go
 * by the later event, then by id, so two screens never disagree on a row.
 */
export function compareAlerts(x: Alert, y: Alert): number {
  return (
    Number(x.state === 'resolved') - Number(y.state === 'resolved') ||
    SEVERITY_ORDER[y.severity] - SEVERITY_ORDER[x.severity] ||
    y.raisedAt - x.raisedAt ||
    y.seq - x.seq ||
    (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)
  )
}
