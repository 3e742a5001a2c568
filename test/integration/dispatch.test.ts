import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alert } from '../../common/alert-state'
import type { CaseDetailReply, CaseListReply, DepartmentListReply, DepartmentReply, DispatchReply, FeedbackViewReply, RouteReply } from '../../common/api/dispatch-api'
import type { Case } from '../../common/dispatch-schema'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { expectReplyMatchesContract } from '../fixtures/reply-contract'
import { ndjson, postIngest, REPO_ROOT, startTestServer, tempDir, type TestServer } from './harness'

/**
 * 一键触达 against the real engine and server: departments and routing
 * provisioned as data, kept within each account's region, their channel
 * secrets never answered; an alert dispatched in one call to the routed
 * department, refused with the reason for an unknown department, one
 * outside the officer's region, a closed alert or a deadline in the past;
 * the case followed through its life to closure, overdue once its deadline
 * passes, and all of it back after a restart.
 */

type Who = Parameters<TestServer['token']>[0]
const jiaDuty: Who = { name: 'jia-duty', role: 'duty', region: '990100' }
const yiDuty: Who = { name: 'yi-duty', role: 'duty', region: '990200' }
const jiaAdmin: Who = { name: 'jia-admin', role: 'admin', region: '990100' }

let server: TestServer
let dataDir: string
let catalogDir: string
/** How far the server's clock runs ahead of the real one (to pass deadlines without waiting for them). */
let skew = 0
const T = Date.now() - 4 * 3_600_000

async function start(): Promise<void> {
  server = await startTestServer({ DATA_DIR: dataDir, CATALOG_DIR: catalogDir }, { now: () => Date.now() + skew })
}

beforeAll(async () => {
  dataDir = tempDir('dispatch-data')
  catalogDir = writeTestCatalogDir()
  fs.cpSync(path.join(REPO_ROOT, 'sample-data/rules'), path.join(catalogDir, 'rules'), { recursive: true })
  await start()
})
afterAll(async () => {
  await server?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
  fs.rmSync(catalogDir, { recursive: true, force: true })
})

async function call<T>(method: string, url: string, body?: unknown, who: Who = 'admin'): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...(await server.authHeaders(who)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: expectReplyMatchesContract(method, url, res.status, await res.json()) as T }
}
type ErrorBody = { error: { code: string; message: string; details?: { problems?: Array<{ path: unknown[]; message: string }> } } }

/** Two AQI readings above 200 at a station: the sample rule raises a critical alert. */
async function raiseAqiAlert(station: string, region: string, minute: number): Promise<Alert> {
  await postIngest(server.url, ndjson([300, 310].map((value, i) => ({ ts: T + (minute + i) * 60_000, indicator: 'env.aqi', region, station, value }))))
  for (let i = 0; i < 250; i++) {
    const alert = server.alerting.list().find((a) => a.station === station && a.state === 'firing')
    if (alert) return alert
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`no alert at ${station}`)
}

