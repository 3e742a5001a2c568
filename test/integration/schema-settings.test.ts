import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, tempDir, type TestServer } from './harness'

/**
 * RAW_RETENTION_DAYS and TIMEZONE are built into the schema (the raw points'
 * TTL, the daily rollup's days). A restart with other values must not leave the
 * store built on the old ones without a word.
 */

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

/** A data directory the servers of one test share, removed after it. */
function dataDir(): string {
  const dir = tempDir('settings')
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function start(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer(env)
  cleanup.push(() => server.stop())
  return server
}

async function createQuery(server: TestServer, table: string): Promise<string> {
  const rs = await server.storage.client.query({
    query: `SELECT create_table_query AS q FROM system.tables WHERE database = 'onescreen' AND name = {table:String}`,
    query_params: { table },
    format: 'JSONEachRow',
  })
  const [row] = await rs.json<{ q: string }>()
  return row!.q
}

describe('settings built into the schema', () => {
  it('applies a changed RAW_RETENTION_DAYS to the raw points at the next start', async () => {
    const dir = dataDir()
    const first = await start({ DATA_DIR: dir, RAW_RETENTION_DAYS: '90' })
    expect(await createQuery(first, 'points')).toMatch(/TTL toDateTime\(ts\) \+ toIntervalDay\(90\)/)
    await first.stop()

    const second = await start({ DATA_DIR: dir, RAW_RETENTION_DAYS: '30' })
    expect(await createQuery(second, 'points')).toMatch(/TTL toDateTime\(ts\) \+ toIntervalDay\(30\)/)
    await second.stop()

    // And back to a longer one.
    const third = await start({ DATA_DIR: dir, RAW_RETENTION_DAYS: '400' })
    expect(await createQuery(third, 'points')).toMatch(/TTL toDateTime\(ts\) \+ toIntervalDay\(400\)/)
  })

  it('refuses to start with another TIMEZONE, naming both zones and how to proceed, and changes nothing', async () => {
    const dir = dataDir()
    const first = await start({ DATA_DIR: dir, TIMEZONE: 'Asia/Shanghai' })
    await first.stop()

    const refused = startTestServer({ DATA_DIR: dir, TIMEZONE: 'Europe/Berlin' })
    // Should it start after all, it is stopped with the rest.
    refused.then((s) => cleanup.push(() => s.stop()), () => undefined)
    await expect(refused).rejects.toThrow(/TIMEZONE is Europe\/Berlin, but this store's days start at midnight in Asia\/Shanghai/)
    await expect(refused).rejects.toThrow(/Set TIMEZONE=Asia\/Shanghai to start on this store, or start with a new DATA_DIR/)

    // The store still cuts days in its own zone, and starts with it (under another name too).
    const again = await start({ DATA_DIR: dir, TIMEZONE: 'PRC' })
    expect(await createQuery(again, 'points_1d_mv')).toContain(`toStartOfDay(ts, 'Asia/Shanghai')`)
    expect(await createQuery(again, 'points_history_1d_mv')).toContain(`toStartOfDay(ts, 'Asia/Shanghai')`)
  })
})
