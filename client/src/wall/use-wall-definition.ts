import { useEffect, useState } from 'react'
import { wallListReplySchema, wallReplySchema } from '../../../common/api/walls-api'
import type { Wall } from '../../../common/wall-schema'
import { ApiRequestError, getJson } from '../api/http'

/**
 * A wall's definition, by id or (null) the account's default wall, read
 * again every minute: a wall published in the console reaches a running
 * screen within the minute, and one whose server was away when it opened
 * keeps trying. A definition already shown stays up while a read fails.
 */

export type WallDefinitionState =
  | { kind: 'loading' }
  | { kind: 'ready'; wall: Wall; version: number }
  /** No wall by that id that this account may see. */
  | { kind: 'unknown'; id: string }
  /** The account may see no wall at all. */
  | { kind: 'none' }
  | { kind: 'error'; message: string }

export const WALL_RELOAD_MS = 60_000
const RETRY_MS = 5_000

export async function loadWall(id: string | null): Promise<WallDefinitionState> {
  let wallId = id
  if (wallId === null) {
    const list = await getJson('/api/walls', wallListReplySchema)
    if (list.default === null) return { kind: 'none' }
    wallId = list.default
  }
  try {
    const reply = await getJson(`/api/walls/${encodeURIComponent(wallId)}`, wallReplySchema)
    return { kind: 'ready', wall: reply.definition, version: reply.version }
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 404) return { kind: 'unknown', id: wallId }
    throw err
  }
}

export function useWallDefinition(id: string | null): WallDefinitionState {
  const [state, setState] = useState<WallDefinitionState>({ kind: 'loading' })
  useEffect(() => {
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const load = () => {
      loadWall(id)
        .then((next) => {
          if (cancelled) return
          // The same version again keeps the same object: nothing below re-renders.
          setState((prev) => (prev.kind === 'ready' && next.kind === 'ready' && prev.version === next.version && prev.wall.id === next.wall.id ? prev : next))
          timer = setTimeout(load, WALL_RELOAD_MS)
        })
        .catch((err: unknown) => {
          if (cancelled) return
          setState((prev) => (prev.kind === 'ready' ? prev : { kind: 'error', message: err instanceof Error ? err.message : String(err) }))
          timer = setTimeout(load, RETRY_MS)
        })
    }
    setState({ kind: 'loading' })
    load()
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [id])
  return state
}
