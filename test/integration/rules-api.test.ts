import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Rule, RuleInput } from '../../common/rule-schema'
import { readRuleFiles, RULES_DIR } from '../../server/alerting/rule-files'
import { RuleStore } from '../../server/alerting/rule-store'
import { ClickHouseRuleRecords } from '../../server/storage/rule-tables'
import { MAX_RULE_BODY_BYTES } from '../../server/http/rules-router'
import type { RuleHistoryReply, RuleListReply, RuleReply } from '../../common/api/rules-api'
import { createLogger } from '../../server/logger'
import { migrate, schemaContext } from '../../server/storage/migrations'
import { tableNames } from '../../server/storage/tables'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { expectReplyMatchesContract } from '../fixtures/reply-contract'
import { REPO_ROOT, startTestServer, tempDir, type TestServer } from './harness'

/**
 * Rules as data against the real engine: the default rules seeded on a first
 * start, CRUD over HTTP with every change audited (who, when, before, after),
 * validation that names the field, and a restart that keeps every change and
 * seeds nothing again.
 *
 * Requests go to the running server's API (its store is ServerParts.rules),
 * signed in: reads as the demo admin, changes as admin accounts named for the
 * people the audit should show (alice, bob, …), since the audit records the
 * signed-in account.
 */

const log = createLogger('silent')
const DEFAULT_RULES = path.join(REPO_ROOT, 'sample-data', RULES_DIR)

let dataDir: string
let catalogDir: string
let server: TestServer | undefined

/** Who a request is made as (see TestServer.token); null sends no credentials. */
type Who = Parameters<TestServer['token']>[0] | null
/** An admin account of that name: it may write rules, and the audit shows its name. */
const admin = (name: string): Who => ({ name, role: 'admin' })

async function startAll(): Promise<void> {
  server = await startTestServer({ DATA_DIR: dataDir, CATALOG_DIR: catalogDir })
}

async function stopAll(): Promise<void> {
  // DATA_DIR and CATALOG_DIR were given, so stopping keeps them for the next start.
  await server?.stop()
  server = undefined
}

beforeAll(async () => {
  dataDir = tempDir('rules-data')
  catalogDir = writeTestCatalogDir()
  fs.cpSync(DEFAULT_RULES, path.join(catalogDir, RULES_DIR), { recursive: true })
  await startAll()
})

afterAll(async () => {
  await stopAll()
  fs.rmSync(dataDir, { recursive: true, force: true })
  fs.rmSync(catalogDir, { recursive: true, force: true })
})

interface Reply<T> {
  status: number
  body: T
}

interface ErrorReply {
  ok: false
  error: { code: string; message: string; details?: { problems: string[] } }
}

/** A request as `who` (default: the demo admin). */
async function call<T = unknown>(method: string, pathAndQuery: string, body?: unknown, who: Who = 'admin', headers: Record<string, string> = {}): Promise<Reply<T>> {
  const auth = who === null ? {} : await server!.authHeaders(who)
  const init: RequestInit = { method, headers: { ...auth, ...headers } }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
    init.headers = { ...auth, 'content-type': 'application/json', ...headers }
  }
  const res = await fetch(`${server!.url}${pathAndQuery}`, init)
  // Every reply read here is also held to its route's contract (common/api).
  return { status: res.status, body: expectReplyMatchesContract(method, pathAndQuery, res.status, await res.json()) as T }
}

const errorOf = async (method: string, p: string, body?: unknown, who?: Who, headers?: Record<string, string>) => call<ErrorReply>(method, p, body, who, headers)

function countyAqiRule(over: Partial<RuleInput> = {}): RuleInput {
  return {
    id: 'test-county-aqi',
    name: { zh: '县区空气污染', en: 'County air pollution' },
    indicator: 'env.aqi',
    scope: { level: 'county' },
    condition: { kind: 'threshold', op: 'above', value: 150, recover: 130 },
    for: 3600,
    keepFiringFor: 1800,
    severity: 'warning',
    escalateAfter: 3600,
    message: { zh: '{region}空气质量指数{value}，超过{threshold}', en: 'AQI in {region} is {value}, above {threshold}' },
    ...over,
  }
}

