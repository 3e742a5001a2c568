import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountRow, AuthStore, KeyRow, SessionRow } from '../../server/auth/auth-store'
import type { CurrentRule, RuleChange, RuleRecords } from '../../server/alerting/rule-store'
import { ClickHouseAuthStore } from '../../server/storage/auth-tables'
import { ClickHouseRuleRecords } from '../../server/storage/rule-tables'
import { tableNames } from '../../server/storage/tables'
import { MemoryAuthStore } from '../fakes/memory-auth-store'
import { MemoryRuleRecords } from '../fakes/memory-rule-records'
import { testRule } from '../fixtures/rules'
import { startTestServer, type TestServer } from './harness'

/**
 * One contract, two implementations: the in-memory fakes the services' unit
 * tests run on (test/fakes/) and the ClickHouse adapters the server runs on
 * (server/storage/), held to the same expectations on the real engine — so a
 * unit test over a fake says something about the product.
 */

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.stop()
})

/** Names unique to one test, so the engine's rows of other tests (and the first start's accounts) stay out of the way. */
let serial = 0
const unique = (what: string) => `${what}-${process.pid}-${++serial}`
const T = Date.parse('2026-12-01T08:00:00Z')

const authStores: Array<[string, () => AuthStore]> = [
  ['in memory', () => new MemoryAuthStore()],
  ['on ClickHouse', () => new ClickHouseAuthStore(server.storage.client, tableNames(server.storage.database))],
]

describe.each(authStores)('the accounts store %s', (_name, make) => {
  const account = (name: string, version: number, over: Partial<AccountRow> = {}): AccountRow => ({
    name,
    version,
    role: 'duty',
    region: '990100',
    password_hash: `hash-${version}`,
    demo: 0,
    disabled: 0,
    created: T,
    updated: T + version,
    updated_by: 'admin',
    ...over,
  })

  it('keeps the highest version of an account, whatever order the versions come in', async () => {
    const store = make()
    const name = unique('account')
    await store.saveAccount(account(name, 2, { role: 'analyst', disabled: 1 }))
    await store.saveAccount(account(name, 1))
    await store.saveAccount(account(name, 3, { region: '990101' }))
    const mine = (await store.loadAccounts()).filter((a) => a.name === name)
    expect(mine).toEqual([account(name, 3, { region: '990101' })])
  })

  it('gives the sessions that are live now: neither revoked nor expired', async () => {
    const store = make()
    // Sessions are timed by the real clock: the engine drops a day after expiry what has expired (a TTL).
    const now = Date.now()
    const session = (hash: string, version: number, expires: number, revoked = 0): SessionRow => ({ token_hash: hash, version, account: 'duty', created: now - 60_000, expires, revoked })
    const [live, expired, revoked] = [unique('live'), unique('expired'), unique('revoked')]
    await store.saveSessions([session(live, 1, now + 3_600_000), session(expired, 1, now - 1), session(revoked, 1, now + 3_600_000)])
    await store.saveSessions([session(revoked, 2, now + 3_600_000, 1)])
    const mine = (await store.loadLiveSessions(now)).filter((s) => [live, expired, revoked].includes(s.token_hash))
    expect(mine).toEqual([session(live, 1, now + 3_600_000)])
  })

  it('keeps ingest keys with their lists, and a revocation as their newest version', async () => {
    const store = make()
    const id = unique('key')
    const key = (version: number, revoked: number): KeyRow => ({
      id,
      version,
      name: 'station feed',
      key_hash: 'h',
      indicators: ['env.aqi', 'env.pm25'],
      regions: ['990101'],
      created_by: 'admin',
      created: T,
      revoked,
    })
    await store.saveKey(key(1, 0))
    await store.saveKey(key(2, 1))
    expect((await store.loadKeys()).filter((k) => k.id === id)).toEqual([key(2, 1)])
  })
})

const ruleRecords: Array<[string, () => RuleRecords]> = [
  ['in memory', () => new MemoryRuleRecords()],
  ['on ClickHouse', () => new ClickHouseRuleRecords(server.storage.client, tableNames(server.storage.database))],
]

describe.each(ruleRecords)('the rule records %s', (_name, make) => {
  const change = (id: string, version: number, after: unknown, before: unknown = null): RuleChange => ({
    id,
    version,
    at: T + version * 1000,
    actor: `admin-${version}`,
    action: version === 1 ? 'created' : after === null ? 'deleted' : 'updated',
    before,
    after,
  })

  it("gives each rule's newest audit entry, a deletion as a null definition", async () => {
    const records = make()
    const [kept, gone] = [unique('kept'), unique('gone')]
    const v1 = testRule({ id: kept, severity: 'info' })
    const v2 = testRule({ id: kept, severity: 'critical' })
    await records.appendChanges([change(kept, 1, v1), change(kept, 2, v2, v1), change(gone, 1, testRule({ id: gone })), change(gone, 2, null, testRule({ id: gone }))])
    const latest = (await records.latestChanges()).filter((c) => c.id === kept || c.id === gone).sort((a, b) => a.id.localeCompare(b.id))
    expect(latest.map((c) => ({ ...c, after: c.after === null ? null : (JSON.parse(c.after) as unknown) }))).toEqual(
      [
        { id: gone, version: 2, at: T + 2000, actor: 'admin-2', after: null },
        { id: kept, version: 2, at: T + 2000, actor: 'admin-2', after: v2 },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    )
  })

  it("gives a rule's history newest first, at most as many as asked, with its definitions", async () => {
    const records = make()
    const id = unique('edited')
    const versions = [1, 2, 3].map((v) => testRule({ id, severity: v === 3 ? 'critical' : 'warning', for: v * 60 }))
    await records.appendChanges(versions.map((r, i) => change(id, i + 1, r, i === 0 ? null : versions[i - 1])))
    const history = await records.history(id, 2)
    expect(history).toEqual([change(id, 3, versions[2], versions[1]), change(id, 2, versions[1], versions[0])])
  })

  it('counts the highest version of each current definition', async () => {
    const records = make()
    const id = unique('current')
    const current = (version: number): CurrentRule => ({ id, version, at: T + version, actor: 'admin', rule: testRule({ id }), previous: null })
    await records.writeCurrent([current(2)])
    await records.writeCurrent([current(1)])
    expect((await records.currentVersions()).get(id)).toBe(2)
  })
})
