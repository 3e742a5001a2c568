import fs from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import type { CatalogIndex } from '../../common/catalog-index'
import { playlistSchema, wallProblems, wallSchema, wallUses, type FieldProblem, type Playlist, type Versioned, type Wall } from '../../common/wall-schema'
import { zodProblems } from '../../common/zod-problems'
import type { Logger } from '../logger'
import { DocumentStore, type DocumentRecords } from './document-store'

/**
 * Walls and playlists: their stores, their checks against the catalog and an
 * account's region, and provisioning from files.
 *
 * Provisioning (as Grafana provisions dashboards): every `*.json` of
 * `<catalogDir>/walls` and `<catalogDir>/playlists` is a definition, stored on
 * a start when its id has never been stored. An edit made in the console is
 * never overwritten by the file, and a wall deleted there does not return.
 *
 * The catalog is data too (files); a start whose catalog no longer has an
 * indicator or a domain that a stored wall uses stops, naming the walls, so
 * removing one that is in use is refused rather than breaking a wall on a
 * screen (`catalogRefusals`).
 */

export const WALLS_DIR = 'walls'
export const PLAYLISTS_DIR = 'playlists'
/** Who provisioned definitions were written by, in their history. */
export const PROVISIONING_ACTOR = 'provisioning'

export type WallStore = DocumentStore<typeof wallSchema>
export type PlaylistStore = DocumentStore<typeof playlistSchema>

/** A definition refused, with each problem naming its field. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError'
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map(describeProblem).join('; '))
  }
}

export function describeProblem(p: FieldProblem): string {
  return p.path.length === 0 ? p.message : `${p.path.map(String).join('.')}: ${p.message}`
}

export class Walls {
  readonly walls: WallStore
  readonly playlists: PlaylistStore

  constructor(
    private readonly index: CatalogIndex,
    records: DocumentRecords,
    private readonly log: Logger,
    now?: () => number,
  ) {
    this.walls = new DocumentStore({ kind: 'wall', schema: wallSchema, records, log, now })
    this.playlists = new DocumentStore({ kind: 'playlist', schema: playlistSchema, records, log, now })
  }

  /**
   * Loads what is stored, provisions the files' definitions never stored,
   * and checks every wall against the catalog: a catalog that lost what a
   * wall uses stops the start with the walls named.
   */
  async load(catalogDir: string): Promise<{ walls: number; playlists: number; provisioned: string[] }> {
    await this.walls.load()
    await this.playlists.load()
    const provisioned: string[] = []
    for (const wall of readDefinitions(path.join(catalogDir, WALLS_DIR), wallSchema, 'wall')) {
      if (this.walls.everStored(wall.id)) continue
      const problems = wallProblems(wall, this.index, null)
      if (problems.length > 0) throw new Error(`wall file ${wall.id}.json: ${problems.map(describeProblem).join('; ')}`)
      await this.walls.put(wall, undefined, PROVISIONING_ACTOR)
      provisioned.push(`wall ${wall.id}`)
    }
    for (const playlist of readDefinitions(path.join(catalogDir, PLAYLISTS_DIR), playlistSchema, 'playlist')) {
      if (this.playlists.everStored(playlist.id)) continue
      const problems = this.playlistProblems(playlist, null)
      if (problems.length > 0) throw new Error(`playlist file ${playlist.id}.json: ${problems.map(describeProblem).join('; ')}`)
      await this.playlists.put(playlist, undefined, PROVISIONING_ACTOR)
      provisioned.push(`playlist ${playlist.id}`)
    }
    const refusals = catalogRefusals(this.walls.list().map((w) => w.definition), this.index)
    if (refusals.length > 0)
      throw new Error(
        `the catalog no longer has what stored walls use: ${refusals.join('; ')}. Put the entries back in the catalog files, or (with them back) edit or delete those walls at /admin/walls first`,
      )
    if (provisioned.length > 0) this.log.info({ provisioned }, 'walls and playlists provisioned from files')
    return { walls: this.walls.list().length, playlists: this.playlists.list().length, provisioned }
  }

  /** Parses a wall sent for saving, and checks it against the catalog and the editor's region. */
  parseWall(json: unknown, scope: string): Wall {
    const parsed = wallSchema.safeParse(json, { reportInput: true })
    if (!parsed.success) throw new DefinitionError(issuesToProblems(parsed.error))
    const problems = wallProblems(parsed.data, this.index, scope)
    if (problems.length > 0) throw new DefinitionError(problems)
    return parsed.data
  }

  parsePlaylist(json: unknown, scope: string): Playlist {
    const parsed = playlistSchema.safeParse(json, { reportInput: true })
    if (!parsed.success) throw new DefinitionError(issuesToProblems(parsed.error))
    const problems = this.playlistProblems(parsed.data, scope)
    if (problems.length > 0) throw new DefinitionError(problems)
    return parsed.data
  }

  /** A stored wall's JSON as a wall, or null when it no longer fits the schema. */
  parseStoredWall(json: unknown): Wall | null {
    const parsed = wallSchema.safeParse(json)
    return parsed.success ? parsed.data : null
  }

  /** A stored playlist's JSON as a playlist, or null when it no longer fits the schema. */
  parseStoredPlaylist(json: unknown): Playlist | null {
    const parsed = playlistSchema.safeParse(json)
    return parsed.success ? parsed.data : null
  }

  /** A wall is seen by an account when its root lies within the account's region (a wall for every region always). */
  wallVisible(wall: Wall, scope: string): boolean {
    return wall.root === null || this.index.tree.isWithin(wall.root, scope)
  }

  /** A playlist is seen when every wall in it is. */
  playlistVisible(playlist: Playlist, scope: string): boolean {
    return playlist.entries.every((e) => {
      const wall = this.walls.get(e.wall)
      return wall !== undefined && this.wallVisible(wall.definition, scope)
    })
  }

  visibleWalls(scope: string): Array<Versioned<Wall>> {
    return this.walls.list().filter((w) => this.wallVisible(w.definition, scope))
  }

  /**
   * The wall `/` shows an account: the one rooted at its own region, else
   * the nearest one rooted above it within its scope (none can be: scope),
   * else one for every region (root null), else the first it may see.
   */
  defaultWall(scope: string): string | null {
    const visible = this.visibleWalls(scope)
    return (visible.find((w) => w.definition.root === scope) ?? visible.find((w) => w.definition.root === null) ?? visible[0])?.definition.id ?? null
  }

  /** The playlists that show a wall (a wall in one is not deleted from under it). */
  playlistsUsing(wall: string): string[] {
    return this.playlists
      .list()
      .filter((p) => p.definition.entries.some((e) => e.wall === wall))
      .map((p) => p.definition.id)
  }

  private playlistProblems(playlist: Playlist, scope: string | null): FieldProblem[] {
    const out: FieldProblem[] = []
    playlist.entries.forEach((e, i) => {
      const wall = this.walls.get(e.wall)
      if (!wall) out.push({ path: ['entries', i, 'wall'], message: `there is no wall ${e.wall}`, code: 'unknown_wall', params: { wall: e.wall } })
      else if (scope !== null && !this.wallVisible(wall.definition, scope))
        out.push({ path: ['entries', i, 'wall'], message: `wall ${e.wall} lies outside your region ${scope}`, code: 'wall_outside_scope', params: { wall: e.wall, scope } })
    })
    return out
  }
}

