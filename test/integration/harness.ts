import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { hashId, idHashToDecimal } from '../../ingest/id-hash'
import { loadConfig } from '../../server/config'
import { createLogger } from '../../server/logger'
import { startServer, type RunningServer, type StartOptions } from '../../server/onescreen-server'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..')

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `onescreen-${prefix}-`))
}

export interface TestServer extends RunningServer {
  dataDir: string
  /** Closes the server and removes its data. */
  stop(): Promise<void>
}

/**
 * The real server in this process, on the real embedded engine in a fresh data
 * directory, on a free port. Simulators and back-fill are off unless asked for,
 * so a test sees exactly the data it sends.
 */
export async function startTestServer(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? tempDir('data')
  const catalogDir = env.CATALOG_DIR ?? writeTestCatalogDir()
  const removeDirs = () => {
    if (!env.DATA_DIR) fs.rmSync(dataDir, { recursive: true, force: true })
    if (!env.CATALOG_DIR) fs.rmSync(catalogDir, { recursive: true, force: true })
  }
  let server: RunningServer
  try {
    const config = loadConfig({ PORT: '0', SIMULATE: '0', BACKFILL: '0', LOG_LEVEL: 'warn', ...env, DATA_DIR: dataDir, CATALOG_DIR: catalogDir })
    server = await startServer(config, createLogger(config.logLevel), options)
  } catch (err) {
    removeDirs()
    throw err
  }
  return {
    ...server,
    dataDir,
    async stop() {
      await server.close()
      removeDirs()
    },
  }
}

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Everything the process wrote, for failure messages. */
  output(): string
  /** SIGKILL, no goodbye. */
  kill9(): Promise<void>
  /** SIGTERM and wait for the exit code. */
  terminate(): Promise<number | null>
}

/** Starts `server/main.ts` as its own process (as `npm start` does) and waits until it listens. */
export async function spawnServer(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'server/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', SIMULATE: '0', BACKFILL: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /"url":"(http:\/\/[^"]+)".*OneScreen is listening/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${out}`))
    })
  })
  return {
    url,
    child,
    output: () => out,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    async terminate() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

export async function postIngest(url: string, body: string, contentType = 'application/x-ndjson') {
  const res = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { 'content-type': contentType }, body })
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }
}

/** The stored form of producer ids (id_hash), for queries that look points up by id. */
export function idHashes(ids: readonly string[]): string[] {
  return ids.map((id) => idHashToDecimal(hashId(id)))
}

export const ndjson = (records: readonly unknown[]) => records.map((r) => JSON.stringify(r)).join('\n')
