import fs from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { periodBounds } from '../../common/running-period'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ndjson, postIngest, type TestServer } from '../integration/harness'
import { launchBrowser, openPage, pageProblems, saveScreenshot, startProvinceServer } from './browser'

/**
 * The wall, the duty console and the analyst view in headless Chromium against
 * the real server, on the real sample province with its back-filled history
 * and its simulators running.
 */

let server: TestServer
let browser: Browser

/**
 * The first start back-fills 13 months of the province and compacts it: 71 s
 * measured (32 s back-fill, 40 s compaction) with the seven-day alert_quality
 * benchmark running beside it on this 2-core machine. The hook allows eight
 * times that, so a loaded machine slows the suite down instead of failing it.
 */
const SETUP_TIMEOUT_MS = 600_000

beforeAll(async () => {
  // Chromium starts while the server back-fills.
  const launching = launchBrowser()
  try {
    server = await startProvinceServer()
  } finally {
    browser = await launching
  }
}, SETUP_TIMEOUT_MS)
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

async function api<T>(url: string): Promise<T> {
  const res = await server.fetch(url)
  return (await res.json()) as T
}

const ROOT = '440000'

async function mapReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as { __regionMap?: { ready: boolean } }).__regionMap?.ready === true, undefined, { timeout: 30_000 })
}

/** Pixels of an element's screenshot that differ from its most common colour (the background). */
async function drawnPixels(page: Page, selector: string): Promise<number> {
  const png = await page.locator(selector).screenshot()
  return page.evaluate(async (b64) => {
    const img = new Image()
    img.src = `data:image/png;base64,${b64}`
    await img.decode()
    const canvas = new OffscreenCanvas(img.width, img.height)
    const ctx = canvas.getContext('2d')!
    ctx.drawImage(img, 0, 0)
    const data = ctx.getImageData(0, 0, img.width, img.height).data
    const counts = new Map<number, number>()
    for (let i = 0; i < data.length; i += 4) {
      const key = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    const background = Math.max(...counts.values())
    return data.length / 4 - background
  }, png.toString('base64'))
}

/** Elements sticking out of their panel, or a page wider or taller than the screen. */
async function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    const { documentElement: d } = document
    if (d.scrollWidth > innerWidth + 1 || d.scrollHeight > innerHeight + 1) out.push(`page scrolls: ${d.scrollWidth}×${d.scrollHeight} in ${innerWidth}×${innerHeight}`)
    for (const panel of document.querySelectorAll<HTMLElement>('.panel')) {
      const p = panel.getBoundingClientRect()
      for (const el of panel.querySelectorAll<HTMLElement>('*')) {
        const r = el.getBoundingClientRect()
        if (r.width === 0 || r.height === 0) continue
        if (r.left < p.left - 1 || r.right > p.right + 1 || r.top < p.top - 1 || r.bottom > p.bottom + 1) {
          out.push(`${panel.dataset.testid ?? panel.className} > ${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').slice(0, 30)}"`)
        }
      }
    }
    return out.slice(0, 10)
  })
}

