import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROLES } from '../../common/auth'
import { CREDENTIALS_FILE } from '../../server/auth/auth-service'
import { login, readCredentials, spawnServer, tempDir, type ServerProcess } from './harness'

/**
 * A first start, as `npm start` does it (its own process): demo accounts on
 * loopback, a refusal anywhere else until real secrets are set, and the
 * sign-in limit.
 */

const dirs: string[] = []
const running: ServerProcess[] = []
afterAll(async () => {
  for (const s of running) await s.kill9()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})
function dataDir(): string {
  const d = tempDir('first-start')
  dirs.push(d)
  return d
}
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const s = await spawnServer(env)
  running.push(s)
  return s
}

describe('first start', () => {
  it('on loopback makes one demo account per role, and tells where their passwords are, readable by the owner only', async () => {
    const dir = dataDir()
    const s = await start({ DATA_DIR: dir })
    const file = path.join(dir, CREDENTIALS_FILE)
    expect(s.output()).toContain(file)
    expect(fs.statSync(file).mode & 0o077).toBe(0)
    const creds = readCredentials(dir)
    expect(creds.accounts.map((a) => a.role).sort()).toEqual([...ROLES].sort())
    for (const a of creds.accounts) expect(s.output()).not.toContain(a.password)
    const token = await login(s.url, 'admin', creds.accounts.find((a) => a.name === 'admin')!.password)
    expect(token.length).toBeGreaterThan(20)
    expect(await s.terminate()).toBe(0)

    // The same data on a public address: closed while the demo passwords are unchanged.
    await expect(spawnServer({ DATA_DIR: dir, HOST: '0.0.0.0' })).rejects.toThrow(/admin, analyst, duty, leader still have their generated demo passwords/)
  })

  it('elsewhere refuses to start without an admin password, and starts with one', async () => {
    await expect(spawnServer({ DATA_DIR: dataDir(), HOST: '0.0.0.0' })).rejects.toThrow(/ONESCREEN_ADMIN_PASSWORD/)
    const dir = dataDir()
    const s = await start({ DATA_DIR: dir, HOST: '0.0.0.0', ONESCREEN_ADMIN_PASSWORD: 'a real admin passphrase' })
    expect(fs.existsSync(path.join(dir, CREDENTIALS_FILE))).toBe(false)
    const url = s.url.replace('0.0.0.0', '127.0.0.1')
    const token = await login(url, 'admin', 'a real admin passphrase')
    const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(await me.json()).toMatchObject({ name: 'admin', role: 'admin', demo: false })
    expect(await s.terminate()).toBe(0)
  })

  it('limits sign-in attempts per address (429 with Retry-After)', async () => {
    const s = await start({ DATA_DIR: dataDir(), LOGINS_PER_MINUTE: '3' })
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${s.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password: 'not it at all' }) })
      statuses.push(res.status)
      retryAfter = res.headers.get('retry-after')
    }
    expect(statuses).toEqual([401, 401, 401, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
    expect(await s.terminate()).toBe(0)
  })
})
