import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { hashId, idHashToDecimal, idScope } from '../../ingest/id-hash'
import { loadConfig } from '../../server/config'
import { createLogger } from '../../server/logger'
import { startServer, type RunningServer, type ServerParts, type StartOptions } from '../../server/onescreen-server'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import type { Role } from '../../common/auth'
import { CREDENTIALS_FILE, type FirstRunCredentials } from '../../server/auth/auth-service'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..')

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `onescreen-${prefix}-`))
}

/** The server as a test holds it: its parts (ServerParts) at hand beside its URL. */
export interface TestServer extends Omit<RunningServer, 'parts'>, ServerParts {
  dataDir: string
  /** The demo accounts and ingest key the first start made. */
  credentials: FirstRunCredentials
  /** A session token for an account: a demo account by role, or one made on the spot (name, role, region). */
  token(who?: Role | { name: string; role: Role; region?: string }): Promise<string>
  /** `Authorization` for an account (default: the admin), for fetch. */
  authHeaders(who?: Role | { name: string; role: Role; region?: string }): Promise<Record<string, string>>
  /** fetch against the server as an account (default: the admin). */
  fetch(path: string, init?: RequestInit, who?: Role | { name: string; role: Role; region?: string }): Promise<Response>
  /** Closes the server and removes its data. */
  stop(): Promise<void>
}

/** The password of accounts tests make on the spot. */
export const TEST_PASSWORD = 'correct horse battery staple'

/** Ingest keys of the servers tests started, by URL: postIngest sends the right one. */
const ingestKeys = new Map<string, string>()

export function readCredentials(dataDir: string): FirstRunCredentials {
  return JSON.parse(fs.readFileSync(path.join(dataDir, CREDENTIALS_FILE), 'utf8')) as FirstRunCredentials
}

/** Signs in over HTTP; the session token. */
export async function login(url: string, name: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) })
  if (res.status !== 200) throw new Error(`login as ${name} failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
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
    // Tests sign in many times a minute from one address.
    const config = loadConfig({ PORT: '0', SIMULATE: '0', BACKFILL: '0', LOG_LEVEL: 'warn', LOGINS_PER_MINUTE: '10000', ...env, DATA_DIR: dataDir, CATALOG_DIR: catalogDir })
    server = await startServer(config, createLogger(config.logLevel), options)
  } catch (err) {
    removeDirs()
    throw err
  }
  const credentials = readCredentials(dataDir)
  ingestKeys.set(server.url, credentials.ingestKey)
  const tokens = new Map<string, Promise<string>>()
  const token = (who: Role | { name: string; role: Role; region?: string } = 'admin') => {
    const key = typeof who === 'string' ? who : `${who.name}/${who.role}/${who.region ?? ''}`
    let t = tokens.get(key)
    if (!t) {
      t = (async () => {
        if (typeof who === 'string') {
          const demo = credentials.accounts.find((a) => a.role === who)!
          return login(server.url, demo.name, demo.password)
        }
        if (!server.parts.auth.account(who.name))
          await server.parts.auth.createAccount({ name: who.name, role: who.role, region: who.region ?? server.catalog.tree.root.code, password: TEST_PASSWORD }, { name: 'test', region: server.catalog.tree.root.code }, '')
        return login(server.url, who.name, TEST_PASSWORD)
      })()
      // A failed sign-in is not remembered: the next call tries again.
      t.catch(() => tokens.delete(key))
      tokens.set(key, t)
    }
    return t
  }
  const authHeaders = async (who?: Role | { name: string; role: Role; region?: string }) => ({ authorization: `Bearer ${await token(who)}` })
  const { parts, ...running } = server
  return {
    ...running,
    ...parts,
    dataDir,
    credentials,
    token,
    authHeaders,
    async fetch(p, init = {}, who) {
      return fetch(`${server.url}${p}`, { ...init, headers: { ...(await authHeaders(who)), ...(init.headers as Record<string, string> | undefined) } })
    },
    async stop() {
      ingestKeys.delete(server.url)
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

/**
 * POSTs to /api/ingest with the server's demo ingest key (a server started by
 * startTestServer, or one whose key was registered with useIngestKey), or
 * with the key given.
 */
export async function postIngest(url: string, body: string, contentType = 'application/x-ndjson', key = ingestKeys.get(url)) {
  const headers: Record<string, string> = { 'content-type': contentType }
  if (key) headers.authorization = `Bearer ${key}`
  const res = await fetch(`${url}/api/ingest`, { method: 'POST', headers, body })
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }
}

/** Lets postIngest send this key to a server this process did not start (spawnServer). */
export function useIngestKey(url: string, key: string): void {
  ingestKeys.set(url, key)
}

/**
 * The stored form of producer ids (id_hash), for queries that look points up
 * by id. An id is stored hashed with its producer: `keyProducer(key)` for
 * points posted with an ingest key, `sourceProducer(source)` for points
 * ingested in-process.
 */
export function idHashes(ids: readonly string[], producer: string): string[] {
  const scope = idScope(producer)
  return ids.map((id) => idHashToDecimal(hashId(id, scope)))
}

/** The producer of points posted with an ingest key `osk_<id>_<secret>`: `key:<id>`, as the server names the key. */
export function keyProducer(key: string): string {
  return `key:${key.split('_')[1]}`
}

export const ndjson = (records: readonly unknown[]) => records.map((r) => JSON.stringify(r)).join('\n')