describe('the wall', () => {
  it('loads with a clean console, draws the map and shows KPI values and changes that match the API, a change marked as loading until it comes', async () => {
    // The cards' changes are held back until the cards have been looked at.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const { page, problems } = await openPage(browser, `${server.url}/`, await server.token(), undefined, async (p) => {
      await p.route('**/api/changes?*', async (route) => {
        await held
        await route.continue()
      })
    })
    await page.waitForSelector('[data-testid="wall"]')
    const changeStates = () => page.$$eval('[data-testid^="kpi-"] .wall-chg', (els) => els.map((e) => e.getAttribute('data-state')))
    // Loading is not missing: "…" (data-state loading), not the "—" of no history.
    await expect.poll(async () => new Set(await changeStates())).toEqual(new Set(['loading']))
    release()
    await mapReady(page)
    await expect.poll(() => drawnPixels(page, '[data-testid="region-map"]'), { timeout: 15_000 }).toBeGreaterThan(10_000)

    const readKpis = () =>
      page.$$eval('[data-testid^="kpi-"]', (els) => els.map((e) => ({ id: e.getAttribute('data-testid')!.slice(4), value: e.getAttribute('data-value'), region: e.getAttribute('data-region') })))
    const kpis = await readKpis()
    expect(kpis.length).toBeGreaterThanOrEqual(8)
    expect(new Set(kpis.map((k) => k.region))).toEqual(new Set([ROOT]))
    // Values that change every few seconds cannot be read at the same instant from two places;
    // the slower ones (running values of daily and monthly indicators) must agree once both have the same point.
    const slow = kpis.filter((k) => server.catalog.indicator(k.id)!.cadenceSeconds >= 3600).map((k) => k.id)
    expect(slow.length).toBeGreaterThanOrEqual(4)
    const disagreements = async () => {
      const [shown, snapshot] = await Promise.all([readKpis(), api<{ values: Array<{ indicator: string; region: string; value: number; ts: number }> }>(`/api/snapshot?level=province`)])
      const out: string[] = []
      for (const id of slow) {
        const fromApi = snapshot.values.find((v) => v.indicator === id && v.region === ROOT)
        // A running value of an earlier period (yesterday's total just after midnight) is shown as none yet.
        const running = server.catalog.indicator(id)!.running
        if (fromApi && running && fromApi.ts < periodBounds(Date.now(), running, 'Asia/Shanghai')[0]) continue
        const onWall = shown.find((k) => k.id === id)?.value
        // The wall aggregates live in the hub, the API in SQL: the same value, summed in another order.
        if (!fromApi || onWall == null || Math.abs(Number(onWall) - fromApi.value) > 1e-6 * Math.max(1, Math.abs(fromApi.value)))
          out.push(`${id}: wall ${onWall}, API ${fromApi?.value}`)
      }
      return out
    }
    await expect.poll(disagreements, { timeout: 30_000, interval: 250 }).toEqual([])
    // Every card's MoM and YoY, from the wall's one request of changes, are the API's. Thirteen months of daily
    // history give every level both; a running value (today so far) is compared with the same time yesterday,
    // which the hourly history holds, and has no YoY where a year back only daily totals are kept.
    const changes = await api<{ changes: Array<{ indicator: string; running: string | null; mom: number | null; yoy: number | null }> }>(
      `/api/changes?region=${ROOT}&indicator=${kpis.map((k) => k.id).join(',')}`,
    )
    const levels = changes.changes.filter((c) => c.running === null)
    expect(levels.length).toBeGreaterThanOrEqual(8)
    expect(levels.filter((c) => c.mom === null || c.yoy === null)).toEqual([])
    expect(changes.changes.filter((c) => c.running === 'day' && c.mom === null)).toEqual([])
    const shownChanges = () =>
      page.$$eval('[data-testid^="kpi-"]', (els) => els.map((e) => [e.getAttribute('data-testid')!.slice(4), e.getAttribute('data-mom'), e.getAttribute('data-yoy')]))
    const expectedStates = changes.changes.flatMap((c) => [c.mom, c.yoy].map((v) => (v === null ? 'none' : 'value')))
    await expect.poll(changeStates, { timeout: 30_000 }).toEqual(expectedStates)
    await expect
      .poll(shownChanges, { timeout: 30_000, interval: 250 })
      .toEqual(kpis.map((k) => {
        const c = changes.changes.find((x) => x.indicator === k.id)!
        return [k.id, c.mom === null ? '' : String(c.mom), c.yoy === null ? '' : String(c.yoy)]
      }))
    // A running value says so, and its changes say what they compare.
    const running = await page.$$eval('[data-testid^="kpi-"][data-running="day"]', (els) =>
      els.map((e) => ({ label: e.querySelector('.wall-kpi-running')?.textContent, mom: e.querySelector('.wall-chg[data-base="mom"]')?.textContent, title: e.querySelector('.wall-chg[data-base="mom"]')?.getAttribute('title') })),
    )
    expect(running.length).toBe(changes.changes.filter((c) => c.running === 'day').length)
    for (const r of running) {
      expect(r.label).toBe('今日累计')
      expect(r.mom).toMatch(/^较昨日/)
      expect(r.title).toMatch(/^\d\d-\d\d 00:00–\d\d:\d\d，较 \d\d-\d\d 00:00–\d\d:\d\d（同期）$/)
    }
    await page.screenshot({ path: saveScreenshot('wall.png') })
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it.each([
    [1920, 1080],
    [7680, 2160],
  ])('is scaled as a whole at %i×%i: nothing overflows', async (width, height) => {
    const { page, problems } = await openPage(browser, `${server.url}/`, await server.token(), { width, height })
    await page.waitForSelector('[data-testid="wall"]')
    await mapReady(page)
    await page.waitForTimeout(1000)
    expect(await overflows(page)).toEqual([])
    // The stage keeps its 16:9 design and fits the screen.
    const box = (await page.locator('[data-testid="wall"]').boundingBox())!
    expect(box.width / box.height).toBeCloseTo(16 / 9, 2)
    expect(box.width).toBeLessThanOrEqual(width + 1)
    expect(box.height).toBeLessThanOrEqual(height + 1)
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('drills down on a click on a city: the URL and the panels follow, a picked indicator stays in the URL, and back returns', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/`, await server.token())
    await mapReady(page)
    const point = await page.evaluate(() => (globalThis as unknown as { __regionMap: { project(c: string): [number, number] | null } }).__regionMap.project('440100'))
    expect(point).not.toBeNull()
    await page.mouse.click(point![0], point![1])
    await page.waitForFunction(() => new URL(location.href).searchParams.get('region') === '440100')
    await mapReady(page)
    await expect.poll(() => page.locator('[data-testid="breadcrumb"]').innerText(), { timeout: 15_000 }).toMatch(/广州/)
    await expect.poll(async () => page.$$eval('[data-testid^="kpi-"]', (els) => els.map((e) => e.getAttribute('data-region'))), { timeout: 15_000 }).toEqual(expect.arrayContaining(['440100']))
    const regions = await page.$$eval('[data-testid^="kpi-"]', (els) => [...new Set(els.map((e) => e.getAttribute('data-region')))])
    expect(regions).toEqual(['440100'])
    await page.screenshot({ path: saveScreenshot('wall-guangzhou.png') })
    // The indicator picked on a KPI card stays in the URL beside the region, so a reload draws it again.
    expect(await page.locator('[data-testid="kpi-env.aqi"]').getAttribute('class')).toContain('wall-kpi--on-map')
    await page.click('[data-testid="kpi-biz.online_rate"]')
    await expect.poll(() => new URL(page.url()).searchParams.get('indicator')).toBe('biz.online_rate')
    expect(new URL(page.url()).searchParams.get('region')).toBe('440100')
    await page.reload()
    await page.waitForSelector('[data-testid="kpi-biz.online_rate"]')
    await expect.poll(() => page.locator('[data-testid="kpi-biz.online_rate"]').getAttribute('class')).toContain('wall-kpi--on-map')
    expect(await page.locator('[data-testid="kpi-env.aqi"]').getAttribute('class')).not.toContain('wall-kpi--on-map')
    await page.goBack()
    await page.waitForFunction(() => !new URL(location.href).searchParams.get('region') || new URL(location.href).searchParams.get('region') === '440000')
    await expect.poll(() => page.locator('[data-testid="breadcrumb"]').innerText(), { timeout: 15_000 }).not.toMatch(/广州/)
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('switches the labels to English and back', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/`, await server.token())
    await page.waitForSelector('[data-testid="domain-business"]')
    expect(await page.locator('[data-testid="domain-business"]').innerText()).toMatch(/营商环境/)
    await page.click('[data-testid="lang-switch"]')
    await expect.poll(() => page.locator('[data-testid="domain-business"]').innerText(), { timeout: 15_000 }).toMatch(/Business environment/)
    expect(await page.locator('[data-testid="wall"]').innerText()).not.toMatch(/营商环境/)
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en')
    await page.click('[data-testid="lang-switch"]')
    await expect.poll(() => page.locator('[data-testid="domain-business"]').innerText(), { timeout: 15_000 }).toMatch(/营商环境/)
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })
})

