import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import fs from 'node:fs'
import { Readable } from 'node:stream'
import type { Config } from '../config'

export type StorageMode = 'embedded' | 'remote'

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
   * Inserts TabSeparated text. The hot path of ingest: on the embedded engine
   * the text is handed to the engine as one buffer (chDB's raw insert), where
   * the client's stream would copy it three times; on a server it is the
   * client's ordinary insert.
   */
  insertTsv(table: string, columns: readonly string[], tsv: Buffer): Promise<void>
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
    return {
      client,
      mode: 'embedded',
      database: config.database,
      insertTsv: async (table, columns, tsv) => {
        if (tsv.length === 0) return
        await chdb.chdb.rawInsert({ table, columns, values: tsv, format: 'TabSeparated', settings: COMMON_SETTINGS })
      },
      close: () => client.close(),
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
    insertTsv: async (table, columns, tsv) => {
      if (tsv.length === 0) return
      await client.insert({ table, columns: [...columns] as [string, ...string[]], values: Readable.from([tsv], { objectMode: false }), format: 'TabSeparated' })
    },
    close: () => client.close(),
  }
}
