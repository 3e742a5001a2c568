import { useCallback, useEffect, useState } from 'react'
import { z } from 'zod'
import {
  conflictDetailsSchema,
  playlistListReplySchema,
  playlistReplySchema,
  problemDetailsSchema,
  wallListReplySchema,
  wallReplySchema,
  type PlaylistListReply,
  type WallListReply,
} from '../../../common/api/walls-api'
import { playlistSchema, type FieldProblem, type Playlist } from '../../../common/wall-schema'
import { ApiRequestError, deleteJson, getJson, putJson } from '../api/http'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { navigate } from '../navigation'
import { FormMessages } from './admin-controls'
import { DocumentHistory } from './document-history'
import { serverError } from './form-errors'
import { blankWall, WallEditor, type WallDraft } from './wall-editor'
import { describeFieldProblem, issueProblem, moved } from './wall-fields'

/**
 * Walls and playlists (/admin/walls): the walls the admin may see, to open,
 * edit, create and delete, and the playlists that rotate them in briefing
 * rooms. Each change is made with the version it started from (a newer one
 * someone else saved is said, not overwritten).
 */

const deletedReplySchema = z.object({ id: z.string(), deleted: z.literal(true), version: z.number() })

export function WallsAdmin() {
  const { t, name, lang } = useI18n()
  const catalog = useCatalog()
  const [walls, setWalls] = useState<WallListReply['walls'] | null>(null)
  const [playlists, setPlaylists] = useState<PlaylistListReply['playlists'] | null>(null)
  const [draft, setDraft] = useState<WallDraft | null>(null)
  const [playlist, setPlaylist] = useState<{ definition: Playlist; version: number | undefined } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)

  const load = useCallback(() => {
    getJson('/api/walls', wallListReplySchema).then((r) => setWalls(r.walls), (e: unknown) => setError(serverError(e, t)))
    getJson('/api/playlists', playlistListReplySchema).then((r) => setPlaylists(r.playlists), (e: unknown) => setError(serverError(e, t)))
  }, [t])
  useEffect(load, [load])

  const time = (ms: number) => new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' })
  const edit = (id: string) =>
    getJson(`/api/walls/${encodeURIComponent(id)}`, wallReplySchema).then(
      (r) => setDraft({ wall: r.definition, version: r.version }),
      (e: unknown) => setError(serverError(e, t)),
    )
  const remove = (id: string, title: string, version: number) => {
    if (!confirm(t('wallEdit.deleteConfirm', { title }))) return
    deleteJson(`/api/walls/${encodeURIComponent(id)}?version=${version}`, deletedReplySchema).then(
      () => {
        setDone(t('wallEdit.deleted', { id }))
        load()
      },
      (e: unknown) => {
        const using = e instanceof ApiRequestError && e.code === 'in_use' ? z.object({ playlists: z.array(z.string()) }).safeParse(e.details) : null
        setError(using?.success ? t('wallEdit.inUse', { playlists: using.data.playlists.join('、') }) : serverError(e, t))
      },
    )
  }
  const finished = (message: string | null) => {
    setDraft(null)
    setPlaylist(null)
    setDone(message)
    setError(null)
    load()
  }

  if (draft) return <WallEditor draft={draft} onDone={finished} />
  if (playlist) return <PlaylistEditor start={playlist} walls={walls ?? []} onDone={finished} />

  const unusedId = (prefix: string, taken: readonly string[]) => {
    for (let n = 1; ; n++) if (!taken.includes(`${prefix}-${n}`)) return `${prefix}-${n}`
  }
  return (
    <>
      {(error || done) && (
        <section className="admin-section">
          <FormMessages error={error} done={done} />
        </section>
      )}
      <section className="admin-section" data-testid="walls-list">
        <div className="wall-edit-bar">
          <h2>{t('wallEdit.walls')}</h2>
          <button type="button" className="primary" data-testid="wall-new" onClick={() => setDraft({ wall: blankWall(catalog, unusedId('wall', (walls ?? []).map((w) => w.id))), version: undefined })}>
            ＋ {t('wallEdit.new')}
          </button>
        </div>
        {walls && walls.length === 0 && <p className="muted">{t('wallEdit.none')}</p>}
        {walls && walls.length > 0 && (
          <table className="admin-table">
            <thead>
              <tr>
                <th>{t('wallEdit.col.title')}</th>
                <th>{t('wallEdit.col.root')}</th>
                <th>{t('wallEdit.col.columns')}</th>
                <th>{t('wallEdit.col.version')}</th>
                <th>{t('wallEdit.col.updated')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {walls.map((w) => (
                <tr key={w.id} data-testid="wall-row" data-wall={w.id}>
                  <td>
                    {name(w.title)} <span className="muted">{w.id}</span>
                  </td>
                  <td>{w.root === null ? t('wallEdit.ownRegion') : name(catalog.region(w.root)?.name) || w.root}</td>
                  <td>{w.columns.map((d) => name(catalog.domain(d)?.name) || d).join('、')}</td>
                  <td>v{w.version}</td>
                  <td>
                    {time(w.updated)} · {w.updatedBy}
                  </td>
                  <td className="wall-edit-actions">
                    <a href={`/wall/${encodeURIComponent(w.id)}`} onClick={(e) => (e.preventDefault(), navigate(`/wall/${encodeURIComponent(w.id)}`))}>
                      {t('wallEdit.open')}
                    </a>
                    <button type="button" data-testid="wall-edit" onClick={() => void edit(w.id)}>
                      {t('wallEdit.edit')}
                    </button>
                    <button type="button" data-testid="wall-delete" onClick={() => remove(w.id, name(w.title), w.version)}>
                      {t('wallEdit.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="admin-section" data-testid="playlists-list">
        <div className="wall-edit-bar">
          <h2>{t('wallEdit.playlists')}</h2>
          <button
            type="button"
            data-testid="playlist-new"
            disabled={!walls || walls.length === 0}
            onClick={() =>
              setPlaylist({
                definition: { id: unusedId('playlist', (playlists ?? []).map((p) => p.id)), title: { zh: '新轮播', en: 'New playlist' }, entries: (walls ?? []).slice(0, 2).map((w) => ({ wall: w.id, dwellSeconds: 60 })) },
                version: undefined,
              })
            }
          >
            ＋ {t('wallEdit.newPlaylist')}
          </button>
        </div>
        {playlists && playlists.length === 0 && <p className="muted">{t('wallEdit.noPlaylists')}</p>}
        {playlists && playlists.length > 0 && (
          <table className="admin-table">
            <tbody>
              {playlists.map((p) => (
                <tr key={p.id} data-testid="playlist-row" data-playlist={p.id}>
                  <td>
                    {name(p.title)} <span className="muted">{p.id}</span>
                  </td>
                  <td>{p.walls.join(' → ')}</td>
                  <td>v{p.version}</td>
                  <td className="wall-edit-actions">
                    <a href={`/playlist/${encodeURIComponent(p.id)}`} onClick={(e) => (e.preventDefault(), navigate(`/playlist/${encodeURIComponent(p.id)}`))}>
                      {t('wallEdit.open')}
                    </a>
                    <button
                      type="button"
                      onClick={() =>
                        void getJson(`/api/playlists/${encodeURIComponent(p.id)}`, playlistReplySchema).then(
                          (r) => setPlaylist({ definition: r.definition, version: r.version }),
                          (e: unknown) => setError(serverError(e, t)),
                        )
                      }
                    >
                      {t('wallEdit.edit')}
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        confirm(t('wallEdit.deleteConfirm', { title: name(p.title) })) &&
                        void deleteJson(`/api/playlists/${encodeURIComponent(p.id)}?version=${p.version}`, deletedReplySchema).then(
                          () => finished(t('wallEdit.deleted', { id: p.id })),
                          (e: unknown) => setError(serverError(e, t)),
                        )
                      }
                    >
                      {t('wallEdit.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}

/** A playlist as a form: its title and its walls in order, each with its dwell. */
function PlaylistEditor({ start, walls, onDone }: { start: { definition: Playlist; version: number | undefined }; walls: WallListReply['walls']; onDone(message: string | null): void }) {
  const { t, name } = useI18n()
  const [playlist, setPlaylist] = useState(start.definition)
  const [version, setVersion] = useState(start.version)
  const [problems, setProblems] = useState<FieldProblem[]>([])
  const [error, setError] = useState<string | null>(null)
  /** A newer version someone else saved, to take or to overwrite. */
  const [newer, setNewer] = useState<{ definition: Playlist | null; version: number } | null>(null)
  const isNew = start.version === undefined
  const edit = (change: (p: Playlist) => void) => {
    setPlaylist((p) => {
      const copy = structuredClone(p)
      change(copy)
      return copy
    })
    setProblems([])
  }
  const save = (base = version) => {
    const parsed = playlistSchema.safeParse(playlist)
    if (!parsed.success) {
      setProblems(parsed.error.issues.map(issueProblem))
      return
    }
    putJson(`/api/playlists/${encodeURIComponent(playlist.id)}`, { definition: parsed.data, version: base }, playlistReplySchema).then(
      (r) => onDone(t('wallEdit.published', { id: r.definition.id, version: r.version })),
      (e: unknown) => {
        if (e instanceof ApiRequestError && e.status === 409) {
          const current = conflictDetailsSchema.safeParse(e.details)
          const theirs = current.success ? current.data.current : null
          setError(theirs ? t('wallEdit.conflict', { who: theirs.updatedBy, when: new Date(theirs.updated).toLocaleString(), version: theirs.version, base: version ?? 0 }) : t('wallEdit.conflictDeleted'))
          if (theirs) setNewer({ definition: playlistSchema.safeParse(theirs.definition).data ?? null, version: theirs.version })
          return
        }
        const details = problemDetailsSchema.safeParse(e instanceof ApiRequestError ? e.details : null)
        if (details.success) setProblems(details.data.problems)
        setError(serverError(e, t))
      },
    )
  }
  return (
    <section className="admin-section" data-testid="playlist-editor">
      <div className="wall-edit-bar">
        <button type="button" onClick={() => onDone(null)}>
          ‹ {t('wallEdit.back')}
        </button>
        <h2>{name(playlist.title) || playlist.id}</h2>
        <button type="button" className="primary" data-testid="playlist-save" onClick={() => save()}>
          {t('wallEdit.publish')}
        </button>
      </div>
      {problems.length > 0 && (
        <ul className="admin-error" role="alert" data-testid="wall-problems">
          {problems.map((p) => (
            <li key={p.path.join('.') + p.message}>{describeFieldProblem(p, t)}</li>
          ))}
        </ul>
      )}
      {error && (
        <p className="admin-error" role="alert" data-testid="form-error">
          {error}
        </p>
      )}
      {newer && (
        <div className="admin-warn" data-testid="playlist-conflict">
          {newer.definition && (
            <button
              type="button"
              onClick={() => {
                setPlaylist(newer.definition!)
                setVersion(newer.version)
                setNewer(null)
                setError(null)
              }}
            >
              {t('wallEdit.takeTheirs')}
            </button>
          )}
          <button
            type="button"
            onClick={() => {
              setVersion(newer.version)
              setNewer(null)
              setError(null)
              save(newer.version)
            }}
          >
            {t('wallEdit.keepMine')}
          </button>
        </div>
      )}
      <div className="admin-form">
        <label className="wall-edit-field">
          <span>{t('wallEdit.field.id')}</span>
          <input name="playlist-id" value={playlist.id} disabled={!isNew} onChange={(e) => edit((p) => void (p.id = e.target.value.trim()))} />
        </label>
        <label className="wall-edit-field">
          <span>{t('wallEdit.field.titleZh')}</span>
          <input name="playlist-title-zh" value={playlist.title.zh} onChange={(e) => edit((p) => void (p.title.zh = e.target.value))} />
        </label>
        <label className="wall-edit-field">
          <span>{t('wallEdit.field.titleEn')}</span>
          <input name="playlist-title-en" value={playlist.title.en} onChange={(e) => edit((p) => void (p.title.en = e.target.value))} />
        </label>
      </div>
      <ol className="wall-edit-steps">
        {playlist.entries.map((entry, i) => (
          <li key={i} data-testid="playlist-entry">
            <select name={`entry-${i}-wall`} aria-label={t('wallEdit.field.entry', { n: i + 1 })} value={entry.wall} onChange={(e) => edit((p) => void (p.entries[i]!.wall = e.target.value))}>
              {walls.map((w) => (
                <option key={w.id} value={w.id}>
                  {name(w.title)}
                </option>
              ))}
            </select>
            <label>
              {t('wallEdit.field.dwell')}{' '}
              <input name={`entry-${i}-dwell`} type="number" min={10} value={entry.dwellSeconds} onChange={(e) => edit((p) => void (p.entries[i]!.dwellSeconds = Number(e.target.value)))} />
            </label>
            <button type="button" aria-label={`${t('wallEdit.field.entry', { n: i + 1 })} ${t('wallEdit.up')}`} disabled={i === 0} onClick={() => edit((p) => void (p.entries = moved(p.entries, i, -1)))}>
              ▲
            </button>
            <button type="button" aria-label={`${t('wallEdit.field.entry', { n: i + 1 })} ${t('wallEdit.down')}`} disabled={i === playlist.entries.length - 1} onClick={() => edit((p) => void (p.entries = moved(p.entries, i, 1)))}>
              ▼
            </button>
            <button type="button" aria-label={`${t('wallEdit.field.entry', { n: i + 1 })} ${t('wallEdit.remove')}`} onClick={() => edit((p) => void p.entries.splice(i, 1))}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      <button type="button" disabled={walls.length === 0} onClick={() => edit((p) => void p.entries.push({ wall: walls[0]!.id, dwellSeconds: 60 }))}>
        ＋ {t('wallEdit.addEntry')}
      </button>
      {!isNew && <DocumentHistory url={`/api/playlists/${encodeURIComponent(playlist.id)}/history`} version={version} />}
    </section>
  )
}
