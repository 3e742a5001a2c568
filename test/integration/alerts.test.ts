import fs from 'node:fs'
import path from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert, Silence } from '../../common/alert-state'
import type { AlertEnvelope, ClientToServerEvents, ServerToClientEvents } from '../../common/live-contract'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { expectReplyMatchesContract } from '../fixtures/reply-contract'
import { ndjson, postIngest, REPO_ROOT, startTestServer, tempDir, type TestServer } from './harness'

/**
 * Alerting end to end on the real server: the default rules, points over HTTP,
 * alert events on a socket, the duty officer's actions over HTTP, and a restart
 * that rebuilds the same alerts from the log. Whoever acts is the signed-in
 * account: the duty officers below are accounts of the duty role.
 */

/** Who a request is made as (see TestServer.token); null sends no credentials. */
type Who = Parameters<TestServer['token']>[0] | null
const duty = (name: string, region?: string): Who => ({ name, role: 'duty', region })

let server: TestServer
let dataDir: string
let catalogDir: string
const sockets: Socket[] = []
// Hours back: the default AQI rule keeps firing 2 h after readings turn clean.
const T = Date.now() - 4 * 3_600_000

beforeAll(async () => {
  dataDir = tempDir('alerts-data')
  catalogDir = writeTestCatalogDir()
  fs.cpSync(path.join(REPO_ROOT, 'sample-data/rules'), path.join(catalogDir, 'rules'), { recursive: true })
  server = await startTestServer({ DATA_DIR: dataDir, CATALOG_DIR: catalogDir, TICK_MS: '100' })
})
afterAll(async () => {
  for (const s of sockets) s.disconnect()
  await server?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
  fs.rmSync(catalogDir, { recursive: true, force: true })
})

async function call<T>(method: string, url: string, body?: unknown, who: Who = 'admin'): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...(who === null ? {} : await server.authHeaders(who)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  // Every reply read here is also held to its route's contract (common/api).
  return { status: res.status, body: expectReplyMatchesContract(method, url, res.status, await res.json()) as T }
}

/** A screen signed in as the demo leader, subscribed to a region; resolves once the subscription is acknowledged. */
async function watch(region: string): Promise<{ socket: Socket<ServerToClientEvents, ClientToServerEvents>; events: AlertEnvelope[] }> {
  const token = await server.token('leader')
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } })
  sockets.push(socket)
  const events: AlertEnvelope[] = []
  socket.on('alert', (e) => events.push(e))
  const ack = await socket.emitWithAck('subscribe', { region })
  if (!ack.ok) throw new Error(`subscribe ${region}: ${ack.error.message}`)
  return { socket, events }
}

