import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import fs from 'node:fs'
import { Readable } from 'node:stream'
import type { Config } from '../config'
import type { ArrowColumn } from './arrow-columns'
import { openColumnInsert } from './chdb-column-insert'

export type StorageMode = 'embedded' | 'remote'

/** Text formats rows are inserted in: TSV (our encoding), JSONEachRow (a producer's NDJSON as it came). */
export type TextFormat = 'TabSeparated' | 'JSONEachRow'

/**
 * The one way the server reaches ClickHouse: `@clickhouse/client` either on the
 * in-process chDB engine (default) or on a server over HTTP. Everything above
 * this sees the same client and the same SQL.
 */
export interface StorageClient {
  readonly client: ClickHouseClient
  readonly mode: StorageMode
  readonly database: string
  /**
   * Inserts rows as text (TabSeparated unless told). On the embedded engine the
   * text is handed to the engine as one buffer (chDB's raw insert), where the
   * client's stream would copy it three times; on a server it is the client's
   * ordinary insert, and the hot path of ingest.
   */
  insertText(table: string, columns: readonly string[], body: Buffer, format?: TextFormat): Promise<void>
  /**
   * Inserts columns the engine reads in place, with no text to parse: about
   * four times cheaper for the engine than TSV. Embedded engine only (absent on
   * a server, where TSV over HTTP is the way in). `select` gives, for each of
   * the table's `columns`, an expression over the data's column names.
   */
  insertColumns?(table: string, columns: readonly string[], select: readonly string[], data: readonly ArrowColumn[]): Promise<void>
  close(): Promise<void>
}

/**
 * Settings every connection uses. Inserts wait for materialized views and, on a
 * server, for the data to be written, so "stored" means stored.
 */
const COMMON_SETTINGS = {
  // Values come as epoch milliseconds or ISO text; parse both the same way.
  date_time_input_format: 'best_effort',
} as const

export function createStorageClient(config: Config['clickhouse']): StorageClient {
  return drainingOnClose(openStorageClient(config))
}

const TRACKED = new Set(['insert', 'query', 'command', 'exec', 'ping'])
/** How long storage must have been idle before it closes, and the longest close waits for that. */
const QUIET_MS = 100
const MAX_CLOSE_WAIT_MS = 10_000

/**
 * Closing waits for the operations under way, and for a moment of quiet: a
 * request whose client has gone away (a screen closed during shutdown) still
 * runs its handler, which may ask for its next query after the one before it
 * ended. Closing under it would fail that query with an engine error.
 */
function drainingOnClose(storage: StorageClient): StorageClient {
  let pending = 0
  let lastActive = performance.now()
  const track = <T>(work: Promise<T>): Promise<T> => {
    pending++
    return work.finally(() => {
      pending--
      lastActive = performance.now()
    })
  }
  const client = new Proxy(storage.client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof prop !== 'string' || !TRACKED.has(prop) || typeof value !== 'function') return value
      return (...args: unknown[]) => track(Promise.resolve().then(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)))
    },
  })
  return {
    ...storage,
    client,
    insertText: (table, columns, body, format) => track(storage.insertText(table, columns, body, format)),
    ...(storage.insertColumns && { insertColumns: (table, columns, select, data) => track(storage.insertColumns!(table, columns, select, data)) }),
    close: async () => {
      const deadline = performance.now() + MAX_CLOSE_WAIT_MS
      while ((pending > 0 || performance.now() - lastActive < QUIET_MS) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      await storage.close()
    },
  }
}

function openStorageClient(config: Config['clickhouse']): StorageClient {
  if (config.mode === 'embedded') {
    fs.mkdirSync(config.path, { recursive: true })
    // chdb implements the client's Connection contract, but its types come from
    // @clickhouse/client-common while the client bundles its own copy of them;
    // the shapes agree and only the declarations differ.
    const chdb = createChdbConnection({ path: config.path })
    const connection = chdb as unknown as ClickHouseClientConfigOptions['connection']
    const client = createClient({
      connection,
      clickhouse_settings: COMMON_SETTINGS,
    })
    const columnInsert = openColumnInsert(config.path)
    return {
      client,
      mode: 'embedded',
      database: config.database,
      insertText: async (table, columns, body, format = 'TabSeparated') => {
        if (body.length === 0) return
        await chdb.chdb.rawInsert({ table, columns, values: body, format, settings: COMMON_SETTINGS })
      },
      ...(columnInsert && { insertColumns: columnInsert.insert }),
      close: async () => {
        try {
          await client.close()
        } finally {
          columnInsert?.close()
        }
      },
    }
  }
  const client = createClient({
    url: config.url,
    username: config.user,
    password: config.password,
    clickhouse_settings: { ...COMMON_SETTINGS, wait_end_of_query: 1 },
    request_timeout: 30_000,
  })
  return {
    client,
    mode: 'remote',
    database: config.database,
    insertText: async (table, columns, body, format = 'TabSeparated') => {
      if (body.length === 0) return
      await client.insert({ table, columns: [...columns] as [string, ...string[]], values: Readable.from([body], { objectMode: false }), format })
    },
    close: () => client.close(),
  }
}
