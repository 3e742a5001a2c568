import express, { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import { putDocumentBodySchema, type DocumentHistoryReply, type PlaylistListReply, type WallListReply } from '../../common/api/walls-api'
import { codeSchema } from '../../common/catalog-schema'
import type { Versioned } from '../../common/wall-schema'
import { accountOf, requirePermission, scopeOf } from '../auth/http-auth'
import { ConflictError, DocumentNotFoundError, type DocumentStore } from '../walls/document-store'
import { DefinitionError, describeProblem, type Walls } from '../walls/walls'
import { ApiError } from './api-error'
import { parseQuery, requireJson, requireObject } from './validate'

/**
 * Walls and playlists over HTTP (contract: common/api/walls-api.ts).
 * Region-scoped: an account sees the walls whose root lies within its region
 * (and the walls for every region), and the playlists whose walls it sees;
 * another region's wall is not there for it (404). Changes are made by
 * admins (walls.write), signed with their name, checked against the catalog
 * and their region at save (400 naming each field), and optimistic: a save or
 * delete from a version that is no longer the newest is a 409 carrying the
 * newer one.
 */

/** A wall definition is a few KB; this leaves room and stops megabytes from being parsed. */
export const MAX_WALL_BODY_BYTES = 128 * 1024

const json = express.json({ limit: MAX_WALL_BODY_BYTES })
const deleteQuerySchema = z.strictObject({ version: z.coerce.number().int().min(1).optional() })

export function wallsRouter(walls: Walls): Router {
  const router = Router()

  router.get('/walls', (req, res) => {
    parseQuery(z.strictObject({}), req.query)
    const scope = scopeOf(res)
    const body: WallListReply = {
      walls: walls.visibleWalls(scope).map((w) => ({
        id: w.definition.id,
        title: w.definition.title,
        root: w.definition.root,
        columns: w.definition.columns.map((c) => c.domain),
        version: w.version,
        updated: w.updated,
        updatedBy: w.updatedBy,
      })),
      default: walls.defaultWall(scope),
    }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })
  documentRoutes(router, {
    what: 'wall',
    store: walls.walls,
    visible: (d, scope) => walls.wallVisible(d, scope),
    parse: (json, scope) => walls.parseWall(json, scope),
    parseStored: (json) => walls.parseStoredWall(json),
    outside: (id, scope) => `wall ${id} is rooted outside your region ${scope}`,
    // A wall a playlist shows is not deleted from under it.
    beforeDelete: (id) => {
      const using = walls.playlistsUsing(id)
      if (using.length > 0) throw new ApiError(409, 'in_use', `wall ${id} is shown by playlist${using.length > 1 ? 's' : ''} ${using.join(', ')}; take it out of them first`, { details: { playlists: using } })
    },
  })

  router.get('/playlists', (req, res) => {
    parseQuery(z.strictObject({}), req.query)
    const scope = scopeOf(res)
    const body: PlaylistListReply = {
      playlists: walls.playlists
        .list()
        .filter((p) => walls.playlistVisible(p.definition, scope))
        .map((p) => ({ id: p.definition.id, title: p.definition.title, walls: p.definition.entries.map((e) => e.wall), version: p.version, updated: p.updated, updatedBy: p.updatedBy })),
    }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })
  documentRoutes(router, {
    what: 'playlist',
    store: walls.playlists,
    visible: (d, scope) => walls.playlistVisible(d, scope),
    parse: (json, scope) => walls.parsePlaylist(json, scope),
    parseStored: (json) => walls.parseStoredPlaylist(json),
    outside: (id, scope) => `playlist ${id} shows walls outside your region ${scope}`,
  })
  return router
}

/** What one kind of document (walls, playlists) needs for its routes. */
interface DocumentKind<S extends z.ZodType<{ id: string }>> {
  what: 'wall' | 'playlist'
  store: DocumentStore<S>
  /** Whether an account of `scope` sees it. */
  visible(definition: z.output<S>, scope: string): boolean
  /** A definition sent for saving, checked against the catalog and the editor's region (throws DefinitionError). */
  parse(json: unknown, scope: string): z.output<S>
  /** A stored definition (from history), or null when it no longer fits. */
  parseStored(json: unknown): z.output<S> | null
  /** Why the stored one is not this account's to replace. */
  outside(id: string, scope: string): string
  /** Refuses a deletion (throws), e.g. of a wall in use. */
  beforeDelete?(id: string): void
}

/**
 * GET /:id, GET /:id/history, PUT /:id and DELETE /:id of one kind, scoped:
 * what an account may not see is a 404, what it may see but not replace a 403.
 */
function documentRoutes<S extends z.ZodType<{ id: string }>>(router: Router, kind: DocumentKind<S>): void {
  const base = `/${kind.what}s`
  const write = requirePermission('walls.write')
  const visibleOne = (req: Request, res: Response) => {
    const id = pathId(req, kind.what)
    const stored = kind.store.get(id)
    if (!stored || !kind.visible(stored.definition, scopeOf(res))) throw unknown(kind.what, id)
    return stored
  }

  router.get(`${base}/:id`, (req, res) => {
    res.setHeader('Cache-Control', 'no-cache')
    res.json(visibleOne(req, res))
  })

  router.get(`${base}/:id/history`, async (req, res) => {
    const id = pathId(req, kind.what)
    const changes = await kind.store.history(id)
    // A deleted one's history is seen by those its last definition was seen by.
    const last = kind.store.get(id)?.definition ?? lastDefinition(changes, kind.parseStored)
    if (changes.length === 0 || (last && !kind.visible(last, scopeOf(res)))) throw unknown(kind.what, id)
    const body: DocumentHistoryReply = { id, changes }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })

  router.put(`${base}/:id`, write, requireJson, json, async (req, res) => {
    const id = pathId(req, kind.what)
    const { definition, version } = parsePut(req.body, id)
    const scope = scopeOf(res)
    // The one replaced must be the editor's to replace, as must its replacement.
    const before = kind.store.get(id)
    if (before && !kind.visible(before.definition, scope)) throw new ApiError(403, 'outside_scope', kind.outside(id, scope))
    const parsed = parseDefinition(() => kind.parse(definition, scope))
    const { stored, created } = await kind.store.put(parsed, version, accountOf(res).name).catch(mapStoreError)
    res.status(created ? 201 : 200).json(stored)
  })

  router.delete(`${base}/:id`, write, async (req, res) => {
    const { version } = parseQuery(deleteQuerySchema, req.query)
    const id = visibleOne(req, res).definition.id
    kind.beforeDelete?.(id)
    const done = await kind.store.remove(id, version, accountOf(res).name).catch(mapStoreError)
    res.json({ id, deleted: true, version: done.version })
  })
}

/** The PUT body `{ definition, version? }`; the definition's id (`idField`) may be left out (the path names it). */
export function parsePut(raw: unknown, id: string, idField = 'id'): { definition: Record<string, unknown>; version: number | undefined } {
  const parsed = putDocumentBodySchema.safeParse(requireObject(raw))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ path: [...i.path, ...(i.code === 'unrecognized_keys' ? i.keys : [])].map(String), message: i.code === 'unrecognized_keys' ? 'unknown field (the body is { definition, version? })' : i.message }))
    throw new ApiError(400, 'bad_body', problems.map(describeProblem).join('; '), { details: { problems } })
  }
  const definition = requireObject(parsed.data.definition ?? null)
  if (definition[idField] === undefined) definition[idField] = id
  else if (definition[idField] !== id) {
    const problems = [{ path: ['definition', idField], message: `the body's ${idField} ${JSON.stringify(definition[idField])} does not match the path's ${JSON.stringify(id)}` }]
    throw new ApiError(400, 'bad_body', problems.map(describeProblem).join('; '), { details: { problems } })
  }
  return { definition, version: parsed.data.version }
}