describe('alerts on the wall and the duty console', () => {
  it('shows an AQI of 300 read twice in the ticker and on the duty console within 2 s; acknowledging it there changes it in the API', async () => {
    // Both screens as they are on a night shift: loaded, the map drawn, the socket live.
    // (The 2 s is the time from a reading to the screens, not a screen's own start-up.)
    const wall = await openPage(browser, `${server.url}/`, await server.token())
    await wall.page.waitForSelector('[data-testid="alert-ticker"]')
    await mapReady(wall.page)
    await wall.page.waitForSelector('[data-testid="conn-state"][data-state="live"]', { timeout: 30_000 })
    const duty = await openPage(browser, `${server.url}/duty`, await server.token({ name: 'duty-wang', role: 'duty' }))
    await duty.page.waitForSelector('[data-testid="duty-list"]')
    await duty.page.waitForSelector('[data-testid="connection"][data-state="live"]', { timeout: 30_000 })
    await duty.page.waitForTimeout(1000)

    const station = server.catalog.stationsOfKind('air').find((s) => s.region === '440106')!
    // The simulators publish this station's AQI too, every 5 minutes. The engine judges by
    // event time, so one of their readings stamped between or after ours would break "twice
    // in a row" (it did, about one run in five). Ours are stamped two minutes ahead, inside
    // the clock skew ingest accepts, so theirs arrive as history.
    const ahead = Date.now() + 120_000
    const reading = (value: number, ago: number) => ({ ts: ahead - ago, indicator: 'env.aqi', region: station.region, station: station.code, value })
    await postIngest(server.url, ndjson([reading(300, 60_000)]))
    const sent = Date.now()
    await postIngest(server.url, ndjson([reading(300, 1000)]))
    const row = await duty.page.waitForSelector(`[data-testid="duty-alert"][data-severity="critical"]`, { timeout: 2000 })
    const alertId = (await row.getAttribute('data-alert-id'))!
    await wall.page.waitForSelector(`[data-testid="alert-ticker"] [data-alert-id="${alertId}"]`, { timeout: Math.max(1, 2000 - (Date.now() - sent)) })
    expect(Date.now() - sent).toBeLessThan(2000)
    expect(await row.getAttribute('data-severity')).toBe('critical')

    await row.click()
    await duty.page.waitForSelector('[data-testid="duty-detail"]')
    await duty.page.fill('[data-testid="duty-comment"]', '已通知区环保局')
    await duty.page.click('[data-testid="duty-ack"]')
    await expect.poll(async () => (await api<{ state: string; acknowledgedBy: string }>(`/api/alerts/${alertId}`)).state, { timeout: 15_000 }).toBe('acknowledged')
    expect((await api<{ acknowledgedBy: string }>(`/api/alerts/${alertId}`)).acknowledgedBy).toBe('duty-wang')
    await duty.page.waitForSelector(`[data-testid="duty-alert"][data-alert-id="${alertId}"][data-state="acknowledged"]`)
    await expect.poll(() => duty.page.locator('[data-testid="duty-history"]').innerText(), { timeout: 15_000 }).toMatch(/duty-wang/)
    await duty.page.screenshot({ path: saveScreenshot('duty.png') })
    expect(pageProblems(wall.problems)).toEqual([])
    expect(pageProblems(duty.problems)).toEqual([])
    await wall.page.context().close()
    await duty.page.context().close()
  })
})