/**
 * What the stored walls use that the catalog lacks: one line per missing
 * indicator or domain, with the walls (and the field) that use it.
 */
export function catalogRefusals(walls: readonly Wall[], index: CatalogIndex): string[] {
  const missing = new Map<string, string[]>()
  for (const wall of walls) {
    const { indicators, domains } = wallUses(wall)
    for (const [code, where] of domains) if (!index.domain(code)) push(missing, `domain ${code}`, `${wall.id} (${where})`)
    for (const [code, where] of indicators) if (!index.indicator(code)) push(missing, `indicator ${code}`, `${wall.id} (${where})`)
  }
  return [...missing].map(([what, walls]) => `${what} is used by wall${walls.length > 1 ? 's' : ''} ${walls.join(', ')}`)
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function issuesToProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue, i) => {
    const [text] = zodProblems([issue], { reportInput: true })
    const where = issue.path.map(String).join('.')
    // zodProblems says "path: message"; the path is kept apart so a form can place it.
    const message = where && text?.startsWith(where) ? text.slice(where.length).replace(/^: /, '').trim() : (text ?? `problem ${i + 1}`)
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path
    const params = issueParams(issue)
    return {
      path: path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: issue.code === 'unrecognized_keys' ? 'unknown field' : message,
      ...params,
    }
  })
}

/** A zod issue's kind and bounds, for a form to say it in its own language. */
function issueParams(issue: z.core.$ZodIssue): Pick<FieldProblem, 'code' | 'params'> {
  switch (issue.code) {
    case 'custom': {
      const p = (issue.params ?? {}) as Record<string, string | number>
      return typeof p.code === 'string' ? { code: p.code, params: p } : {}
    }
    case 'too_small':
      return { code: 'too_small', params: { minimum: Number(issue.minimum) } }
    case 'too_big':
      return { code: 'too_big', params: { maximum: Number(issue.maximum) } }
    case 'unrecognized_keys':
      return { code: 'unknown_field' }
    case 'invalid_type':
      return { code: issue.input === undefined ? 'required' : 'invalid_type' }
    default:
      return { code: issue.code }
  }
}

/** Every `*.json` of a directory, parsed; a bad file stops the start with its name and field. None when the directory is absent. */
function readDefinitions<S extends z.ZodType<{ id: string }>>(dir: string, schema: S, what: string): Array<z.output<S>> {
  if (!fs.existsSync(dir)) return []
  const out: Array<z.output<S>> = []
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = path.join(dir, name)
    let json: unknown
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'))
    } catch (err) {
      throw new Error(`${what} file ${file}: not readable JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    const parsed = schema.safeParse(json, { reportInput: true })
    if (!parsed.success) throw new Error(`${what} file ${file}: ${zodProblems(parsed.error.issues, { reportInput: true, root: what }).slice(0, 5).join('; ')}`)
    out.push(parsed.data)
  }
  return out
}
