import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, startTestServer, type TestServer } from './harness'

/**
 * `npm run ingest` replays a real NAB traffic series as a detector in a
 * Guangdong county, against the real server with the real catalog.
 */

const run = promisify(execFile)
const NAB = path.join(REPO_ROOT, 'sample-data/nab/realTraffic/speed_6005.csv')
let server: TestServer

function replay(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'ingest/replay-cli.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, ONESCREEN_INGEST_KEY: server.credentials.ingestKey } })
}

beforeAll(async () => {
  server = await startTestServer({ CATALOG_DIR: path.join(REPO_ROOT, 'sample-data') })
})
afterAll(async () => {
  await server?.stop()
})

describe('replay CLI', () => {
  it('replays a NAB series so that it ends now, keeping its values and spacing', async () => {
    const rows = fs
      .readFileSync(NAB, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
    const before = Date.now()
    const { stdout } = await replay([NAB, '--url', server.url, '--indicator', 'traffic.speed', '--region', '440106', '--station', 'TD-440106-001', '--shift-to-now', '--id-prefix', 'nab6005'])
    const summary = JSON.parse(stdout) as { rows: number; accepted: number; rejected: number }
    expect(summary).toMatchObject({ rows: rows.length, accepted: rows.length, rejected: 0 })

    const rs = await server.storage.client.query({
      query: `SELECT toUnixTimestamp64Milli(ts) AS ts, value FROM onescreen.points WHERE station = 'TD-440106-001' AND id_hash != 0 ORDER BY ts`,
      format: 'JSONEachRow',
    })
    const stored = (await rs.json<{ ts: string; value: number }>()).map((r) => ({ ts: Number(r.ts), value: r.value }))
    expect(stored.map((s) => s.value)).toEqual(rows.map(([, v]) => Number(v)))
    // The last point lands at the moment of the replay; the gaps are the file's own.
    expect(stored.at(-1)!.ts).toBeGreaterThanOrEqual(before)
    expect(stored.at(-1)!.ts).toBeLessThanOrEqual(Date.now())
    const recorded = rows.map(([t]) => Date.parse(`${t!.replace(' ', 'T')}Z`))
    expect(stored.map((s) => s.ts - stored[0]!.ts)).toEqual(recorded.map((t) => t - recorded[0]!))
  })

  it('sends rows the server refuses to the dead letter and says so', async () => {
    const file = path.join(server.dataDir, 'bad.csv')
    fs.writeFileSync(file, 'timestamp,value\n2026-11-21 08:00:00,40\nnot-a-time,41\n2026-11-21 08:10:00,fast\n')
    const { stdout } = await replay([file, '--url', server.url, '--indicator', 'traffic.speed', '--region', '440106', '--station', 'TD-440106-001', '--shift-to-now'])
    expect(JSON.parse(stdout)).toMatchObject({ rows: 3, accepted: 1, rejected: 2, firstError: expect.stringMatching(/line 3: ts "not-a-time"/) })
  })

  it('is refused without an ingest key, and says why', async () => {
    const file = path.join(server.dataDir, 'one.csv')
    fs.writeFileSync(file, 'timestamp,value\n2026-11-21 08:00:00,40\n')
    const args = [file, '--url', server.url, '--indicator', 'traffic.speed', '--region', '440106', '--station', 'TD-440106-001', '--shift-to-now']
    const err = (await run(process.execPath, ['--import', 'tsx', 'ingest/replay-cli.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, ONESCREEN_INGEST_KEY: '' } }).catch((e: unknown) => e)) as { code: number; stderr: string }
    expect(err.code).not.toBe(0)
    expect(err.stderr).toMatch(/refused the data \(401\): sign in first/)
    // A key that is not one is refused before anything is sent.
    const bad = (await replay([...args, '--key', 'not-a-key']).catch((e: unknown) => e)) as { code: number; stderr: string }
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--key: must be an ingest key/)
  })

  it('refuses bad options with a message naming the flag', async () => {
    const err = (await replay([NAB, '--indicator', 'traffic.speed']).catch((e: unknown) => e)) as { code: number; stderr: string }
    expect(err.code).toBe(2)
    expect(err.stderr).toMatch(/--region: give exactly one of --region and --region-column/)
  })
})
