import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { StorageUnavailableError } from '../../common/errors'
import { MemoryAuthStore } from '../../test/fakes/memory-auth-store'
import { testCatalog } from '../../test/fixtures/catalog'
import { createLogger } from '../logger'
import { AuthError, AuthService } from './auth-service'

/** The accounts service's own logic over its store in memory: no engine, no HTTP. */

const index = testCatalog()
const ROOT = { name: 'admin-root', region: '990000' }
const CITY = { name: 'admin-jia', region: '990100' }
const T0 = 1_790_000_000_000
const HOUR = 3_600_000

function setup(store = new MemoryAuthStore()) {
  let now = T0
  const service = new AuthService({ store, index, log: createLogger('silent'), now: () => now, sessionTtlMs: 8 * HOUR })
  return { store, service, clock: { set: (t: number) => (now = t), advance: (ms: number) => (now += ms) } }
}

const code = (p: Promise<unknown>) => p.then(() => 'ok', (err: unknown) => (err instanceof AuthError ? err.code : err instanceof Error ? err.name : String(err)))

describe('AuthService over its store', () => {
  it('signs in with the right password only, logs both, and a session survives a restart while a signed-out one does not', async () => {
    const { store, service } = setup()
    await service.createAccount({ name: 'wang', role: 'duty', region: '990100', password: 'correct horse 1' }, ROOT, '127.0.0.1')
    expect(await code(service.login('wang', 'wrong', '10.0.0.1'))).toBe('invalid_credentials')
    const kept = await service.login('wang', 'correct horse 1', '10.0.0.1')
    const ended = await service.login('wang', 'correct horse 1', '10.0.0.2')
    await service.logout(ended.token, '10.0.0.2')
    expect(service.session(kept.token)).toMatchObject({ name: 'wang', role: 'duty', region: '990100' })
    expect(store.log.map((r) => r.event)).toEqual(['account.created', 'login.failed', 'login', 'login', 'logout'])

    const after = setup(store).service
    expect(await after.load()).toEqual({ accounts: 1, sessions: 1, keys: 0 })
    expect(after.session(kept.token)?.name).toBe('wang')
    expect(after.session(ended.token)).toBeNull()
  })

  it('a session slides with use and ends when unused for its lifetime', async () => {
    const { service, clock } = setup()
    await service.createAccount({ name: 'li', role: 'leader', region: '990000', password: 'correct horse 2' }, ROOT, 'x')
    const { token } = await service.login('li', 'correct horse 2', 'x')
    clock.advance(7 * HOUR)
    expect(service.session(token)).not.toBeNull()
    clock.advance(7 * HOUR) // 14 h after sign-in, 7 h after last use
    expect(service.session(token)).not.toBeNull()
    clock.advance(8 * HOUR + 1)
    expect(service.session(token)).toBeNull()
  })

  it.each<[string, (s: AuthService) => Promise<unknown>, string]>([
    ['creates an account outside its city', (s) => s.createAccount({ name: 'x', role: 'duty', region: '990200', password: 'correct horse 3' }, CITY, 'a'), 'outside_scope'],
    ['moves its own city account to the province', (s) => s.updateAccount('jia-duty', { region: '990000' }, CITY, 'a'), 'outside_scope'],
    ['resets the password of an account above it', (s) => s.updateAccount('province-leader', { password: 'correct horse 4' }, CITY, 'a'), 'not_found'],
    ['makes a key for every region', (s) => s.createKey({ name: 'k', indicators: ['*'], regions: ['*'] }, CITY, 'a'), 'outside_scope'],
  ])('a city admin cannot: %s', async (_, act, expected) => {
    const { service, store } = setup()
    await service.createAccount({ name: 'province-leader', role: 'leader', region: '990000', password: 'correct horse 5' }, ROOT, 'a')
    await service.createAccount({ name: 'jia-duty', role: 'duty', region: '990101', password: 'correct horse 6' }, ROOT, 'a')
    const before = structuredClone([...store.accounts.values()])
    expect(await code(act(service))).toBe(expected)
    expect([...store.accounts.values()]).toEqual(before)
    expect(service.listAccounts(CITY.region).map((a) => a.name)).toEqual(['jia-duty'])
  })

  it('a changed password ends the account’s other sessions; a disabled account signs in no more', async () => {
    const { service } = setup()
    await service.createAccount({ name: 'zhao', role: 'analyst', region: '990100', password: 'correct horse 7' }, ROOT, 'a')
    const a = await service.login('zhao', 'correct horse 7', 'a')
    const b = await service.login('zhao', 'correct horse 7', 'b')
    await service.changePassword('zhao', 'correct horse 7', 'correct horse 8', 'a', a.token)
    expect(service.session(a.token)).not.toBeNull()
    expect(service.session(b.token)).toBeNull()
    await service.updateAccount('zhao', { disabled: true }, ROOT, 'a')
    expect(service.session(a.token)).toBeNull()
    expect(await code(service.login('zhao', 'correct horse 8', 'a'))).toBe('invalid_credentials')
  })

  it('an ingest key opens ingest for its indicators and regions until revoked, across a restart', async () => {
    const { service, store } = setup()
    const { key, view } = await service.createKey({ name: 'env feed', indicators: ['env.aqi'], regions: ['990100'] }, CITY, 'a')
    expect(service.key(key)).toMatchObject({ kind: 'key', keyId: view.id, regions: ['990100'] })
    expect([...service.key(key)!.indicators!]).toEqual(['env.aqi'])
    expect(service.key(`${key}x`)).toBeNull()
    // Only the hash is stored.
    expect(JSON.stringify([...store.keys.values()])).not.toContain(key.split('_')[2]!)
    await service.revokeKey(view.id, CITY, 'a')
    expect(service.key(key)).toBeNull()
    const after = setup(store).service
    await after.load()
    expect(after.key(key)).toBeNull()
    expect(after.listKeys('990000')).toEqual([expect.objectContaining({ id: view.id, revoked: true })])
  })

  it('when storage fails, a change is refused as unavailable and nothing of it is kept in memory', async () => {
    const { service, store } = setup()
    store.failing = true
    expect(await code(service.createAccount({ name: 'sun', role: 'duty', region: '990100', password: 'correct horse 9' }, ROOT, 'a'))).toBe(new StorageUnavailableError(null).name)
    expect(service.account('sun')).toBeUndefined()
    store.failing = false
    await service.createAccount({ name: 'sun', role: 'duty', region: '990100', password: 'correct horse 9' }, ROOT, 'a')
    expect(service.account('sun')).toMatchObject({ name: 'sun' })
  })

  it('a first start on loopback creates one demo account per role and a key, with their passwords in a file only its owner reads', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-first-run-'))
    try {
      const { service } = setup()
      const first = await service.firstRun({ loopback: true, dataDir: dir })
      expect(first.created.sort()).toEqual(['admin', 'analyst', 'duty', 'leader'])
      const file = first.credentialsFile!
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { accounts: Array<{ name: string; password: string }>; ingestKey: string }
      const admin = saved.accounts.find((a) => a.name === 'admin')!
      expect((await service.login('admin', admin.password, 'a')).principal.demo).toBe(true)
      expect(service.key(saved.ingestKey)).not.toBeNull()
      // A second start creates nothing.
      expect((await service.firstRun({ loopback: true, dataDir: dir })).created).toEqual([])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