describe('signing in', () => {
  it('asks for an account, signs in, shows who is signed in, and offers only the screens of the role', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(e.message))
    await page.goto(`${server.url}/duty`)
    await page.waitForSelector('[data-testid="login-form"]')
    const leader = server.credentials.accounts.find((a) => a.role === 'leader')!
    await page.fill('[data-testid="login-name"]', leader.name)
    await page.fill('[data-testid="login-password"]', 'not the password')
    await page.click('[data-testid="login-submit"]')
    // In the page's language (Chinese first), and in English after a switch.
    await expect.poll(() => page.locator('[data-testid="login-error"]').innerText(), { timeout: 15_000 }).toBe('账号或密码错误')
    await page.click('.login__lang')
    await expect.poll(() => page.locator('[data-testid="login-error"]').innerText()).toBe('Wrong account name or password')
    await page.click('.login__lang')
    await page.fill('[data-testid="login-password"]', leader.password)
    await page.click('[data-testid="login-submit"]')
    // A leader may not open the duty console: the page says so instead.
    await page.waitForSelector('[data-testid="forbidden"]', { timeout: 15_000 })
    await page.goto(`${server.url}/`)
    await page.waitForSelector('[data-testid="wall"]', { timeout: 30_000 })
    expect(await page.locator('[data-testid="account"]').getAttribute('data-role')).toBe('leader')
    await page.click('[data-testid="logout"]')
    await page.waitForSelector('[data-testid="login-form"]', { timeout: 15_000 })
    expect((await server.fetch('/api/me', {}, 'leader')).status).toBe(200)
    expect(problems).toEqual([])
    await context.close()
  })
})

