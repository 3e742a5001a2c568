import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CSV_BOM } from '../../common/series-csv'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { ndjson, postIngest, REPO_ROOT, startTestServer, type TestServer } from '../integration/harness'
import { launchBrowser, openPage, pageProblems, saveScreenshot } from './browser'

/**
 * The console's silences and audit pages in Chromium against the real server
 * on the test catalog (甲市 990100 with 东区 990101, and 乙市 990200): a
 * silence made in the page previews the open alert its matchers cover,
 * silences it, is ended early and stays in the history; the audit shows what
 * was done during the test, narrows by filter, downloads as CSV, keeps a
 * city's admin to its city, and is refused to those who are not admins.
 */

let server: TestServer
let browser: Browser
let catalogDir: string
let jiaAlert = ''
let yiAlert = ''
const NOW = Date.now()

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const rule = (id: string, region: string) => ({
  id,
  name: { zh: `界面测试 ${region}`, en: `UI test ${region}` },
  indicator: 'env.aqi',
  scope: { stationKind: 'air', region },
  condition: { kind: 'threshold', op: 'above', value: 200 },
  group: false,
  severity: 'warning',
  message: { zh: '{station} AQI {value}', en: '{station} AQI {value}' },
})

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/client/index.html'))) throw new Error('the client is not built: npm test builds it first (npm run build)')
  catalogDir = writeTestCatalogDir()
  const launching = launchBrowser()
  try {
    server = await startTestServer({ CATALOG_DIR: catalogDir })
  } finally {
    browser = await launching
  }
  // What the audit must show: a rule change, an alert acknowledged and an account made, each in each city.
  for (const [id, region] of [
    ['ui-jia', '990101'],
    ['ui-yi', '990200'],
  ] as const)
    expect((await server.fetch(`/api/rules/${id}`, json('PUT', rule(id, region)))).status).toBe(201)
  const aqi = (station: string, value: number) => ({ ts: NOW - 30_000, indicator: 'env.aqi', region: station.slice(3, 9), station, value })
  expect((await postIngest(server.url, ndjson([aqi('AQ-990101-01', 300), aqi('AQ-990200-01', 320)]))).status).toBe(200)
  for (let i = 0; i < 200 && server.alerting.list({ state: ['firing'] }).length < 2; i++) await new Promise((r) => setTimeout(r, 50))
  jiaAlert = server.alerting.list().find((a) => a.ruleId === 'ui-jia')!.id
  yiAlert = server.alerting.list().find((a) => a.ruleId === 'ui-yi')!.id
  for (const id of [jiaAlert, yiAlert]) expect((await server.fetch(`/api/alerts/${id}/ack`, json('POST', { comment: '现场核查中' }))).status).toBe(200)
  for (const [name, region] of [
    ['jia-analyst', '990101'],
    ['yi-analyst', '990200'],
  ])
    expect((await server.fetch('/api/users', json('POST', { name, role: 'analyst', region, password: 'a long enough password' }))).status).toBe(201)
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  if (catalogDir) fs.rmSync(catalogDir, { recursive: true, force: true })
})

const previewed = (page: Page) => page.$$eval('[data-testid="silence-preview"] li[data-alert]', (lis) => lis.map((li) => li.getAttribute('data-alert')))
const adminName = () => server.credentials.accounts.find((a) => a.role === 'admin')!.name

