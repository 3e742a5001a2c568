import type { z } from 'zod'
import type { DocumentChange } from '../../common/api/walls-api'
import type { Versioned } from '../../common/wall-schema'
import type { Logger } from '../logger'

/**
 * Definitions kept as versioned documents with their history: walls and
 * playlists (`kind`), each an append-only log of changes (who, when, before,
 * after) whose newest entry per id is the current definition or its
 * deletion. The log is the record; it is written before a call returns, so
 * an accepted save survives a crash. Saves are optimistic: an edit names
 * the version it started from, and a save on top of a newer one is refused
 * with that newer one (ConflictError), so two editors never overwrite each
 * other silently. The ClickHouse adapter is server/storage/document-tables.ts.
 */

export type DocumentAction = DocumentChange['action']

/** One entry of the log. `before`/`after` are JSON text, null when there was none. */
export interface DocumentRecord {
  kind: string
  id: string
  version: number
  at: number
  actor: string
  action: DocumentAction
  before: string | null
  after: string | null
}

/** Where the log is kept. Methods throw when storage fails. */
export interface DocumentRecords {
  /** The newest entry of every id of `kind` ever written. */
  latest(kind: string): Promise<DocumentRecord[]>
  append(record: DocumentRecord): Promise<void>
  /** An id's entries, newest first, at most `limit`. */
  history(kind: string, id: string, limit: number): Promise<DocumentRecord[]>
}

/** A save or delete that started from a version that is no longer the newest. */
export class ConflictError<T> extends Error {
  override readonly name = 'ConflictError'
  constructor(
    readonly id: string,
    readonly current: Versioned<T> | null,
    message: string,
  ) {
    super(message)
  }
}

export class DocumentNotFoundError extends Error {
  override readonly name = 'DocumentNotFoundError'
  constructor(readonly id: string) {
    super(`no ${id}`)
  }
}

/** History entries one read returns. */
export const MAX_DOCUMENT_HISTORY = 500

export interface DocumentStoreOptions<S extends z.ZodType> {
  kind: string
  schema: S
  /** A definition's id. @default its `id` field */
  idOf?: (definition: z.output<S>) => string
  records: DocumentRecords
  log: Logger
  now?: () => number
}

export class DocumentStore<S extends z.ZodType> {
  private readonly current = new Map<string, Versioned<z.output<S>>>()
  /** The newest version of every id ever written, deleted ones included: versions only grow. */
  private readonly versions = new Map<string, number>()
  private tail: Promise<unknown> = Promise.resolve()
  private readonly now: () => number

  private readonly idOf: (definition: z.output<S>) => string

  constructor(private readonly options: DocumentStoreOptions<S>) {
    this.now = options.now ?? Date.now
    this.idOf = options.idOf ?? ((d) => (d as { id: string }).id)
  }

  get kind(): string {
    return this.options.kind
  }

  /** Reads the current definitions. One that no longer fits the schema is left out, and said. */
  async load(): Promise<{ documents: number; unreadable: string[] }> {
    this.current.clear()
    this.versions.clear()
    const unreadable: string[] = []
    for (const row of await this.options.records.latest(this.options.kind)) {
      this.versions.set(row.id, row.version)
      if (row.after === null) continue
      const parsed = this.parseStored(row.after)
      if (!parsed) {
        unreadable.push(row.id)
        this.options.log.warn({ kind: this.options.kind, id: row.id, version: row.version }, 'a stored definition no longer fits its schema; it is not loaded')
        continue
      }
      this.current.set(row.id, { definition: parsed, version: row.version, updated: row.at, updatedBy: row.actor })
    }
    return { documents: this.current.size, unreadable }
  }

  list(): Array<Versioned<z.output<S>>> {
    return [...this.current.values()].sort((a, b) => this.idOf(a.definition).localeCompare(this.idOf(b.definition)))
  }

  get(id: string): Versioned<z.output<S>> | undefined {
    return this.current.get(id)
  }

  /** Whether the id was ever written (a deleted one too): provisioning does not bring a deleted one back. */
  everStored(id: string): boolean {
    return this.versions.has(id)
  }

  /**
   * Stores a definition (already validated by the caller). `baseVersion` is
   * the version the edit started from: undefined creates, and is refused when
   * the id exists; a version other than the newest is refused. Either refusal
   * is a ConflictError carrying what is stored now.
   */
  put(definition: z.output<S>, baseVersion: number | undefined, actor: string): Promise<{ stored: Versioned<z.output<S>>; created: boolean }> {
    return this.serially(async () => {
      const id = this.idOf(definition)
      const now = this.current.get(id) ?? null
      this.checkBase(id, now, baseVersion)
      const version = (this.versions.get(id) ?? 0) + 1
      const at = this.now()
      await this.options.records.append({
        kind: this.options.kind,
        id,
        version,
        at,
        actor,
        action: now ? 'updated' : 'created',
        before: now ? JSON.stringify(now.definition) : null,
        after: JSON.stringify(definition),
      })
      const stored = { definition, version, updated: at, updatedBy: actor }
      this.versions.set(id, version)
      this.current.set(id, stored)
      return { stored, created: now === null }
    })
  }

  /** Deletes a definition; `baseVersion` as for put (undefined: whatever is there). */
  remove(id: string, baseVersion: number | undefined, actor: string): Promise<{ version: number }> {
    return this.serially(async () => {
      const now = this.current.get(id)
      if (!now) throw new DocumentNotFoundError(id)
      if (baseVersion !== undefined) this.checkBase(id, now, baseVersion)
      const version = (this.versions.get(id) ?? 0) + 1
      await this.options.records.append({
        kind: this.options.kind,
        id,
        version,
        at: this.now(),
        actor,
        action: 'deleted',
        before: JSON.stringify(now.definition),
        after: null,
      })
      this.versions.set(id, version)
      this.current.delete(id)
      return { version }
    })
  }

  async history(id: string): Promise<DocumentChange[]> {
    const rows = await this.options.records.history(this.options.kind, id, MAX_DOCUMENT_HISTORY)
    return rows.map((r) => ({ version: r.version, at: r.at, actor: r.actor, action: r.action, before: parseJson(r.before), after: parseJson(r.after) }))
  }

  private checkBase(id: string, now: Versioned<z.output<S>> | null, baseVersion: number | undefined): void {
    if (baseVersion === undefined) {
      if (now) throw new ConflictError(id, now, `${id} already exists (version ${now.version}); send the version your edit started from, or choose another id`)
      return
    }
    if (!now) throw new ConflictError(id, null, `${id} was deleted since version ${baseVersion}; save it without a version to create it again`)
    if (now.version !== baseVersion)
      throw new ConflictError(id, now, `${id} was changed by ${now.updatedBy} since version ${baseVersion} (now version ${now.version}); merge your edit into it and save again`)
  }

  private parseStored(text: string): z.output<S> | null {
    const parsed = this.options.schema.safeParse(parseJson(text))
    return parsed.success ? parsed.data : null
  }

  /** One change at a time, so a version check and its write cannot interleave with another's. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work)
    this.tail = run.catch(() => {})
    return run
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}
