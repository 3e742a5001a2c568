import { useMemo } from 'react'
import type { Alert } from '../../../common/alert-state'
import { useCatalog } from '../data/catalog'
import { useAlerts, useLive } from '../live/live'
import { LIST_LIMIT, latestAlerts, openAlerts } from './open-alerts'
import { alertListReplySchema } from '../../../common/api/alerts-api'
import { usePolledJson } from './use-polled-json'

/**
 * The socket's alert events reach a screen only for its room's region; after
 * a drill the region's open alerts are read once from the API (and every
 * minute), so alerts raised while the wall looked elsewhere are not missed.
 */
const LIST_RELOAD_MS = 60_000

export interface WallAlerts {
  /** The region's open alerts as the wall shows them (openAlerts): the ticker lists them, the map pulses and counts them. */
  open: Alert[]
  /** The latest copy of every alert known, resolved ones too (an alert whose detail is open may end meanwhile). */
  byId: ReadonlyMap<string, Alert>
  /** Whether the list has been read at least once (before that, "none" would be a guess). */
  loaded: boolean
}

/** The wall's one source of alerts, for the ticker and the map alike. */
export function useWallAlerts(region: string): WallAlerts {
  const catalog = useCatalog()
  const { store } = useLive()
  const live = useAlerts()
  const listed = usePolledJson(`/api/alerts?state=firing,acknowledged&limit=${LIST_LIMIT}&region=${encodeURIComponent(region)}`, alertListReplySchema, LIST_RELOAD_MS)
  const list = listed.data?.alerts ?? null
  const byId = useMemo(() => latestAlerts(live, list), [live, list])
  const open = useMemo(() => openAlerts(byId.values(), (r) => catalog.tree.isWithin(r, region)), [byId, catalog, region])
  return { open, byId, loaded: list !== null || store.lastSeq > 0 }
}
