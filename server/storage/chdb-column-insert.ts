import { createRequire } from 'node:module'
import type { ArrowColumn } from './arrow-columns'

/**
 * Inserts by column into the embedded engine: the columns are registered with
 * chDB as an `arrowstream('<name>')` table, read in place by an
 * `INSERT … SELECT`, and unregistered. chdb-node's public `registerArrowTable`
 * encodes text with a Buffer per row and binds to the process's default
 * connection, so we use the binding beneath it (`_arrowRegisterColumns`, the
 * Arrow C Data Interface) on a session of our own at the data directory.
 * Same-directory sessions share the one in-process engine and its data.
 *
 * That binding is not in chdb-node's typed surface: `openColumnInsert` checks
 * it is there and returns null if not, and storage then inserts text as before.
 */

/** The part of chdb-node this needs (checked at run time, not trusted). */
export interface ChdbModule {
  Session: new (path: string) => ChdbSession
  _arrowRegisterColumns: (connection: unknown, name: string, columns: readonly ArrowColumn[]) => void
  _arrowUnregister: (connection: unknown, name: string) => void
}
interface ChdbSession {
  readonly connection: unknown
  queryAsync(sql: string, opts?: { format?: string }): Promise<unknown>
  close(): void
}

export interface ColumnInsert {
  /**
   * INSERT INTO `table` (`columns`) SELECT `select` FROM the registered data:
   * `select` are expressions over the data's column names, one per target column.
   * Table, column and expression text come from our code, never from input.
   */
  insert(table: string, columns: readonly string[], select: readonly string[], data: readonly ArrowColumn[]): Promise<void>
  close(): void
}

function loadChdb(): Partial<ChdbModule> {
  return createRequire(import.meta.url)('chdb') as Partial<ChdbModule>
}

/** The module if it has what column inserts need, else null. */
function usable(mod: Partial<ChdbModule>): ChdbModule | null {
  const ok = typeof mod.Session === 'function' && typeof mod._arrowRegisterColumns === 'function' && typeof mod._arrowUnregister === 'function'
  return ok ? (mod as ChdbModule) : null
}

/** Each registration needs a name of its own while it lives; inserts overlap. */
let registrations = 0

export function openColumnInsert(dataDir: string, mod: Partial<ChdbModule> = loadChdb()): ColumnInsert | null {
  const chdb = usable(mod)
  if (!chdb) return null
  const session = new chdb.Session(dataDir)
  return {
    async insert(table, columns, select, data) {
      if (select.length !== columns.length) throw new Error(`insert into ${table}: ${select.length} expressions for ${columns.length} columns`)
      const rows = data[0]?.length ?? 0
      const uneven = data.find((c) => c.length !== rows)
      if (uneven) throw new Error(`insert into ${table}: column ${uneven.name} has ${uneven.length} rows, not ${rows}`)
      if (rows === 0) return
      const name = `onescreen_insert_${++registrations}`
      chdb._arrowRegisterColumns(session.connection, name, data)
      try {
        await session.queryAsync(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${select.join(', ')} FROM arrowstream('${name}')`)
      } finally {
        chdb._arrowUnregister(session.connection, name)
      }
    },
    close: () => session.close(),
  }
}
