import fs from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ndjson, postIngest, REPO_ROOT, startTestServer, type TestServer } from '../integration/harness'
import { launchBrowser, openPage, saveScreenshot } from './browser'

/**
 * The duty console and the analyst view in headless Chromium against
 * the real server, on the real sample province with its back-filled history
 * and its simulators running.
 */

let server: TestServer
let browser: Browser

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/client/index.html'))) throw new Error('the client is not built: npm test builds it first (npm run build)')
  // Simulators on: a live province (with them off, every feed would go stale and raise its alert).
  server = await startTestServer({ CATALOG_DIR: path.join(REPO_ROOT, 'sample-data'), SIMULATE: '1', BACKFILL: '1', TICK_MS: '500' })
  // A first start compacts the back-filled history in the background; timings below are for a settled server.
  await server.regionSeries.runOnce()
  browser = await launchBrowser()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

async function api<T>(url: string): Promise<T> {
  const res = await fetch(`${server.url}${url}`)
  return (await res.json()) as T
}




describe('the duty console', () => {
  it('shows an AQI of 300 read twice within 2 s; acknowledging it there changes it in the API', async () => {
    const duty = await openPage(browser, `${server.url}/duty`)
    await duty.page.waitForSelector('[data-testid="duty-list"]')
    await duty.page.waitForTimeout(1000)

    const station = server.catalog.stationsOfKind('air').find((s) => s.region === '440106')!
    const now = Date.now()
    const reading = (value: number, ago: number) => ({ ts: now - ago, indicator: 'env.aqi', region: station.region, station: station.code, value })
    await postIngest(server.url, ndjson([reading(300, 60_000)]))
    const sent = Date.now()
    await postIngest(server.url, ndjson([reading(300, 1000)]))
    const row = await duty.page.waitForSelector(`[data-testid="duty-alert"][data-severity="critical"]`, { timeout: 2000 })
    expect(Date.now() - sent).toBeLessThan(2000)
    const alertId = (await row.getAttribute('data-alert-id'))!
    expect(await row.getAttribute('data-severity')).toBe('critical')

    await row.click()
    await duty.page.waitForSelector('[data-testid="duty-detail"]')
    await duty.page.fill('[data-testid="duty-actor"]', 'duty-wang')
    await duty.page.fill('[data-testid="duty-comment"]', '已通知区环保局')
    await duty.page.click('[data-testid="duty-ack"]')
    await expect.poll(async () => (await api<{ state: string; acknowledgedBy: string }>(`/api/alerts/${alertId}`)).state, { timeout: 15_000 }).toBe('acknowledged')
    expect((await api<{ acknowledgedBy: string }>(`/api/alerts/${alertId}`)).acknowledgedBy).toBe('duty-wang')
    await duty.page.waitForSelector(`[data-testid="duty-alert"][data-alert-id="${alertId}"][data-state="acknowledged"]`)
    await expect.poll(() => duty.page.locator('[data-testid="duty-history"]').innerText(), { timeout: 15_000 }).toMatch(/duty-wang/)
    await duty.page.screenshot({ path: saveScreenshot('duty.png') })
    expect(duty.problems).toEqual([])
    await duty.page.context().close()
  })

  it('switches its labels to English', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/duty`)
    await page.waitForSelector('[data-testid="duty-list"]')
    const before = await page.locator('body').innerText()
    await page.click('[data-testid="lang-switch"]')
    await expect.poll(() => new URL(page.url()).searchParams.get('lang'), { timeout: 15_000 }).toBe('en')
    const after = await page.locator('body').innerText()
    expect(after).not.toEqual(before)
    expect(/[\u4e00-\u9fff]/.test(before)).toBe(true)
    expect(problems).toEqual([])
    await page.context().close()
  })
})

describe('the analyst view', () => {
  it('exports as CSV exactly the series the API gives', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/explore?indicator=env.aqi&region=440100&range=7d&step=auto&compare=none`)
    await page.waitForSelector('[data-testid="explore-table"]')
    await expect.poll(() => page.locator('[data-testid="explore-table"] tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(10)
    // The view says which window it shows; the API is asked for exactly that.
    const table = page.locator('[data-testid="explore-table"]')
    const [from, to] = [await table.getAttribute('data-from'), await table.getAttribute('data-to')]
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="explore-export-csv"]')])
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n')
    const series = await api<{ points: Array<{ ts: number; value: number; min: number; max: number; count: number }> }>(`/api/series?indicator=env.aqi&region=440100&from=${from}&to=${to}`)
    expect(csv[0]).toBe('ts,value,min,max,count')
    expect(csv.slice(1)).toEqual(series.points.map((p) => [new Date(p.ts).toISOString(), p.value, p.min, p.max, p.count].join(',')))
    expect(problems).toEqual([])
    await page.context().close()
  })
})
