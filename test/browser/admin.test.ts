import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { login, ndjson, postIngest, type TestServer } from '../integration/harness'
import { openPage, pageProblems, saveScreenshot, startServerAndBrowser } from './browser'

/**
 * The operator's screens in Chromium against the real server: the account
 * page (change one's own password), and the console's accounts and ingest
 * keys, as the roles that may and the refusal for those that may not.
 */

let server: TestServer
let browser: Browser

beforeAll(async () => {
  ;({ server, browser } = await startServerAndBrowser())
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

const demoPassword = (role: string) => server.credentials.accounts.find((a) => a.role === role)!.password
const demoName = (role: string) => server.credentials.accounts.find((a) => a.role === role)!.name

describe('the account page', () => {
  it('lets a user change their own password, and the first-start warning goes', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/`, await login(server.url, demoName('leader'), demoPassword('leader')))
    await page.waitForSelector('[data-testid="demo-warning"]', { timeout: 15_000 })
    // The warning leads to the account page.
    await page.click('[data-testid="account-link"]')
    await page.waitForSelector('[data-testid="account-page"]', { timeout: 15_000 })
    expect(new URL(page.url()).pathname).toBe('/account')
    expect(await page.locator('[data-testid="account-demo"]').count()).toBe(1)

    // A mistake is named in the page's language, field first, and nothing is sent.
    await page.fill('input[name="current"]', demoPassword('leader'))
    await page.fill('input[name="password"]', 'short')
    await page.click('[data-testid="password-form"] button[type="submit"]')
    expect(await page.locator('[data-testid="form-error"]').textContent()).toBe('新密码：至少 12 个字符')
    await page.fill('input[name="password"]', 'a much longer passphrase')
    await page.fill('input[name="confirm"]', 'a much longer passphrasf')
    await page.click('[data-testid="password-form"] button[type="submit"]')
    expect(await page.locator('[data-testid="form-error"]').textContent()).toBe('再次输入新密码：两次输入的新密码不一致')
    // A wrong current password is the server's refusal.
    await page.fill('input[name="current"]', 'not the password at all')
    await page.fill('input[name="confirm"]', 'a much longer passphrase')
    await page.click('[data-testid="password-form"] button[type="submit"]')
    await expect.poll(() => page.locator('[data-testid="form-error"]').textContent()).toMatch(/^服务器拒绝：/)

    await page.fill('input[name="current"]', demoPassword('leader'))
    await page.click('[data-testid="password-form"] button[type="submit"]')
    await page.waitForSelector('[data-testid="form-done"]', { timeout: 15_000 })
    // The header's warning and the page's are gone; the new password signs in, the old one no longer.
    await expect.poll(() => page.locator('[data-testid="demo-warning"]').count()).toBe(0)
    expect(await page.locator('[data-testid="account-demo"]').count()).toBe(0)
    await expect(login(server.url, demoName('leader'), 'a much longer passphrase')).resolves.toBeTruthy()
    await expect(login(server.url, demoName('leader'), demoPassword('leader'))).rejects.toThrow()
    // The one refusal the test asked for (a wrong current password) is the only problem.
    expect(pageProblems(problems).filter((p) => !/status of 403/.test(p))).toEqual([])
    expect(pageProblems(problems).filter((p) => /status of 403/.test(p))).toHaveLength(1)
    await page.context().close()
  })
})

describe('the console', () => {
  it('is refused to the roles that may not use it', async () => {
    const { page } = await openPage(browser, `${server.url}/admin/accounts`, await server.token('analyst'))
    await page.waitForSelector('[data-testid="forbidden"]')
    expect(await page.locator('[data-testid="admin"]').count()).toBe(0)
    await page.context().close()
  })

  it('lets an admin create a city account, which then sees only its city; a city admin manages only its subtree', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/admin`, await server.token('admin'))
    await page.waitForSelector('[data-testid="accounts"] tr[data-account]')
    // A bad name is named in Chinese before anything is sent.
    await page.fill('[data-testid="account-form"] input[name="name"]', 'Bad Name')
    await page.fill('[data-testid="account-form"] input[name="password"]', 'city password 0001')
    await page.click('[data-testid="account-form"] button[type="submit"]')
    expect(await page.locator('[data-testid="form-error"]').textContent()).toMatch(/^账号名：2–32 个字符/)

    for (const [name, role] of [
      ['gz-analyst', 'analyst'],
      ['gz-admin', 'admin'],
    ] as const) {
      await page.fill('[data-testid="account-form"] input[name="name"]', name)
      await page.selectOption('[data-testid="new-role"]', role)
      await page.selectOption('[data-testid="new-region"]', '440100')
      await page.fill('[data-testid="account-form"] input[name="password"]', 'city password 0001')
      await page.click('[data-testid="account-form"] button[type="submit"]')
      await page.waitForSelector(`[data-testid="accounts"] tr[data-account="${name}"]`)
    }
    await page.screenshot({ path: saveScreenshot('admin-accounts.png') })
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()

    // The city analyst's wall starts at, and stays within, 广州市.
    const city = await openPage(browser, `${server.url}/`, await login(server.url, 'gz-analyst', 'city password 0001'))
    await expect.poll(() => city.page.locator('[data-testid="breadcrumb"]').getAttribute('data-region'), { timeout: 15_000 }).toBe('440100')
    expect(await city.page.locator('[data-testid="breadcrumb"]').textContent()).not.toMatch(/广东/)
    await city.page.context().close()

    // The city admin lists only the accounts of its city, and can offer no region above it.
    const cityAdmin = await openPage(browser, `${server.url}/admin/accounts`, await login(server.url, 'gz-admin', 'city password 0001'))
    await cityAdmin.page.waitForSelector('[data-testid="accounts"] tr[data-account="gz-analyst"]')
    const listed = await cityAdmin.page.$$eval('[data-testid="accounts"] tr[data-account]', (trs) => trs.map((tr) => tr.getAttribute('data-account')))
    expect(listed.toSorted()).toEqual(['gz-admin', 'gz-analyst'])
    const offered = await cityAdmin.page.$$eval('[data-testid="new-region"] option', (os) => os.map((o) => (o as HTMLOptionElement).value))
    expect(offered[0]).toBe('440100')
    expect(offered.every((c) => c.startsWith('4401'))).toBe(true)
    // Disabling an account from the console takes effect: it can no longer sign in.
    await cityAdmin.page.click('[data-testid="accounts"] tr[data-account="gz-analyst"] [data-testid="toggle"]')
    await cityAdmin.page.waitForSelector('[data-testid="accounts"] tr[data-account="gz-analyst"][data-disabled]')
    await expect(login(server.url, 'gz-analyst', 'city password 0001')).rejects.toThrow()
    await cityAdmin.page.context().close()
  })

  it('creates an ingest key shown once, which ingests until it is revoked', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/admin/keys`, await server.token('admin'))
    page.on('dialog', (d) => void d.accept())
    await page.waitForSelector('[data-testid="key-form"]')
    await page.click('[data-testid="key-form"] button[type="submit"]')
    expect(await page.locator('[data-testid="form-error"]').textContent()).toBe('名称：必填')
    await page.fill('[data-testid="key-form"] input[name="name"]', 'gz-feed')
    await page.selectOption('[data-testid="key-region"]', '440100')
    await page.click('[data-testid="key-form"] button[type="submit"]')
    const secret = (await page.locator('[data-testid="key-secret"]').textContent())!
    expect(secret.length).toBeGreaterThan(20)
    await page.waitForSelector('[data-testid="keys"] tr[data-name="gz-feed"]')

    const point = (value: number) => ndjson([{ ts: Date.now(), indicator: 'env.aqi', region: '440104', station: 'AQ-440104-01', value }])
    const accepted = await postIngest(server.url, point(40), 'application/x-ndjson', secret)
    expect(accepted.status).toBe(200)
    // Outside its region: refused, with the reason.
    const outside = await postIngest(server.url, ndjson([{ ts: Date.now(), indicator: 'biz.online_rate', region: '440300', value: 90 }]), 'application/x-ndjson', secret)
    expect(JSON.stringify(outside.body)).toMatch(/440300/)

    await page.click('[data-testid="keys"] tr[data-name="gz-feed"] [data-testid="revoke"]')
    await page.waitForSelector('[data-testid="keys"] tr[data-name="gz-feed"][data-revoked]')
    const refused = await postIngest(server.url, point(41), 'application/x-ndjson', secret)
    expect(refused.status).toBe(401)
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('lists the rules, backtests one (the firings shown are the API’s) and disables one', async () => {
    // Two whole hours of heavy pollution at one station: 30 days of 100 stations are read by the hour.
    const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000
    const points = Array.from({ length: 300 }, (_, m) => ({ ts: t0 + m * 60_000 + 5_000, indicator: 'env.aqi', region: '440104', station: 'AQ-440104-01', value: m >= 120 && m < 240 ? 380 : 70 }))
    expect((await server.pipeline.ingestValues(points, 'test')).rejected).toBe(0)
    const { page, problems } = await openPage(browser, `${server.url}/admin/rules`, await server.token('admin'))
    await page.waitForSelector('[data-testid="rules"] tr[data-rule="env-aqi-critical"]')
    await page.click('[data-testid="rules"] tr[data-rule="env-aqi-critical"] [data-testid="backtest"]')
    const result = page.locator('[data-testid="backtest-result"]')
    await result.waitFor({ timeout: 30_000 })
    const shown = await page.$$eval('[data-testid="backtest-result"] tr[data-ts]', (trs) => trs.map((tr) => Number(tr.getAttribute('data-ts'))))
    const rule = (await (await server.fetch('/api/rules/env-aqi-critical')).json()) as { rule: Record<string, unknown> }
    const { id: _id, ...definition } = rule.rule
    const api = (await (await server.fetch('/api/rules/backtest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rule: definition }) })).json()) as { alerts: Array<{ ts: number; station?: string }> }
    expect(api.alerts.some((a) => a.station === 'AQ-440104-01')).toBe(true)
    expect(shown).toEqual(api.alerts.map((a) => a.ts))

    await page.click('[data-testid="rules"] tr[data-rule="env-aqi-critical"] [data-testid="toggle"]')
    await page.waitForSelector('[data-testid="rules"] tr[data-rule="env-aqi-critical"][data-enabled="false"]')
    expect(((await (await server.fetch('/api/rules/env-aqi-critical')).json()) as { rule: { enabled: boolean } }).rule.enabled).toBe(false)
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })
})