describe('the silences page', () => {
  it('previews the open alert the matchers cover, silences it, ends it early, and keeps it in the history', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/admin/silences`, await server.token('admin'))
    page.on('dialog', (d) => void d.accept())
    // The whole province at first: both alerts; narrowed to 东区: only its own.
    await expect.poll(() => previewed(page), { timeout: 15_000 }).toEqual(expect.arrayContaining([jiaAlert, yiAlert]))
    await page.selectOption('[data-testid="silence-region"]', '990101')
    await expect.poll(() => previewed(page)).toEqual([jiaAlert])
    await page.selectOption('[data-testid="silence-form"] select[name="ruleId"]', 'ui-yi')
    await expect.poll(() => page.locator('[data-testid="silence-preview"]').getAttribute('data-count')).toBe('0')
    await page.selectOption('[data-testid="silence-form"] select[name="ruleId"]', 'ui-jia')
    await expect.poll(() => previewed(page)).toEqual([jiaAlert])

    // A reason is required, and said so in Chinese before anything is sent.
    await page.click('[data-testid="silence-form"] button[type="submit"]')
    expect(await page.locator('[data-testid="form-error"]').textContent()).toBe('原因：必填')
    await page.fill('[data-testid="silence-form"] input[name="reason"]', '东区站设备检修')
    await page.selectOption('[data-testid="silence-duration"]', '240')
    await page.click('[data-testid="silence-form"] button[type="submit"]')
    await expect.poll(() => page.locator('[data-testid="form-done"]').textContent()).toBe('静默已创建，当前静默 1 条告警')
    const silenceId = server.alerting.get(jiaAlert)!.silencedBy!
    expect(silenceId).toBeTruthy()
    expect(server.alerting.get(yiAlert)!.silencedBy).toBeNull()
    const row = page.locator(`[data-testid="silences"] tr[data-silence="${silenceId}"]`)
    await expect.poll(() => row.getAttribute('data-state')).toBe('active')
    expect(await row.textContent()).toMatch(/规则 ui-jia · 东区.*东区站设备检修/)
    // The preview shows it as silenced now.
    await expect.poll(() => page.locator(`[data-testid="silence-preview"] li[data-alert="${jiaAlert}"]`).textContent()).toMatch(/已静默/)
    await page.screenshot({ path: saveScreenshot('admin-silences.png') })

    // Ended early: the alert speaks again; the silence stays in the history as ended, by whom.
    await row.locator('[data-testid="end-silence"]').click()
    await expect.poll(() => row.getAttribute('data-state')).toBe('ended')
    expect(await row.textContent()).toContain(`${adminName()} 结束于`)
    expect(await row.locator('[data-testid="end-silence"]').count()).toBe(0)
    expect(server.alerting.get(jiaAlert)!.silencedBy).toBeNull()
    expect(server.alerting.silences(true).find((s) => s.id === silenceId)).toMatchObject({ endedReason: `ended by ${adminName()}`, reason: '东区站设备检修' })
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })
})

describe('the audit page', () => {
  const rows = (page: Page) =>
    page.$$eval('[data-testid="audit"] tbody tr', (trs) => trs.map((tr) => ({ kind: tr.getAttribute('data-kind'), action: tr.getAttribute('data-action'), subject: tr.getAttribute('data-subject') })))
  const has = (list: Array<{ kind: string | null; action: string | null; subject: string | null }>, kind: string, action: string, subject: string) =>
    list.some((r) => r.kind === kind && r.action === action && r.subject === subject)
  const search = async (page: Page) => {
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/audit')
    await page.click('[data-testid="audit-filters"] button[type="submit"]')
    await answered
    await page.waitForSelector('[data-testid="audit"][aria-busy="false"]')
  }

  it('shows the sign-in, account change, rule change and acknowledgement of the test; filters narrow them; the CSV holds them', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/admin/audit`, await server.token('admin'))
    await page.waitForSelector('[data-testid="audit"] tbody tr')
    const all = await rows(page)
    expect(has(all, 'signin', 'login', adminName())).toBe(true)
    expect(has(all, 'account', 'account.created', 'jia-analyst')).toBe(true)
    expect(has(all, 'rule', 'created', 'ui-jia')).toBe(true)
    expect(has(all, 'alert', 'acknowledged', jiaAlert)).toBe(true)
    // In Chinese, with the region's name and the comment.
    const ack = page.locator(`[data-testid="audit"] tr[data-action="acknowledged"][data-subject="${jiaAlert}"]`)
    expect(await ack.textContent()).toMatch(/告警处置确认告警.*东区.*ui-jia · 现场核查中/)
    await page.screenshot({ path: saveScreenshot('admin-audit.png') })

    // What: rule changes only.
    await page.check('[data-testid="audit-filters"] input[name="what"][value="rule"]')
    await search(page)
    const ruleRows = await rows(page)
    expect(ruleRows.map((r) => r.subject).toSorted()).toEqual(['ui-jia', 'ui-yi'])
    expect(new Set(ruleRows.map((r) => r.kind))).toEqual(new Set(['rule']))
    // Who: everything about one account.
    await page.uncheck('[data-testid="audit-filters"] input[name="what"][value="rule"]')
    await page.fill('[data-testid="audit-filters"] input[name="who"]', 'jia-analyst')
    await search(page)
    expect(await rows(page)).toEqual([{ kind: 'account', action: 'account.created', subject: 'jia-analyst' }])
    // When: a range that ended before the test holds nothing.
    await page.fill('[data-testid="audit-filters"] input[name="who"]', '')
    await page.fill('[data-testid="audit-filters"] input[name="to"]', '2020-01-01T00:00')
    await search(page)
    expect(await rows(page)).toEqual([])
    await page.fill('[data-testid="audit-filters"] input[name="to"]', '')
    await search(page)
    expect((await rows(page)).length).toBe(all.length)

    // The CSV is what the list shows, as a spreadsheet reads it.
    const downloading = page.waitForEvent('download')
    await page.click('[data-testid="audit-csv"]')
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(/^audit_\d{8}T\d{4}Z_\d{8}T\d{4}Z\.csv$/)
    const csv = fs.readFileSync((await download.path())!, 'utf8')
    expect(csv.startsWith(CSV_BOM)).toBe(true)
    const lines = csv.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toBe('time,kind,action,actor,subject,region,region_name,detail,address')
    expect(lines).toHaveLength(all.length + 1)
    expect(lines.some((l) => l.includes(`,signin,login,${adminName()},${adminName()},`))).toBe(true)
    expect(lines.some((l) => l.includes(`,account,account.created,${adminName()},jia-analyst,990101,东区,`))).toBe(true)
    expect(lines.some((l) => l.includes(`,rule,created,${adminName()},ui-jia,990101,东区,v1 · 界面测试 990101,`))).toBe(true)
    expect(lines.some((l) => l.includes(`,alert,acknowledged,${adminName()},${jiaAlert},990101,东区,ui-jia · 现场核查中,`))).toBe(true)
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it("shows a city's admin only its city", async () => {
    const { page, problems } = await openPage(browser, `${server.url}/admin/audit`, await server.token({ name: 'jia-admin', role: 'admin', region: '990100' }))
    await page.waitForSelector('[data-testid="audit"] tbody tr[data-subject="jia-analyst"]')
    const shown = await rows(page)
    expect(has(shown, 'rule', 'created', 'ui-jia')).toBe(true)
    expect(has(shown, 'alert', 'acknowledged', jiaAlert)).toBe(true)
    expect(shown.filter((r) => ['yi-analyst', 'ui-yi', yiAlert, adminName()].includes(r.subject ?? ''))).toEqual([])
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('is not reachable for those who are not admins, and the API refuses them', async () => {
    for (const role of ['analyst', 'duty'] as const) {
      const { page } = await openPage(browser, `${server.url}/admin/audit`, await server.token(role))
      await page.waitForSelector('[data-testid="forbidden"]')
      expect(await page.locator('[data-testid="admin"]').count()).toBe(0)
      await page.context().close()
      for (const p of ['/api/audit', '/api/audit.csv']) expect((await server.fetch(p, {}, role)).status).toBe(403)
    }
    const { page } = await openPage(browser, `${server.url}/admin/silences`, await server.token('leader'))
    await page.waitForSelector('[data-testid="forbidden"]')
    await page.context().close()
  })
})