describe('departments and routing as data', () => {
  it('are provisioned, and each account sees those of its region', async () => {
    const all = await call<DepartmentListReply>('GET', '/api/departments')
    expect(all.body.departments).toHaveLength(12)
    expect(all.body.departments.find((d) => d.code === '990100-eco')).toMatchObject({ name: { zh: '甲市生态环境局' }, region: '990100', supervisor: '990000-eco', channels: [] })
    const jia = await call<DepartmentListReply>('GET', '/api/departments', undefined, jiaDuty)
    expect(jia.body.departments.map((d) => d.code).sort()).toEqual(['990100-eco', '990100-market', '990100-rural', '990100-transport'])
  })

  it('never answer a channel’s secret, and keep it when an edit leaves it out', async () => {
    const stored = (await call<DepartmentReply>('GET', '/api/departments/990100-eco')).body
    const secret = 'a-webhook-secret-of-some-length'
    const channel = { kind: 'webhook', url: 'http://127.0.0.1:9/hook?token=abc', secret }
    const put = await call<DepartmentReply>('PUT', '/api/departments/990100-eco', { definition: { ...stored.definition, channels: [channel] }, version: stored.version })
    expect(put.status).toBe(200)
    expect(JSON.stringify(put.body)).not.toContain(secret)
    expect(put.body.definition.channels).toEqual([{ kind: 'webhook', url: 'http://127.0.0.1:9/hook?…', secretSet: true }])
    // An edit sends the channel back without its secret: the stored one stays.
    const again = await call<DepartmentReply>('PUT', '/api/departments/990100-eco', { definition: { ...stored.definition, name: { zh: '甲市生态环境局（值班）', en: 'Jia Ecology Bureau (duty)' }, channels: [{ kind: 'webhook', url: channel.url }] }, version: put.body.version })
    expect(again.body.definition.channels[0]!.secretSet).toBe(true)
    expect(server.departments.get('990100-eco')!.channels[0]).toMatchObject({ secret })
    const history = await fetch(`${server.url}/api/departments/990100-eco/history`, { headers: await server.authHeaders('admin') })
    expect(await history.text()).not.toContain(secret)
  })

  it('refuse a department that names what does not exist or lies outside the editor’s region, and one in use', async () => {
    const bad = await call<ErrorBody>('PUT', '/api/departments/990200-water', { definition: { name: { zh: '乙市水务局', en: 'Yi Water' }, region: '990200', supervisor: 'nope', channels: [] } }, jiaAdmin)
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toBe('region: 990200 lies outside your region 990100; supervisor: there is no department nope')
    const shape = await call<ErrorBody>('PUT', '/api/departments/990100-water', { definition: { name: { zh: '水务局', en: 'Water' }, region: '990100', channels: [{ kind: 'webhook', url: 'ftp://x' }] } })
    expect(shape.status).toBe(400)
    expect(shape.body.error.message).toMatch(/channels\.0\.url: must be an http\(s\) URL/)
    const inUse = await call<ErrorBody>('DELETE', '/api/departments/990000-eco')
    expect(inUse.status).toBe(409)
    expect(inUse.body.error.message).toMatch(/it supervises 990100-eco, 990200-eco; 1 route names it/)
    expect((await call('PUT', '/api/departments/x', { definition: {} }, jiaDuty)).status).toBe(403)
  })
})