/** What the rules table (for SQL readers) holds for a rule: its newest row. */
async function materialised(id: string) {
  const t = tableNames(server!.storage.database)
  const rs = await server!.storage.client.query({
    query: `SELECT argMax(definition, version) AS last_definition, argMax(is_deleted, version) AS last_deleted, max(version) AS last_version
      FROM ${t.rules} WHERE id = {id:String}`,
    query_params: { id },
    format: 'JSONEachRow',
  })
  const [row] = await rs.json<{ last_definition: string; last_deleted: number; last_version: string }>()
  return {
    definition: row!.last_definition === '' ? null : (JSON.parse(row!.last_definition) as unknown),
    deleted: row!.last_deleted === 1,
    version: Number(row!.last_version),
  }
}

describe('seeding', () => {
  it('seeds the default rules on a first start, each audited as created by its file', async () => {
    const defaults = readRuleFiles(DEFAULT_RULES, server!.catalog)
    const { status, body } = await call<RuleListReply>('GET', '/api/rules')
    expect(status).toBe(200)
    expect(body.rules).toEqual(defaults.map((e) => e.rule).sort((a, b) => a.id.localeCompare(b.id)))

    const history = await call<RuleHistoryReply>('GET', '/api/rules/env-aqi-critical/history')
    expect(history.status).toBe(200)
    expect(history.body.changes).toHaveLength(1)
    expect(history.body.changes[0]).toMatchObject({ id: 'env-aqi-critical', version: 1, action: 'created', actor: 'seed:environment.json', before: null })
    expect(history.body.changes[0]!.after).toEqual(defaults.find((e) => e.rule.id === 'env-aqi-critical')!.rule)
    expect(await materialised('env-aqi-critical')).toMatchObject({ deleted: false, version: 1 })
  })

  it('filters by indicator (cross-checks included) and by enabled', async () => {
    const byIndicator = await call<RuleListReply>('GET', '/api/rules?indicator=env.polluter_exceedances')
    expect(byIndicator.body.rules.map((r) => r.id)).toEqual(['env-aqi-without-exceedance'])
    const aqi = await call<RuleListReply>('GET', '/api/rules?indicator=env.aqi&enabled=true')
    expect(aqi.body.rules.map((r) => r.id)).toEqual(['env-air-station-silent', 'env-aqi-critical', 'env-aqi-frozen', 'env-aqi-without-exceedance'])
    expect((await call<RuleListReply>('GET', '/api/rules?enabled=false')).body.rules).toEqual([])
  })

  it.each<[string, string, number, RegExp]>([
    ['enabled not a boolean', '/api/rules?enabled=maybe', 400, /enabled must be true or false/],
    ['an unknown indicator', '/api/rules?indicator=env.nope', 400, /unknown indicator env\.nope/],
    ['an unknown parameter', '/api/rules?colour=red', 400, /unknown query parameter "colour"/],
  ])('refuses a list query with %s', async (_what, url, status, message) => {
    const { status: got, body } = await errorOf('GET', url)
    expect(got).toBe(status)
    expect(body.error.message).toMatch(message)
  })

  it('refuses a bad default rules file on a first start, naming the file, the rule and the field, and stores nothing', async () => {
    // A first start is a database without rules: a second database in the same engine.
    const ctx = schemaContext('onescreen_rules_seed', 'Asia/Shanghai', 90)
    await migrate(server!.storage.client, ctx, log)
    const seedDir = tempDir('rules-seed')
    try {
      const bad = countyAqiRule({ id: 'bad-recover', condition: { kind: 'threshold', op: 'above', value: 150, recover: 170 } })
      fs.writeFileSync(path.join(seedDir, 'environment.json'), JSON.stringify({ rules: [countyAqiRule(), bad] }))
      const store = () => new RuleStore({ records: new ClickHouseRuleRecords(server!.storage.client, ctx.tables), index: server!.catalog, seedDir, log })
      await expect(store().load()).rejects.toThrow(/environment\.json: rule bad-recover \(rules\[1\]\): condition\.recover: recover must be on the clear side of value/)
      const rs = await server!.storage.client.query({ query: `SELECT count() AS n FROM ${ctx.tables.ruleChanges}`, format: 'JSONEachRow' })
      expect((await rs.json<{ n: number | string }>()).map((r) => Number(r.n))).toEqual([0])

      fs.writeFileSync(path.join(seedDir, 'environment.json'), JSON.stringify({ rules: [countyAqiRule()] }))
      const fixed = store()
      expect(await fixed.load()).toEqual({ rules: 1, seeded: 1, repaired: 0 })
      expect(fixed.list().map((r) => r.id)).toEqual(['test-county-aqi'])

      // Without a rules directory a first start simply has no rules.
      const none = new RuleStore({ records: new ClickHouseRuleRecords(server!.storage.client, tableNames('onescreen_rules_none')), index: server!.catalog, seedDir: path.join(seedDir, 'missing'), log })
      await migrate(server!.storage.client, schemaContext('onescreen_rules_none', 'Asia/Shanghai', 90), log)
      expect(await none.load()).toEqual({ rules: 0, seeded: 0, repaired: 0 })
    } finally {
      fs.rmSync(seedDir, { recursive: true, force: true })
    }
  })
})

