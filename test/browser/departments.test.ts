import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DepartmentReply } from '../../common/api/dispatch-api'
import type { TestServer } from '../integration/harness'
import { openPage, pageProblems, startServerAndBrowser } from './browser'

/**
 * Departments and routing in the console (/admin/departments) in Chromium
 * against the real server: a channel added with its secret, which is never
 * shown again and is kept by an edit that leaves it empty; a department in
 * use refused deletion with the reason; a deadline changed; a city admin
 * held to its city; and the roles that may not, refused.
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

describe('the departments page', () => {
  it('adds a channel whose secret is never shown again and is kept by a later edit', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/admin/departments`, await server.token('admin'))
    page.on('dialog', (d) => void d.accept())
    await page.click('[data-testid="departments"] tr[data-department="440100-eco"] [data-testid="dept-edit"]')
    await page.waitForSelector('[data-testid="dept-form"]')
    await page.click('text=添加渠道')
    const channel = page.locator('[data-testid="dept-channel"]').last()
    await channel.locator('input[aria-label="地址"]').fill('http://127.0.0.1:9/hook')
    await channel.locator('input[aria-label="密钥"]').fill('a-secret-of-sixteen-plus')
    await page.click('[data-testid="dept-save"]')
    await page.waitForSelector('[data-testid="form-done"]')
    const stored = (await (await server.fetch('/api/departments/440100-eco')).json()) as DepartmentReply
    expect(stored.definition.channels).toEqual([{ kind: 'webhook', url: 'http://127.0.0.1:9/hook', secretSet: true }])
    expect(server.departments.get('440100-eco')!.channels[0]).toMatchObject({ secret: 'a-secret-of-sixteen-plus' })

    // Edited again: the secret field is empty (never shown) and leaving it so keeps the secret.
    await page.click('[data-testid="departments"] tr[data-department="440100-eco"] [data-testid="dept-edit"]')
    await page.waitForSelector('[data-testid="dept-form"]')
    expect(await page.inputValue('[data-testid="dept-channel"] input[aria-label="密钥"]')).toBe('')
    expect(await page.content()).not.toContain('a-secret-of-sixteen-plus')
    await page.fill('input[name="dept-name-zh"]', '广州市生态环境局（值班室）')
    await page.click('[data-testid="dept-save"]')
    await page.waitForSelector('[data-testid="form-done"]')
    expect(server.departments.get('440100-eco')).toMatchObject({ name: { zh: '广州市生态环境局（值班室）' }, channels: [{ secret: 'a-secret-of-sixteen-plus' }] })

    // A department that supervises others is not deleted, and the page says why.
    await page.click('[data-testid="departments"] tr[data-department="440000-eco"] [data-testid="dept-delete"]')
    expect(await page.locator('[data-testid="form-error"]').textContent()).toMatch(/^不能删除：department 440000-eco is in use: it supervises/)

    // The critical deadline changed in the routing editor.
    await page.fill('input[name="deadline-critical"]', '60')
    await page.click('[data-testid="routing-save"]')
    await expect.poll(async () => ((await (await server.fetch('/api/routing')).json()) as { definition: { deadlines: { critical: number } } }).definition.deadlines.critical).toBe(60)
    expect(pageProblems(problems).filter((p) => !/status of 409/.test(p))).toEqual([])
    await page.context().close()
  })

  it('shows a city admin only its city’s departments and routes, and is refused to other roles', async () => {
    const city = await openPage(browser, `${server.url}/admin/departments`, await server.token({ name: 'sz-admin', role: 'admin', region: '440300' }))
    await city.page.waitForSelector('[data-testid="departments"] tr[data-department]')
    const listed = await city.page.$$eval('[data-testid="departments"] tr[data-department]', (trs) => trs.map((tr) => tr.getAttribute('data-department')))
    expect(listed.sort()).toEqual(['440300-eco', '440300-market', '440300-rural', '440300-transport'])
    expect(await city.page.locator('[data-testid="route"]').count()).toBe(4)
    await city.page.context().close()
    const duty = await openPage(browser, `${server.url}/admin/departments`, await server.token('duty'))
    await duty.page.waitForSelector('[data-testid="forbidden"]')
    await duty.page.context().close()
  })
})