/** The department's answer through its link, as its page sends it. */
async function feedback(id: string, token: string, action: 'accept' | 'report', text = ''): Promise<{ status: number; body: Case & ErrorBody }> {
  const res = await fetch(`${server.url}/api/cases/${id}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, action, text }) })
  return { status: res.status, body: expectReplyMatchesContract('POST', `/api/cases/${id}/feedback`, res.status, await res.json()) as Case & ErrorBody }
}
async function feedbackView(token: string): Promise<{ status: number; body: FeedbackViewReply & ErrorBody }> {
  const res = await fetch(`${server.url}/api/feedback`, { headers: { 'x-case-token': token } })
  return { status: res.status, body: expectReplyMatchesContract('GET', '/api/feedback', res.status, await res.json()) as FeedbackViewReply & ErrorBody }
}

describe('dispatch, in one action', () => {
  let alert: Alert
  let caseId: string
  let token: string

  it('proposes the routed department and deadline, and opens a case with it', async () => {
    alert = await raiseAqiAlert('AQ-990101-01', '990101', 0)
    const route = await call<RouteReply>('GET', `/api/alerts/${alert.id}/route`, undefined, jiaDuty)
    expect(route.body).toEqual({ department: '990100-eco', deadlineMinutes: 120 })
    const before = Date.now() + skew
    const made = await call<DispatchReply>('POST', `/api/alerts/${alert.id}/dispatch`, { department: '990100-eco', note: '请立即核查排放' }, jiaDuty)
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ alertId: alert.id, department: '990100-eco', state: 'dispatched', dispatchedBy: 'jia-duty', note: '请立即核查排放' })
    expect(made.body.deadline).toBeGreaterThanOrEqual(before + 120 * 60_000)
    expect(made.body.deadline).toBeLessThan(before + 121 * 60_000)
    caseId = made.body.id
    expect(made.body.link).toMatch(/^\/r\/[\w-]+\.[\w-]+$/)
    token = made.body.link.slice(3)
  })

  it('refuses, with the reason, an unknown department, one outside the officer’s region, a deadline in the past, and a second case', async () => {
    const unknown = await call<ErrorBody>('POST', `/api/alerts/${alert.id}/dispatch`, { department: 'nope' }, jiaDuty)
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'unknown_department'])
    const outside = await call<ErrorBody>('POST', `/api/alerts/${alert.id}/dispatch`, { department: '990200-eco' }, jiaDuty)
    expect([outside.status, outside.body.error.code]).toEqual([403, 'outside_scope'])
    const past = await call<ErrorBody>('POST', `/api/alerts/${alert.id}/dispatch`, { department: '990100-eco', deadlineMinutes: -5 }, jiaDuty)
    expect(past.status).toBe(400)
    expect(past.body.error.message).toMatch(/deadlineMinutes must be in the future/)
    const twice = await call<ErrorBody>('POST', `/api/alerts/${alert.id}/dispatch`, { department: '990100-market' }, jiaDuty)
    expect(twice.status).toBe(409)
    expect(twice.body.error.message).toMatch(/already dispatched to 990100-eco/)
    // Another city's officer does not see the alert at all; a leader may not dispatch.
    expect((await call<ErrorBody>('POST', `/api/alerts/${alert.id}/dispatch`, { department: '990200-eco' }, yiDuty)).status).toBe(404)
    expect((await call<ErrorBody>('POST', `/api/alerts/${alert.id}/dispatch`, { department: '990100-eco' }, 'leader')).status).toBe(403)
  })

  it('refuses dispatching a closed alert', async () => {
    const other = await raiseAqiAlert('AQ-990200-01', '990200', 10)
    expect((await call('POST', `/api/alerts/${other.id}/resolve`, {})).status).toBe(200)
    const closed = await call<ErrorBody>('POST', `/api/alerts/${other.id}/dispatch`, { department: '990200-eco' })
    expect([closed.status, closed.body.error.code]).toEqual([409, 'alert_closed'])
  })

  it('follows the case to closure: a report returned with a reason, reported again, verified and closed', async () => {
    const early = await call<ErrorBody>('POST', `/api/cases/${caseId}/verify`, { ok: true }, jiaDuty)
    expect(early.status).toBe(409)
    expect(early.body.error.message).toMatch(/a case that is dispatched cannot be closed/)
    // The department reads the case through its link, without an account, and answers.
    const view = await feedbackView(token)
    expect(view.status).toBe(200)
    expect(view.body).toMatchObject({ case: { id: caseId, state: 'dispatched', note: '请立即核查排放' }, department: { zh: '甲市生态环境局（值班）' }, value: 310, threshold: 200, station: { zh: '东区站' } })
    expect(view.body.place.map((p) => p.zh)).toEqual(['测试省', '甲市', '东区'])
    expect((await feedback(caseId, token, 'accept')).body.state).toBe('accepted')
    const empty = await feedback(caseId, token, 'report', '  ')
    expect([empty.status, empty.body.error.message]).toEqual([400, expect.stringMatching(/text: a report says what was done/)])
    expect((await feedback(caseId, token, 'report', '已责令整改')).body.state).toBe('reported')
    const noReason = await call<ErrorBody>('POST', `/api/cases/${caseId}/verify`, { ok: false }, jiaDuty)
    expect(noReason.status).toBe(400)
    expect(noReason.body.error.message).toMatch(/comment: a case returned needs a comment saying why/)
    expect((await call<Case>('POST', `/api/cases/${caseId}/verify`, { ok: false, comment: '读数仍超标' }, jiaDuty)).body).toMatchObject({ state: 'returned', returns: 1 })
    expect((await feedback(caseId, token, 'report', '已停产整顿')).body.state).toBe('reported')
    expect((await call<Case>('POST', `/api/cases/${caseId}/verify`, { ok: true, comment: '现场核实' }, jiaDuty)).body).toMatchObject({ state: 'closed' })
    const detail = await call<CaseDetailReply>('GET', `/api/cases/${caseId}`, undefined, jiaDuty)
    expect(detail.body.events.map((e) => [e.type, e.actor])).toEqual([
      ['dispatched', 'jia-duty'],
      ['accepted', 'department:990100-eco'],
      ['reported', 'department:990100-eco'],
      ['returned', 'jia-duty'],
      ['reported', 'department:990100-eco'],
      ['closed', 'jia-duty'],
    ])
    expect((await call<ErrorBody>('GET', `/api/cases/${caseId}`, undefined, yiDuty)).status).toBe(404)
    // Closed, the link no longer works.
    const after = await feedbackView(token)
    expect([after.status, after.body.error.message]).toEqual([403, 'the case is closed; this link no longer works'])
  })

  it('lets a link answer its own case only, and no forged or expired link at all', async () => {
    const other = await raiseAqiAlert('AQ-990101-01', '990101', 30)
    const made = (await call<DispatchReply>('POST', `/api/alerts/${other.id}/dispatch`, { department: '990100-market' }, jiaDuty)).body
    const own = made.link.slice(3)
    // The closed case's token does not open this one; a token for this one does not answer another.
    expect((await feedback(made.id, token, 'accept')).status).toBe(403)
    const forged = `${own.split('.')[0]}.${'A'.repeat(43)}`
    expect((await feedbackView(forged)).body.error.message).toBe('the link is not valid')
    expect((await fetch(`${server.url}/api/feedback`)).status).toBe(401)
    skew = 8 * 86_400_000
    try {
      expect((await feedbackView(own)).body.error.message).toBe('the link has expired')
    } finally {
      skew = 0
    }
    expect((await feedback(made.id, own, 'accept')).status).toBe(200)
    // Closed by the officer so the alert's next case below starts afresh.
    await feedback(made.id, own, 'report', '已处理')
    await call('POST', `/api/cases/${made.id}/verify`, { ok: true }, jiaDuty)
  })

  it('marks a case overdue when its deadline passes before closure, lists it, and keeps every case across a restart', async () => {
    const late = await raiseAqiAlert('AQ-990101-01', '990101', 60)
    const c = (await call<Case>('POST', `/api/alerts/${late.id}/dispatch`, { department: '990100-eco', deadlineMinutes: 30 }, jiaDuty)).body
    skew = 31 * 60_000
    expect((await server.cases.markOverdue()).map((x) => x.id)).toEqual([c.id])
    const overdue = await call<CaseListReply>('GET', '/api/cases?overdue=true', undefined, jiaDuty)
    expect(overdue.body.cases.map((x) => x.id)).toEqual([c.id])
    expect((await call<CaseListReply>('GET', '/api/cases?overdue=true', undefined, yiDuty)).body.cases).toEqual([])
    expect((await call<CaseListReply>('GET', '/api/cases?state=closed')).body.cases.map((x) => x.id)).toContain(caseId)
    const bad = await call<ErrorBody>('GET', '/api/cases?state=done')
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toMatch(/state must be one of dispatched, accepted, reported, returned, closed/)

    const before = (await call<CaseListReply>('GET', '/api/cases')).body
    await server.stop()
    await start()
    expect((await call<CaseListReply>('GET', '/api/cases')).body).toEqual(before)
    expect((await call<CaseDetailReply>('GET', `/api/cases/${c.id}`)).body.events.map((e) => e.type)).toEqual(['dispatched', 'overdue'])
  })
})
