import { useEffect, useState } from 'react'
import { playlistReplySchema } from '../../../common/api/walls-api'
import type { Playlist, Wall } from '../../../common/wall-schema'
import { ApiRequestError, getJson } from '../api/http'
import { useI18n } from '../i18n/i18n'
import { loadWall } from './use-wall-definition'
import { WallView } from './wall-page'

/**
 * A playlist (`/playlist/:id`) for a briefing room: its walls in turn, each
 * for its dwell, each running its own tour within it. The playlist and its
 * walls are read again at the end of every round, so an edit reaches the
 * room without anyone touching the screen; a round whose read fails goes on
 * with what it has.
 */

interface Loaded {
  playlist: Playlist
  walls: Array<{ wall: Wall; dwellSeconds: number }>
}

type State = { kind: 'loading' } | { kind: 'ready'; loaded: Loaded } | { kind: 'unknown' } | { kind: 'error'; message: string }

async function loadPlaylist(id: string): Promise<Loaded | null> {
  let playlist: Playlist
  try {
    playlist = (await getJson(`/api/playlists/${encodeURIComponent(id)}`, playlistReplySchema)).definition
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 404) return null
    throw err
  }
  const walls: Loaded['walls'] = []
  for (const entry of playlist.entries) {
    const state = await loadWall(entry.wall)
    if (state.kind === 'ready') walls.push({ wall: state.wall, dwellSeconds: entry.dwellSeconds })
  }
  return { playlist, walls }
}

export function playlistIdOf(pathname: string): string | null {
  const m = /^\/playlist\/([^/]+)\/?$/.exec(pathname)
  return m ? decodeURIComponent(m[1]!) : null
}

export function PlaylistPage() {
  const { t, name } = useI18n()
  const id = playlistIdOf(location.pathname) ?? ''
  const [state, setState] = useState<State>({ kind: 'loading' })
  const [index, setIndex] = useState(0)
  const [round, setRound] = useState(0)

  // Read at the start of every round; a failed read keeps the round that was.
  useEffect(() => {
    let cancelled = false
    loadPlaylist(id)
      .then((loaded) => !cancelled && setState(loaded ? { kind: 'ready', loaded } : { kind: 'unknown' }))
      .catch((err: unknown) => !cancelled && setState((prev) => (prev.kind === 'ready' ? prev : { kind: 'error', message: err instanceof Error ? err.message : String(err) })))
    return () => {
      cancelled = true
    }
  }, [id, round])

  const walls = state.kind === 'ready' ? state.loaded.walls : []
  const current = walls.length > 0 ? walls[index % walls.length] : undefined
  useEffect(() => {
    if (!current) return
    const timer = setTimeout(() => {
      // Each wall opens on its own root: the region of the one before means nothing to it.
      const url = new URL(location.href)
      url.searchParams.delete('region')
      url.searchParams.delete('indicator')
      history.replaceState(history.state, '', url)
      const next = index + 1
      if (next % walls.length === 0) setRound((r) => r + 1)
      setIndex(next % walls.length)
    }, current.dwellSeconds * 1000)
    return () => clearTimeout(timer)
  }, [current, index, walls.length])

  if (state.kind !== 'ready' || !current)
    return (
      <div className="loading" data-testid="playlist-missing" data-state={state.kind}>
        {state.kind === 'loading' ? t('data.loading') : state.kind === 'error' ? t('error.load', { message: state.message }) : t('playlist.unknown', { id })}
      </div>
    )
  const position = index % walls.length
  return (
    <div data-testid="playlist" data-playlist={state.loaded.playlist.id} data-wall={current.wall.id} data-index={position}>
      <div className="playlist-progress" aria-live="polite">
        {t('playlist.progress', { index: position + 1, count: walls.length, title: name(state.loaded.playlist.title) })}
      </div>
      <WallView key={`${position}:${current.wall.id}`} wall={current.wall} tourSeconds={current.wall.tour.dwellSeconds} />
    </div>
  )
}
