import type { ClickHouseClient } from '@clickhouse/client'
import type { StorageClient } from './storage-client'

/**
 * Faults injected at the storage interface, for tests of what the server does
 * when its storage goes away (a ClickHouse server down, a full disk, an engine
 * error): while `fail()` is in force every read, write and ping throws, as
 * the driver would; `heal()` ends it.
 */
export class StorageFaults {
  private failure: Error | null = null
  /** Only writes to these tables fail (a partial outage); null: everything fails. */
  private tables: ReadonlySet<string> | null = null

  fail(message = 'storage is down (injected fault)', options: { onlyWritesTo?: readonly string[] } = {}): void {
    this.failure = new Error(message)
    this.tables = options.onlyWritesTo ? new Set(options.onlyWritesTo) : null
  }

  heal(): void {
    this.failure = null
    this.tables = null
  }

  get failing(): boolean {
    return this.failure !== null
  }

  /** Throws if the operation (a write to `table`, or anything when no table is named) is to fail. */
  check(table?: string): void {
    if (!this.failure) return
    if (this.tables === null || (table !== undefined && this.tables.has(table))) throw this.failure
  }
}

const GUARDED = new Set(['insert', 'query', 'command', 'exec', 'ping'])

/** The storage client with `faults` in front of everything it does. */
export function withFaults(storage: StorageClient, faults: StorageFaults): StorageClient {
  const client = new Proxy(storage.client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof prop !== 'string' || !GUARDED.has(prop) || typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        const table = prop === 'insert' ? (args[0] as { table?: string } | undefined)?.table : undefined
        faults.check(table ?? (prop === 'insert' ? '' : undefined))
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  }) as ClickHouseClient
  return {
    ...storage,
    client,
    insertText: async (table, columns, body, format) => {
      faults.check(table)
      return storage.insertText(table, columns, body, format)
    },
    ...(storage.insertColumns && {
      insertColumns: async (table, columns, select, data) => {
        faults.check(table)
        return storage.insertColumns!(table, columns, select, data)
      },
    }),
    close: () => storage.close(),
  }
}