describe('the duty console', () => {
  it('switches its labels to English', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/duty`, await server.token())
    await page.waitForSelector('[data-testid="duty-list"]')
    const before = await page.locator('body').innerText()
    await page.click('[data-testid="lang-switch"]')
    await expect.poll(() => new URL(page.url()).searchParams.get('lang'), { timeout: 15_000 }).toBe('en')
    const after = await page.locator('body').innerText()
    expect(after).not.toEqual(before)
    expect(/[\u4e00-\u9fff]/.test(before)).toBe(true)
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })
})

describe('the analyst view', () => {
  it('exports as CSV exactly the series the API gives, and names daily buckets by their dates', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/explore?indicator=env.aqi&region=440100&range=7d&step=auto&compare=none`, await server.token())
    await page.waitForSelector('[data-testid="explore-table"]')
    await expect.poll(() => page.locator('[data-testid="explore-table"] tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(10)
    // The view says which window it shows; the API is asked for exactly that.
    const table = page.locator('[data-testid="explore-table"]')
    const [from, to] = [await table.getAttribute('data-from'), await table.getAttribute('data-to')]
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="explore-export-csv"]')])
    const bytes = fs.readFileSync((await download.path())!)
    // UTF-8 with a byte-order mark, so Excel opens the Chinese names as Chinese.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const csv = bytes.toString('utf8').slice(1).trim().split('\r\n').map((line) => line.split(','))
    const series = await api<{ points: Array<{ ts: number; value: number; min: number; max: number; count: number }> }>(`/api/series?indicator=env.aqi&region=440100&from=${from}&to=${to}`)
    expect(csv[0]).toEqual(['time', 'indicator', 'indicator_name', 'unit', 'region', 'region_name', 'station', 'station_name', 'value', 'min', 'max', 'count'])
    // Round trip: each row parses back to the API's point, at the AQI's precision (whole numbers), in local time.
    const aqi = server.catalog.indicator('env.aqi')!
    const round = (x: number) => Number(x.toFixed(aqi.precision)) + 0
    expect(csv.slice(1).every((r) => r[0]!.endsWith('+08:00') && r[1] === 'env.aqi' && r[4] === '440100' && r[5] === '广州市')).toBe(true)
    expect(csv.slice(1).map((r) => ({ ts: Date.parse(r[0]!), value: Number(r[8]), min: Number(r[9]), max: Number(r[10]), count: Number(r[11]) }))).toEqual(
      series.points.map((p) => ({ ts: p.ts, value: round(p.value), min: round(p.min), max: round(p.max), count: p.count })),
    )
    // Daily buckets are named by their dates, not by a midnight.
    await page.goto(`${server.url}/explore?indicator=biz.new_entities&region=440100&range=30d&step=1d&compare=none`)
    await expect.poll(() => table.getAttribute('data-step'), { timeout: 15_000 }).toBe('1d')
    await expect.poll(() => page.locator('[data-testid="explore-table"] tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(20)
    const days = await page.$$eval('[data-testid="explore-table"] tbody tr', (trs) => trs.map((tr) => [tr.querySelector('td')?.textContent ?? '', tr.hasAttribute('data-partial')] as const))
    expect(days.every(([d]) => /^\d{4}\/\d{1,2}\/\d{1,2}( \(未完结\))?$/.test(d)), days.slice(0, 3).join(' | ')).toBe(true)
    // Today is still open: the newest row, and only it, says so.
    expect(days.map(([d, partial]) => [d.endsWith('(未完结)'), partial])).toEqual(days.map((_, i) => [i === 0, i === 0]))
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })
})