async function until<T>(find: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const found = find()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const aqi = (value: number, minute: number, station = 'AQ-990101-01', region = '990101') => ({ ts: T + minute * 60_000, indicator: 'env.aqi', region, station, value })

describe('alerts end to end', () => {
  let alertId: string

  it('raises a critical alert on two consecutive AQI readings above 200 and pushes it to a subscribed screen', async () => {
    const [screen, elsewhere] = await Promise.all([watch('990100'), watch('990200')])
    const judged = server.engine.evaluations
    await postIngest(server.url, ndjson([aqi(300, 0)]))
    // One reading is not enough: judged, and pending.
    await expect.poll(() => server.engine.evaluations).toBeGreaterThan(judged)
    expect(server.engine.pending().map((p) => p.ruleId)).toContain('env-aqi-critical')
    expect(screen.events).toEqual([])
    await postIngest(server.url, ndjson([aqi(310, 1)]))
    const raised = await until(() => screen.events.find((e) => e.event.type === 'raised'), 'the raised event')
    expect(raised.event).toMatchObject({ region: '990101', station: 'AQ-990101-01', indicator: 'env.aqi', actor: 'system' })
    expect(raised.event.data).toMatchObject({ ruleId: 'env-aqi-critical', severity: 'critical', value: 310, message: { zh: expect.stringMatching(/310/) } })
    alertId = raised.event.alertId
    // The other city's screen heard nothing of it.
    expect(elsewhere.events).toEqual([])
    const { body } = await call<{ alerts: Alert[] }>('GET', '/api/alerts?state=firing&severity=critical')
    expect(body.alerts.map((a) => a.id)).toEqual([alertId])
    // The rules list says when the rule last fired, within the account's region only.
    const raisedAt = body.alerts[0]!.raisedAt
    const rules = await call<{ lastFired?: Record<string, number> }>('GET', '/api/rules')
    expect(rules.body.lastFired?.['env-aqi-critical']).toBe(raisedAt)
    const yi = await call<{ lastFired?: Record<string, number> }>('GET', '/api/rules', undefined, { name: 'yi-admin', role: 'admin', region: '990200' })
    expect(yi.body.lastFired?.['env-aqi-critical']).toBeUndefined()
  })

  it('acknowledges over HTTP; the screen hears it and the history shows who, when and the value', async () => {
    const screen = await watch('990000')
    const ack = await call<Alert>('POST', `/api/alerts/${alertId}/ack`, { comment: '已通知环保局' }, duty('duty-wang'))
    expect(ack.status).toBe(200)
    expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'duty-wang' })
    await until(() => screen.events.find((e) => e.event.type === 'acknowledged' && e.event.alertId === alertId), 'the acknowledged event')
    expect((await call('POST', `/api/alerts/${alertId}/assign`, { assignee: 'field-team-2' }, duty('duty-wang'))).status).toBe(200)
    const history = await call<{ events: AlertEnvelope[] }>('GET', `/api/alerts/${alertId}/events`)
    expect(history.body.events.map((e) => [e.event.type, e.event.actor])).toEqual([
      ['raised', 'system'],
      ['acknowledged', 'duty-wang'],
      ['assigned', 'duty-wang'],
    ])
    expect(history.body.events[1]!.event.data).toMatchObject({ comment: '已通知环保局', value: 310 })
    const seqs = history.body.events.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
  })

  it('refuses bad actions with messages that name the problem', async () => {
    const before = await call<{ events: AlertEnvelope[] }>('GET', `/api/alerts/${alertId}/events`)
    const cases: Array<[string, string, unknown, Who, number, string, RegExp]> = [
      ['POST', `/api/alerts/${alertId}/ack`, {}, duty('duty-li'), 409, 'conflict', /already acknowledged by duty-wang/],
      // The actor is the signed-in account: a body naming one is refused, not believed.
      ['POST', `/api/alerts/${alertId}/assign`, { actor: 'duty-li', assignee: 'x' }, duty('duty-li'), 400, 'bad_body', /actor: unknown field/],
      ['POST', `/api/alerts/${alertId}/assign`, { assignee: 'x' }, null, 401, 'unauthenticated', /sign in/],
      ['POST', `/api/alerts/${alertId}/assign`, { assignee: 'x' }, 'leader', 403, 'forbidden', /leader role may not act on alerts/],
      // A duty officer of another city does not see the alert at all.
      ['POST', `/api/alerts/${alertId}/assign`, { assignee: 'x' }, duty('duty-yi', '990200'), 404, 'not_found', new RegExp(`no alert ${alertId}`)],
      ['POST', `/api/alerts/${alertId}/comment`, { text: '' }, duty('duty-a'), 400, 'bad_body', /text/],
      ['POST', '/api/alerts/al-nope/resolve', {}, duty('duty-a'), 404, 'not_found', /no alert al-nope/],
      ['GET', '/api/alerts?state=burning', undefined, 'admin', 400, 'bad_query', /state must be among firing, acknowledged, resolved/],
      ['POST', '/api/silences', { matchers: {}, durationMinutes: 5, reason: 'x' }, duty('duty-a'), 400, 'bad_body', /matchers must name at least one/],
      ['POST', '/api/silences', { matchers: { region: '990100' }, reason: 'x' }, duty('duty-a'), 400, 'bad_body', /endsAt or durationMinutes/],
      ['POST', '/api/silences', { matchers: { region: '123456' }, durationMinutes: 5, reason: 'x' }, duty('duty-a'), 404, 'unknown_region', /unknown region 123456/],
      ['POST', '/api/silences', { actor: 'duty-a', matchers: { region: '990100' }, durationMinutes: 5, reason: 'x' }, duty('duty-a'), 400, 'bad_body', /actor: unknown field/],
      ['POST', '/api/silences', { matchers: { region: '990100' }, durationMinutes: 5, reason: 'x' }, 'analyst', 403, 'forbidden', /analyst role may not act on alerts/],
    ]
    for (const [method, url, body, who, status, code, message] of cases) {
      const what = `${method} ${url} as ${JSON.stringify(who)}`
      const res = await call<{ ok: false; error: { code: string; message: string } }>(method, url, body, who)
      expect(res.status, what).toBe(status)
      expect(res.body.error.code, what).toBe(code)
      expect(res.body.error.message, what).toMatch(message)
    }
    // None of them changed the alert or made a silence.
    expect((await call<{ events: AlertEnvelope[] }>('GET', `/api/alerts/${alertId}/events`)).body).toEqual(before.body)
    expect((await call<{ silences: Silence[] }>('GET', '/api/silences?all=1')).body.silences).toEqual([])
  })

  it('silences over HTTP: new matching alerts are silenced; ending it is an event too', async () => {
    const created = await call<Silence>('POST', '/api/silences', { matchers: { region: '990200' }, durationMinutes: 60, reason: '设备检修' }, duty('duty-li'))
    expect(created.status).toBe(201)
    await postIngest(server.url, ndjson([aqi(260, 2, 'AQ-990200-01', '990200'), aqi(270, 3, 'AQ-990200-01', '990200')]))
    const silenced = await until(() => {
      const a = server.alerting.list({ region: '990200' })[0]
      return a?.silencedBy ? a : undefined
    }, 'the silenced alert')
    expect(silenced.silencedBy).toBe(created.body.id)
    const ended = await call<Silence>('POST', `/api/silences/${created.body.id}/end`, {}, duty('duty-li'))
    expect(ended.body).toMatchObject({ endedReason: 'ended by duty-li' })
    expect(server.alerting.get(silenced.id)!.silencedBy).toBeNull()
  })

  it('takes a rule change at once: a new rule over the API raises on the next points', async () => {
    const rule = {
      id: 'pm25-test',
      name: { zh: 'PM2.5 超标', en: 'PM2.5 high' },
      indicator: 'env.pm25',
      scope: { stationKind: 'air' },
      condition: { kind: 'threshold', op: 'above', value: 75 },
      severity: 'warning',
      message: { zh: '{station} PM2.5 {value}', en: '{station} PM2.5 {value}' },
    }
    expect((await call('PUT', '/api/rules/pm25-test', rule, { name: 'admin-zhao', role: 'admin' })).status).toBe(201)
    await postIngest(server.url, ndjson([{ ts: T, indicator: 'env.pm25', region: '990101', station: 'AQ-990101-01', value: 90 }]))
    const raised = await until(() => server.alerting.list({ indicator: 'env.pm25' })[0], 'the PM2.5 alert')
    expect(raised).toMatchObject({ ruleId: 'pm25-test', value: 90, state: 'firing' })
  })

  it('groups a storm: two stations firing one rule together are one grouped alert, acknowledged once, resolved with its last member', async () => {
    const rule = {
      id: 'pm25-grouped',
      name: { zh: 'PM2.5 严重超标', en: 'PM2.5 very high' },
      indicator: 'env.pm25',
      scope: { stationKind: 'air' },
      condition: { kind: 'threshold', op: 'above', value: 150 },
      group: { by: 'province', min: 2 },
      severity: 'warning',
      message: { zh: '{station} PM2.5 {value}', en: '{station} PM2.5 {value}' },
    }
    expect((await call('PUT', '/api/rules/pm25-grouped', rule, { name: 'admin-zhao', role: 'admin' })).status).toBe(201)
    const screen = await watch('990000')
    const pm25 = (value: number, minute: number, station: string, region: string) => ({ ts: T + minute * 60_000, indicator: 'env.pm25', region, station, value })
    await postIngest(server.url, ndjson([pm25(200, 20, 'AQ-990101-01', '990101'), pm25(210, 20, 'AQ-990200-01', '990200')]))

    const listed = async () => (await call<{ alerts: Alert[] }>('GET', '/api/alerts?state=firing,acknowledged', undefined, duty('duty-wang'))).body.alerts.filter((a) => a.ruleId === 'pm25-grouped')
    const group = await until(() => server.alerting.list().find((a) => a.ruleId === 'pm25-grouped' && a.group === 'storm' && a.members.length === 2), 'the grouped alert')
    const alerts = await listed()
    expect(alerts.find((a) => a.id === group.id)).toMatchObject({ region: '990000', station: '', state: 'firing' })
    expect(alerts.filter((a) => a.groupId === group.id).map((a) => a.station).sort()).toEqual(['AQ-990101-01', 'AQ-990200-01'])
    await until(() => screen.events.find((e) => e.event.type === 'raised' && e.event.alertId === group.id), 'the group on the screen')

    expect((await call<Alert>('POST', `/api/alerts/${group.id}/ack`, {}, duty('duty-wang'))).body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'duty-wang' })
    await postIngest(server.url, ndjson([pm25(40, 21, 'AQ-990101-01', '990101')]))
    await until(() => (server.alerting.get(group.members[0]!)!.state === 'resolved' ? true : undefined), 'the first member resolving')
    expect(server.alerting.get(group.id)!.state).toBe('acknowledged')
    await postIngest(server.url, ndjson([pm25(40, 21, 'AQ-990200-01', '990200')]))
    await until(() => (server.alerting.get(group.id)!.state === 'resolved' ? true : undefined), 'the group resolving with its last member')
    const history = await call<{ events: AlertEnvelope[] }>('GET', `/api/alerts/${group.id}/events`)
    expect(history.body.events.map((e) => [e.event.type, e.event.actor])).toEqual([
      ['raised', 'system'],
      ['acknowledged', 'duty-wang'],
      ['resolved', 'system'],
    ])
  })

  it('rebuilds the same alerts and silences from the log after a restart', async () => {
    const before = { alerts: server.alerting.list(), silences: server.alerting.silences(true) }
    await server.close()
    server = await startTestServer({ DATA_DIR: dataDir, CATALOG_DIR: catalogDir, TICK_MS: '100' })
    expect(server.alerting.list()).toEqual(before.alerts)
    expect(server.alerting.silences(true)).toEqual(before.silences)
    // The acknowledged AQI alert resolves once its station has read clean (under the 180
    // recovery level) for the rule's keepFiringFor of 2 h: not after one clean reading.
    const judged = server.engine.evaluations
    await postIngest(server.url, ndjson([aqi(90, 60)]))
    await expect.poll(() => server.engine.evaluations).toBeGreaterThan(judged)
    expect(server.alerting.get(alertId)!.state).toBe('acknowledged')
    await postIngest(server.url, ndjson([aqi(95, 60 + 121)]))
    await until(() => (server.alerting.get(alertId)!.state === 'resolved' ? true : undefined), 'the automatic resolution')
    expect(server.alerting.get(alertId)).toMatchObject({ resolvedBy: 'system', acknowledgedBy: 'duty-wang', assignee: 'field-team-2' })
  })
})