/** A definition's problems as a 400 naming each field (`invalid_definition`, details.problems). */
export function parseDefinition<T>(parse: () => T): T {
  try {
    return parse()
  } catch (err) {
    if (err instanceof DefinitionError) throw new ApiError(400, 'invalid_definition', err.message, { details: { problems: err.problems } })
    throw err
  }
}

/** A stored document's refusals as replies: 409 with the newer version, 404. */
export function mapStoreError(err: unknown): never {
  if (err instanceof ConflictError) throw new ApiError(409, 'conflict', err.message, { details: { current: (err.current as Versioned<unknown> | null) ?? null } })
  if (err instanceof DocumentNotFoundError) throw new ApiError(404, 'not_found', `no ${err.id}`)
  throw err
}

/** A path id no definition can have is answered like an id none has. */
function pathId(req: Request, what: 'wall' | 'playlist'): string {
  const id = req.params.id
  if (typeof id !== 'string' || !codeSchema.safeParse(id).success) throw unknown(what, String(id))
  return id
}

function unknown(what: 'wall' | 'playlist', id: string): ApiError {
  const shown = id.length > 64 ? `${id.slice(0, 64)}…` : id
  return new ApiError(404, `unknown_${what}`, `no ${what} ${shown} (GET /api/${what}s lists them)`)
}

/** The definition before a deletion, from the newest history entries. */
function lastDefinition<T>(changes: DocumentHistoryReply['changes'], parse: (json: unknown) => T | null): T | null {
  for (const c of changes) {
    const d = parse(c.after ?? c.before)
    if (d) return d
  }
  return null
}