describe('CRUD', () => {
  it('creates, replaces, disables, enables and deletes a rule, auditing each change with its actor, before and after', async () => {
    const heard: Array<readonly Rule[]> = []
    const unsubscribe = server!.rules.subscribe((rules) => heard.push(rules))
    try {
      const v1 = countyAqiRule()
      const created = await call<{ rule: Rule; version: number; created: boolean }>('PUT', '/api/rules/test-county-aqi', v1, admin('alice'))
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ created: true, version: 1, rule: { ...v1, enabled: true } })
      const got = await call<RuleReply>('GET', '/api/rules/test-county-aqi')
      expect(got.body).toMatchObject({ rule: created.body.rule, version: 1, updatedBy: 'alice' })

      // The same definition again is no change: nothing audited, nobody told.
      const same = await call<{ created: boolean; version: number }>('PUT', '/api/rules/test-county-aqi', v1, admin('bob'))
      expect(same).toMatchObject({ status: 200, body: { created: false, version: 1 } })
      expect(heard).toHaveLength(1)

      const v2 = countyAqiRule({ condition: { kind: 'threshold', op: 'above', value: 160, recover: 140 } })
      const replaced = await call<{ rule: Rule; version: number; created: boolean }>('PUT', '/api/rules/test-county-aqi', v2, admin('bob'))
      expect(replaced).toMatchObject({ status: 200, body: { created: false, version: 2, rule: { condition: v2.condition } } })

      const disabled = await call<{ rule: Rule; version: number }>('PATCH', '/api/rules/test-county-aqi', { enabled: false }, admin('carol'))
      expect(disabled).toMatchObject({ status: 200, body: { version: 3, rule: { enabled: false } } })
      expect((await call<RuleListReply>('GET', '/api/rules?enabled=false')).body.rules.map((r) => r.id)).toEqual(['test-county-aqi'])
      expect((await call<RuleReply>('GET', '/api/rules/test-county-aqi')).body.rule.enabled).toBe(false)
      const enabled = await call<{ version: number }>('PATCH', '/api/rules/test-county-aqi', { enabled: true }, admin('carol'))
      expect(enabled).toMatchObject({ status: 200, body: { version: 4 } })

      const deleted = await call('DELETE', '/api/rules/test-county-aqi', undefined, admin('dave'))
      expect(deleted).toEqual({ status: 200, body: { id: 'test-county-aqi', deleted: true, version: 5 } })
      expect((await errorOf('GET', '/api/rules/test-county-aqi')).status).toBe(404)
      expect((await call<RuleListReply>('GET', '/api/rules')).body.rules.map((r) => r.id)).not.toContain('test-county-aqi')

      const history = await call<RuleHistoryReply>('GET', '/api/rules/test-county-aqi/history')
      expect(history.status).toBe(200)
      const changes = history.body.changes
      expect(changes.map((c) => [c.version, c.action, c.actor])).toEqual([
        [5, 'deleted', 'dave'],
        [4, 'enabled', 'carol'],
        [3, 'disabled', 'carol'],
        [2, 'updated', 'bob'],
        [1, 'created', 'alice'],
      ])
      const rule1 = created.body.rule
      const rule2 = replaced.body.rule
      expect(changes[4]).toMatchObject({ before: null, after: rule1 })
      expect(changes[3]).toMatchObject({ before: rule1, after: rule2 })
      expect(changes[2]).toMatchObject({ before: rule2, after: { ...rule2, enabled: false } })
      expect(changes[1]).toMatchObject({ before: { ...rule2, enabled: false }, after: rule2 })
      expect(changes[0]).toMatchObject({ before: rule2, after: null })
      for (const c of changes) expect(Math.abs(c.at - Date.now())).toBeLessThan(60_000)
      expect(changes.map((c) => c.at)).toEqual(changes.map((c) => c.at).toSorted((a, b) => b - a))

      // Listeners heard the whole list after each of the five changes.
      expect(heard).toHaveLength(5)
      expect(heard.map((rules) => rules.find((r) => r.id === 'test-county-aqi')?.enabled ?? null)).toEqual([true, true, false, true, null])
      expect(heard[4]).toEqual(server!.rules.list())

      // SQL readers see the tombstone (older versions may already be merged away).
      expect(await materialised('test-county-aqi')).toMatchObject({ definition: null, deleted: true, version: 5 })

      // A rule created again after its deletion continues the numbering.
      const again = await call<{ version: number; created: boolean }>('PUT', '/api/rules/test-county-aqi', v1, admin('erin'))
      expect(again).toMatchObject({ status: 201, body: { created: true, version: 6 } })
      expect(await materialised('test-county-aqi')).toMatchObject({ definition: created.body.rule, deleted: false, version: 6 })
      // A DELETE may carry an empty JSON body.
      const bodyDelete = await call('DELETE', '/api/rules/test-county-aqi', {}, admin('frank'))
      expect(bodyDelete).toMatchObject({ status: 200, body: { version: 7 } })
      expect((await call<RuleHistoryReply>('GET', '/api/rules/test-county-aqi/history')).body.changes[0]).toMatchObject({ actor: 'frank', action: 'deleted' })

      unsubscribe()
      await call('PUT', '/api/rules/test-other', countyAqiRule({ id: 'test-other' }), admin('alice'))
      expect(heard).toHaveLength(7)
    } finally {
      unsubscribe()
    }
  })

  it('numbers concurrent changes in the order they were made, none lost', async () => {
    const values = [151, 152, 153, 154, 155, 156]
    const replies = await Promise.all(
      values.map((value, i) =>
        call<{ version: number }>('PUT', '/api/rules/test-concurrent', countyAqiRule({ id: 'test-concurrent', condition: { kind: 'threshold', op: 'above', value } }), admin(`user-${i}`)),
      ),
    )
    expect(replies.map((r) => r.body.version).toSorted((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6])
    const changes = (await call<RuleHistoryReply>('GET', '/api/rules/test-concurrent/history')).body.changes
    expect(changes.map((c) => c.version)).toEqual([6, 5, 4, 3, 2, 1])
    // Each change's before is the previous one's after: no change was made on a stale copy.
    for (let i = 0; i + 1 < changes.length; i++) expect(changes[i]!.before).toEqual(changes[i + 1]!.after)
    expect((await call<RuleReply>('GET', '/api/rules/test-concurrent')).body.rule).toEqual(changes[0]!.after)
  })
})

