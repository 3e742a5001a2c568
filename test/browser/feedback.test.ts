import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DispatchReply } from '../../common/api/dispatch-api'
import type { Case } from '../../common/dispatch-schema'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { ndjson, postIngest, REPO_ROOT, type TestServer } from '../integration/harness'
import { openPage, pageProblems, saveScreenshot, startServerAndBrowser } from './browser'

/**
 * The department's page (/r/<token>) in Chromium on a phone-sized screen,
 * with no account: the case a dispatch sent is read, accepted and reported
 * on; the officer's API sees each step; a link that is not valid says so.
 */

let server: TestServer
let browser: Browser
let catalogDir: string

beforeAll(async () => {
  catalogDir = writeTestCatalogDir()
  fs.cpSync(path.join(REPO_ROOT, 'sample-data/rules'), path.join(catalogDir, 'rules'), { recursive: true })
  ;({ server, browser } = await startServerAndBrowser({ CATALOG_DIR: catalogDir }))
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  fs.rmSync(catalogDir, { recursive: true, force: true })
})

/** A phone with no session: the page must not ask anyone to sign in. */
async function phone(url: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`console.${m.type()}: ${m.text()}`))
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  await page.goto(url)
  return { page, problems }
}

describe('the department’s page', () => {
  it('shows the case and lets the department accept it and report back, without an account', async () => {
    const t = Date.now() - 3_600_000
    await postIngest(server.url, ndjson([300, 320].map((value, i) => ({ ts: t + i * 60_000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value }))))
    let alertId: string | undefined
    for (let i = 0; i < 250 && !alertId; i++) {
      alertId = server.alerting.list().find((a) => a.station === 'AQ-990101-01' && a.state === 'firing')?.id
      if (!alertId) await new Promise((r) => setTimeout(r, 20))
    }
    const res = await server.fetch(`/api/alerts/${alertId}/dispatch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ department: '990100-eco', note: '请今日内到场核查' }) }, 'duty')
    expect(res.status).toBe(201)
    const dispatched = (await res.json()) as DispatchReply

    const { page, problems } = await phone(`${server.url}${dispatched.link}`)
    await page.waitForSelector('[data-testid="feedback"][data-state="dispatched"]', { timeout: 15_000 })
    expect(await page.locator('[data-testid="login"]').count()).toBe(0)
    expect(await page.locator('[data-testid="feedback-message"]').textContent()).toContain('320')
    expect(await page.locator('[data-testid="feedback-state"]').textContent()).toBe('待签收')
    expect(await page.locator('main').textContent()).toContain('请今日内到场核查')
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

    await page.click('[data-testid="feedback-accept"]')
    await page.waitForSelector('[data-testid="feedback"][data-state="accepted"]')
    await page.fill('[data-testid="feedback-text"]', '已到场，责令企业停产整改')
    await page.click('[data-testid="feedback-report"]')
    await page.waitForSelector('[data-testid="feedback"][data-state="reported"]')
    expect(await page.locator('[data-testid="feedback-done"]').textContent()).toBe('已反馈，等待核查')
    await page.screenshot({ path: saveScreenshot('feedback-phone.png'), fullPage: true })

    // The officer sees each step, signed by the department.
    const detail = (await (await server.fetch(`/api/cases/${dispatched.id}`, {}, 'duty')).json()) as { case: Case; events: Array<{ type: string; actor: string; text: string }> }
    expect(detail.case.state).toBe('reported')
    expect(detail.events.slice(1).map((e) => [e.type, e.actor, e.text])).toEqual([
      ['accepted', 'department:990100-eco', ''],
      ['reported', 'department:990100-eco', '已到场，责令企业停产整改'],
    ])
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('goes from the duty console to closure: one action dispatches to the routed department, the department answers, the officer verifies', async () => {
    const t = Date.now() - 3_000_000
    await postIngest(server.url, ndjson([300, 330].map((value, i) => ({ ts: t + i * 60_000, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value }))))
    let alertId: string | undefined
    for (let i = 0; i < 250 && !alertId; i++) {
      alertId = server.alerting.list().find((a) => a.station === 'AQ-990200-01' && a.state === 'firing')?.id
      if (!alertId) await new Promise((r) => setTimeout(r, 20))
    }
    const duty = await openPage(browser, `${server.url}/duty?alert=${alertId}`, await server.token('duty'))
    const panel = duty.page.locator('[data-testid="duty-dispatch"]')
    await panel.waitFor({ timeout: 15_000 })
    // The routed department and the deadline by severity are proposed.
    await expect.poll(() => duty.page.inputValue('[data-testid="dispatch-to"]')).toBe('990200-eco')
    expect(await duty.page.inputValue('[data-testid="dispatch-minutes"]')).toBe('120')
    await duty.page.fill('[data-testid="dispatch-note"]', '请核查乙市站点')
    await duty.page.click('[data-testid="dispatch-send"]')
    const link = await duty.page.locator('[data-testid="dispatch-link"]').inputValue()
    expect(await panel.getAttribute('data-case-state')).toBe('dispatched')

    const { page } = await phone(link)
    await page.waitForSelector('[data-testid="feedback"][data-state="dispatched"]', { timeout: 15_000 })
    await page.fill('[data-testid="feedback-text"]', '已核查，设备故障已修复')
    await page.click('[data-testid="feedback-report"]')
    await page.waitForSelector('[data-testid="feedback"][data-state="reported"]')
    await page.context().close()

    // The console shows the report; the officer verifies and closes.
    await duty.page.reload()
    await duty.page.waitForSelector('[data-testid="duty-dispatch"][data-case-state="reported"]', { timeout: 20_000 })
    await duty.page.click('[data-testid="verify-ok"]')
    await duty.page.waitForSelector('[data-testid="duty-dispatch"][data-case-state="closed"]')
    const caseId = await panel.getAttribute('data-case')
    const closed = (await (await server.fetch(`/api/cases/${caseId}`, {}, 'duty')).json()) as { case: Case }
    expect(closed.case).toMatchObject({ state: 'closed', department: '990200-eco', note: '请核查乙市站点' })
    expect(pageProblems(duty.problems)).toEqual([])
    await duty.page.context().close()
  })

  it('says so when the link is not valid', async () => {
    const { page } = await phone(`${server.url}/r/not-a-token.abc`)
    await page.waitForSelector('[data-testid="feedback-error"]', { timeout: 15_000 })
    expect(await page.locator('[data-testid="feedback-error"]').textContent()).toBe('链接无效，请使用交办消息中的完整链接')
    await page.context().close()
  })
})