describe('validation', () => {
  const bad = (over: Record<string, unknown>) => ({ ...countyAqiRule({ id: 'test-invalid' }), ...over })

  it.each<[string, string, unknown, RegExp[]]>([
    ['a recovery level on the wrong side', 'test-invalid', bad({ condition: { kind: 'threshold', op: 'above', value: 150, recover: 170 } }), [/condition\.recover: recover must be on the clear side of value/]],
    ['an unknown indicator', 'test-invalid', bad({ indicator: 'env.nope' }), [/indicator: unknown indicator env\.nope/]],
    ['a period share on a value that is not running', 'test-invalid', bad({ minPeriodShare: 0.3 }), [/minPeriodShare: env\.aqi is not a running value/]],
    ['a period share of more than all of it', 'test-invalid', bad({ minPeriodShare: 1.5 }), [/minPeriodShare: minPeriodShare must be below 1/]],
    ['a scope that does not fit the indicator', 'test-invalid', bad({ scope: { stationKind: 'traffic' } }), [/scope\.stationKind: env\.aqi is measured at air stations, not traffic/]],
    ['a bad id', 'Bad_Id', bad({ id: 'Bad_Id' }), [/(^|; )id: id must be 2–64 lowercase letters, digits or dashes/]],
    ['an id that does not match the path', 'test-invalid', bad({ id: 'test-other-id' }), [/id: the body's id "test-other-id" does not match the path's "test-invalid"/]],
    // Changes are signed by the signed-in account: a body naming anyone, even that account, is refused.
    ['an actor in the body', 'test-invalid', bad({ actor: 'admin' }), [/(^|; )actor: changes are signed by the signed-in account; leave actor out/]],
    ['an unknown field', 'test-invalid', bad({ colour: 'red' }), [/colour: unknown field/]],
    [
      'several problems at once',
      'test-invalid',
      bad({ actor: 'alice', severity: 'urgent', condition: { kind: 'stale', cadences: 0 } }),
      [/actor: changes are signed by the signed-in account/, /severity: /, /condition\.cadences: cadences must be at least 1/],
    ],
  ])('refuses %s with a 400 naming the field, and stores nothing', async (_what, id, body, messages) => {
    const before = server!.rules.list()
    const { status, body: reply } = await errorOf('PUT', `/api/rules/${id}`, body, admin('alice'))
    expect(status).toBe(400)
    expect(reply.error.code).toBe('invalid_rule')
    for (const m of messages) expect(reply.error.message).toMatch(m)
    expect(reply.error.details?.problems.length).toBeGreaterThanOrEqual(messages.length)
    expect(server!.rules.list()).toEqual(before)
    expect((await errorOf('GET', `/api/rules/${id}/history`)).status).toBe(404)
  })

  it.each<[string, string, string, unknown, Record<string, string> | undefined, number, string, RegExp]>([
    ['a body that is not JSON', 'PUT', '/api/rules/test-invalid', 'rule: yes', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type', /application\/json/],
    ['malformed JSON', 'PUT', '/api/rules/test-invalid', '{"id":', undefined, 400, 'bad_body', /could not be read/],
    ['a body over the limit', 'PUT', '/api/rules/test-invalid', { ...countyAqiRule(), pad: 'x'.repeat(MAX_RULE_BODY_BYTES) }, undefined, 413, 'body_too_large', /64 KB/],
    ['a JSON array', 'PUT', '/api/rules/test-invalid', [], undefined, 400, 'bad_body', /JSON object/],
    ['a PATCH naming an actor', 'PATCH', '/api/rules/env-aqi-critical', { enabled: false, actor: 'alice' }, undefined, 400, 'invalid_change', /^actor: unknown field$/],
    ['a PATCH with a non-boolean', 'PATCH', '/api/rules/env-aqi-critical', { enabled: 'no' }, undefined, 400, 'invalid_change', /^enabled: enabled must be true or false$/],
    ['a PATCH of another field', 'PATCH', '/api/rules/env-aqi-critical', { enabled: false, severity: 'info' }, undefined, 400, 'invalid_change', /severity: unknown field/],
    ['a DELETE naming an actor in the body', 'DELETE', '/api/rules/env-aqi-critical', { actor: 'alice' }, undefined, 400, 'invalid_change', /^actor: unknown field$/],
    ['a DELETE naming an actor in the query', 'DELETE', '/api/rules/env-aqi-critical?actor=bob', undefined, undefined, 400, 'bad_query', /unknown query parameter "actor"/],
    ['a PATCH of an unknown rule', 'PATCH', '/api/rules/no-such-rule', { enabled: false }, undefined, 404, 'unknown_rule', /no rule no-such-rule/],
    ['a DELETE of an unknown rule', 'DELETE', '/api/rules/no-such-rule', undefined, undefined, 404, 'unknown_rule', /no rule no-such-rule/],
    ['a GET of an unknown rule', 'GET', '/api/rules/no-such-rule', undefined, undefined, 404, 'unknown_rule', /no rule no-such-rule/],
    ['the history of an unknown rule', 'GET', '/api/rules/no-such-rule/history', undefined, undefined, 404, 'unknown_rule', /no rule no-such-rule/],
  ])('refuses %s', async (_what, method, url, body, headers, status, code, message) => {
    const before = await call<RuleHistoryReply>('GET', '/api/rules/env-aqi-critical/history')
    const reply = await errorOf(method, url, body, admin('alice'), headers)
    expect(reply.status).toBe(status)
    expect(reply.body).toMatchObject({ ok: false, error: { code } })
    expect(reply.body.error.message).toMatch(message)
    expect((await call<RuleHistoryReply>('GET', '/api/rules/env-aqi-critical/history')).body).toEqual(before.body)
  })

  it.each<[string, Who, number, string, RegExp]>([
    ['without credentials', null, 401, 'unauthenticated', /sign in/],
    ['from a leader', 'leader', 403, 'forbidden', /the leader role may not change alert rules/],
    ['from an analyst', 'analyst', 403, 'forbidden', /the analyst role may not change alert rules/],
    ['from a duty officer', 'duty', 403, 'forbidden', /the duty role may not change alert rules/],
  ])('refuses a PUT, PATCH and DELETE %s, and stores nothing', async (_what, who, status, code, message) => {
    const before = await call<RuleHistoryReply>('GET', '/api/rules/env-aqi-critical/history')
    const { rule } = (await call<RuleReply>('GET', '/api/rules/env-aqi-critical')).body
    const attempts: Array<[string, unknown]> = [
      ['PUT', { ...rule, severity: 'info' }],
      ['PATCH', { enabled: !rule.enabled }],
      ['DELETE', undefined],
    ]
    for (const [method, body] of attempts) {
      const reply = await errorOf(method, '/api/rules/env-aqi-critical', body, who)
      expect(reply.status, method).toBe(status)
      expect(reply.body, method).toMatchObject({ ok: false, error: { code } })
      expect(reply.body.error.message, method).toMatch(message)
    }
    expect((await call<RuleHistoryReply>('GET', '/api/rules/env-aqi-critical/history')).body).toEqual(before.body)
    expect((await call<RuleReply>('GET', '/api/rules/env-aqi-critical')).body.rule).toEqual(rule)
  })
})

describe('restart', () => {
  it('keeps every change, repairs the rules table from the audit log, and does not seed again', async () => {
    // A default rule deleted and one edited must stay so: a second start seeds nothing.
    expect((await call('DELETE', '/api/rules/env-o3-high', undefined, admin('alice'))).status).toBe(200)
    const edited = (await call<RuleReply>('GET', '/api/rules/traffic-congestion-severe')).body.rule
    const put = await call<{ version: number }>('PUT', '/api/rules/traffic-congestion-severe', { ...edited, severity: 'critical' }, admin('bob'))
    expect(put).toMatchObject({ status: 200, body: { version: 2 } })
    // A crash between the audit row and the rules row: the audit log says version 3, the rules table stops at 2.
    const t = tableNames(server!.storage.database)
    const crashed: Rule = { ...edited, severity: 'critical', keepFiringFor: 1200 }
    await server!.storage.client.insert({
      table: t.ruleChanges,
      values: [{ id: crashed.id, version: 3, at: new Date().toISOString(), actor: 'carol', action: 'updated', before: JSON.stringify({ ...edited, severity: 'critical' }), after: JSON.stringify(crashed) }],
      format: 'JSONEachRow',
    })
    expect(await materialised(crashed.id)).toMatchObject({ version: 2 })

    const rulesBefore = server!.rules.list()
    const historyBefore = (await call<RuleHistoryReply>('GET', '/api/rules/env-o3-high/history')).body
    await stopAll()
    await startAll()

    const after = (await call<RuleListReply>('GET', '/api/rules')).body.rules
    expect(after.map((r) => r.id)).not.toContain('env-o3-high')
    expect(after).toEqual(rulesBefore.map((r) => (r.id === crashed.id ? crashed : r)))
    expect((await call<RuleReply>('GET', `/api/rules/${crashed.id}`)).body).toMatchObject({ rule: crashed, version: 3, updatedBy: 'carol' })
    expect(await materialised(crashed.id)).toMatchObject({ definition: crashed, version: 3, deleted: false })
    expect((await call<RuleHistoryReply>('GET', '/api/rules/env-o3-high/history')).body).toEqual(historyBefore)

    // Numbering continues after the restart.
    const next = await call<{ version: number }>('PATCH', `/api/rules/${crashed.id}`, { enabled: false }, admin('dave'))
    expect(next).toMatchObject({ status: 200, body: { version: 4 } })
  })
})
