import fs from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOfLocalDay } from '../../common/local-time'
import { scoreClass, shownScore } from '../../client/src/charts/score-bars'
import { sampleWall } from '../fixtures/walls'
import { openBucketStart } from '../../server/http/query-router'
import type { TestServer } from '../integration/harness'
import { launchBrowser, openPage, pageProblems, saveScreenshot, startProvinceServer } from './browser'

/**
 * The wall and the analyst view with the server's clock set just after
 * midnight and at noon (local time, the deployment's zone): the figures say
 * what period they cover, compare like for like, never draw an open bucket as
 * a closed one, and every panel shows the same moment. The browser's clock is
 * set to the server's, as a screen in the same building would be.
 */

const TZ = 'Asia/Shanghai'
const ROOT = '440000'
const MINUTE = 60_000

/**
 * A first start back-fills 13 months before the clock reaches the moment under
 * test: 70–100 s here. The server starts that much before it, so the checks
 * run a few minutes after 00:10 and 12:00 (a slower machine only moves them later
 * within the hour).
 */
const START_BEFORE_MS = 2 * MINUTE
const SETUP_TIMEOUT_MS = 600_000

const VIEWPORTS = [
  [1920, 1080],
  [3840, 2160],
] as const

const WALL_DOMAINS = sampleWall().columns
const KPIS = WALL_DOMAINS.flatMap((d) => d.kpis)

interface Change {
  indicator: string
  running: string | null
  mom: number | null
  yoy: number | null
  momBasis: { kind: string; current: { from: number; to: number }; base: { from: number; to: number }; step: string } | null
}

describe.each([
  ['00:10', 10],
  ['12:00', 12 * 60],
])('with the server clock at %s', (_label, minuteOfDay) => {
  let server: TestServer
  let browser: Browser
  let offset = 0
  const serverNow = () => Date.now() + offset

  beforeAll(async () => {
    const launching = launchBrowser()
    try {
      const real = Date.now()
      offset = startOfLocalDay(real, TZ) + minuteOfDay * MINUTE - START_BEFORE_MS - real
      server = await startProvinceServer({ now: serverNow })
    } finally {
      browser = await launching
    }
  }, SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function api<T>(url: string): Promise<T> {
    return (await (await server.fetch(url)).json()) as T
  }

  /** A page whose clock reads the server's. */
  async function open(url: string, viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
    return openPage(browser, `${server.url}${url}`, await server.token(), viewport, (page) => page.clock.install({ time: serverNow() }))
  }

  async function mapReady(page: Page): Promise<void> {
    await page.waitForFunction(() => (globalThis as { __regionMap?: { ready: boolean } }).__regionMap?.ready === true, undefined, { timeout: 30_000 })
  }

  it('runs at the moment under test', () => {
    const minutes = (serverNow() - startOfLocalDay(serverNow(), TZ)) / MINUTE
    expect(minutes).toBeGreaterThanOrEqual(minuteOfDay - START_BEFORE_MS / MINUTE)
    expect(minutes).toBeLessThan(minuteOfDay + 60)
  })

  it.each(VIEWPORTS)('the wall at %i×%i: running values say so and compare like for like, open buckets stand apart, one moment on every panel', async (width, height) => {
    const { page, problems } = await open('/', { width, height })
    await page.waitForSelector('[data-testid="wall"]')
    await mapReady(page)

    // 1. Running values are labelled, and their changes compare the same elapsed time.
    const changes = (await api<{ changes: Change[] }>(`/api/changes?region=${ROOT}&indicator=${KPIS.join(',')}`)).changes
    const midnight = startOfLocalDay(serverNow(), TZ)
    for (const c of changes.filter((x) => x.running === 'day')) {
      if (c.momBasis === null) continue
      expect(c.momBasis.kind).toBe('sameElapsed')
      expect(c.momBasis.current.from).toBe(midnight)
      // Like for like: as much of yesterday as of today, never a whole day against a part.
      expect(c.momBasis.current.to - c.momBasis.current.from).toBe(c.momBasis.base.to - c.momBasis.base.from)
      expect(c.momBasis.current.to - c.momBasis.current.from).toBeLessThanOrEqual(serverNow() - midnight)
    }
    const cards = () =>
      page.$$eval('[data-testid^="kpi-"]', (els) =>
        els.map((e) => ({
          id: e.getAttribute('data-testid')!.slice(4),
          running: e.getAttribute('data-running'),
          label: e.querySelector('.wall-kpi-running')?.textContent ?? null,
          states: [...e.querySelectorAll('.wall-chg')].map((c) => c.getAttribute('data-state')),
          momLabel: e.querySelector('.wall-chg[data-base="mom"]')?.textContent ?? '',
          momTitle: e.querySelector('.wall-chg[data-base="mom"]')?.getAttribute('title') ?? '',
          value: e.getAttribute('data-value'),
          earlier: e.querySelector('[data-earlier]')?.getAttribute('data-earlier') ?? null,
        })),
      )
    // 4. Loading is not missing: once loaded, every change is a figure or the "—" of none.
    await expect.poll(async () => (await cards()).flatMap((c) => c.states).filter((s) => s === 'loading'), { timeout: 30_000 }).toEqual([])
    const today = new Date(serverNow() + 8 * 3_600_000).toISOString().slice(5, 10)
    type Snapshot = { values: Array<{ indicator: string; region: string; value: number; ts: number }> }
    const before = await api<Snapshot>(`/api/snapshot?level=province`)
    const shownCards = await cards()
    const after = await api<Snapshot>(`/api/snapshot?level=province`)
    // Latest values that were yesterday's all the while the cards were read.
    const yesterdays = (id: string) => [before, after].map((s) => s.values.find((v) => v.indicator === id && v.region === ROOT)).every((v) => v !== undefined && v.ts < midnight)
    for (const card of shownCards) {
      const indicator = server.catalog.indicator(card.id)!
      expect(card.running).toBe(indicator.running ?? '')
      const label = { day: '今日累计', month: '本月累计', year: '本年累计' }
      expect(card.label).toBe(indicator.running ? label[indicator.running] : null)
      const c = changes.find((x) => x.indicator === card.id)!
      if (indicator.running === 'day') {
        // Yesterday's total is never shown as today's so far: until today's first report the card has none yet.
        if (yesterdays(card.id)) expect([card.value, card.earlier]).toEqual(['', String(before.values.find((v) => v.indicator === card.id && v.region === ROOT)!.value)])
        expect(card.momLabel).toMatch(/^较昨日/)
        if (c.momBasis) expect(card.momTitle).toMatch(new RegExp(`^${today} 00:00–\\d\\d:\\d\\d，较 (\\d{4}-)?\\d\\d-\\d\\d 00:00–\\d\\d:\\d\\d（同期）$`))
        else expect(card.momTitle).toBe('无可比数据')
      } else if (indicator.running === 'year') {
        // Year to date has 同比 only.
        expect(card.momTitle).toBe('年累计值不做环比')
      } else if (!indicator.running) {
        // A level's change covers whole days, and says which.
        expect(card.momTitle).toMatch(/^(\d{4}-)?\d\d-\d\d–(\d{4}-)?\d\d-\d\d 日均，较 (\d{4}-)?\d\d-\d\d–(\d{4}-)?\d\d-\d\d 日均$/)
      }
    }

    // 2. No trend draws the bucket still open (today so far, this minute so far) as part of its line.
    const trends = await page.$$eval('.wall-trend .chart-canvas', (els) =>
      els.map((e) => ({ partialFrom: Number(e.getAttribute('data-partial-from')), lastClosed: Number(e.getAttribute('data-last-closed') || 0) })),
    )
    expect(trends).toHaveLength(WALL_DOMAINS.length)
    for (const [i, d] of WALL_DOMAINS.entries()) {
      const step = (server.catalog.indicator(d.trend.indicator)!.cadenceSeconds < 3600 ? '1m' : server.catalog.indicator(d.trend.indicator)!.cadenceSeconds < 86_400 ? '1h' : '1d') as '1m' | '1h' | '1d'
      expect(trends[i]!.partialFrom).toBeGreaterThan(0)
      expect(trends[i]!.lastClosed).toBeLessThan(trends[i]!.partialFrom)
      // Daily trends end where today began; a newer bucket only opens as time passes.
      if (step === '1d') expect(trends[i]!.partialFrom).toBeGreaterThanOrEqual(openBucketStart(serverNow() - 5 * MINUTE, step, TZ))
    }

    // 3. One moment: the ranking ranks the cities by the values the map colours them by, on the same tick.
    const sameMoment = async () => {
      const { ranked, mapped } = await page.evaluate(() => {
        const hook = (globalThis as unknown as { __regionMap: { value(code: string): number | null } }).__regionMap
        const domain = document.querySelector('[data-testid="domain-environment"]')!
        const ranked = [...domain.querySelectorAll('.wall-rank-row')].map((li) => [li.getAttribute('data-region')!, Number(li.getAttribute('data-value'))] as const)
        return { ranked, mapped: ranked.map(([code]) => [code, hook.value(code)] as const) }
      })
      return ranked.length > 0 && JSON.stringify(ranked) === JSON.stringify(mapped)
    }
    await expect.poll(sameMoment, { timeout: 15_000 }).toBe(true)

    // 5. A score's colour follows the number shown.
    const bars = await page.$$eval('.chart-score-bar', (els) => els.map((e) => ({ cls: e.className, shown: e.querySelector('.chart-score-bar-value')?.textContent ?? '' })))
    expect(bars.length).toBeGreaterThan(0)
    for (const b of bars) {
      const score = b.shown === '—' ? null : Number(b.shown)
      expect(b.cls).toContain(`chart-score-bar--${scoreClass(score === null ? null : shownScore(score))}`)
    }

    // 7–11. The map fills its panel, labels its regions without overlap, colours AQI by HJ 633's fixed bands,
    // explains regions without data, and sits among its neighbours.
    const panel = (await page.locator('.wall-map-box').boundingBox())!
    const map = await page.evaluate(() => {
      const hook = (globalThis as unknown as { __regionMap: { frame(): { left: number; top: number; right: number; bottom: number } | null; labels(): Array<{ code: string; x: number; y: number; size: number }>; regions(): string[]; fill(code: string): number[] | null; value(code: string): number | null; noData(): string[]; context(): string[] } }).__regionMap
      return {
        frame: hook.frame(),
        labels: hook.labels(),
        fills: hook.regions().map((code) => ({ code, fill: hook.fill(code), value: hook.value(code) })),
        noData: hook.noData(),
        context: hook.context(),
        legendNoData: document.querySelector('[data-testid="region-map"]')?.textContent?.includes('无数据') ?? false,
      }
    })
    const frame = map.frame!
    expect(Math.max((frame.right - frame.left) / panel.width, (frame.bottom - frame.top) / panel.height)).toBeGreaterThan(0.8)
    expect(map.labels.length).toBeGreaterThan(5)
    expect(map.context.length).toBeGreaterThan(0)
    const AQI_BANDS: Array<[number, string]> = [[50, '#00e400'], [100, '#ffff00'], [150, '#ff7e00'], [200, '#ff0000'], [300, '#99004c'], [Infinity, '#7e0023']]
    const hex = (rgb: number[]) => `#${rgb.slice(0, 3).map((c) => c.toString(16).padStart(2, '0')).join('')}`
    for (const f of map.fills.filter((x) => x.value !== null)) expect([f.code, hex(f.fill!)]).toEqual([f.code, AQI_BANDS.find(([upTo]) => Math.round(f.value!) <= upTo)![1]])
    if (map.noData.length > 0) expect(map.legendNoData).toBe(true)

    await page.screenshot({ path: saveScreenshot(`wall-at-${minuteOfDay}-${width}.png`) })
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('the tour reads each step ahead: a step opens on its data, not on 加载中', async () => {
    const { page, problems } = await open('/?tour=12', { width: 1920, height: 1080 })
    const requests: Array<{ at: number; url: string }> = []
    page.on('request', (r) => requests.push({ at: Date.now(), url: r.url() }))
    await page.waitForSelector('[data-testid="wall"]')
    // The second step drills into the worst city by the first domain's headline.
    await page.waitForFunction((root) => (new URL(location.href).searchParams.get('region') ?? root) !== root, ROOT, { timeout: 40_000 })
    const switchedAt = Date.now()
    const region = await page.evaluate(() => new URL(location.href).searchParams.get('region')!)
    const early = requests.filter((r) => r.at < switchedAt && new URL(r.url).searchParams.get('region') === region).map((r) => new URL(r.url).pathname)
    expect(early).toEqual(expect.arrayContaining(['/api/changes', '/api/scorecard', '/api/series']))
    // Within a second of the step: every card's changes and every trend are there.
    await page.waitForTimeout(1000)
    const loading = await page.evaluate(
      (code) => ({
        changes: [...document.querySelectorAll(`[data-testid^="kpi-"][data-region="${code}"] .wall-chg[data-state="loading"]`)].length,
        trends: [...document.querySelectorAll('.wall-trend .wall-sub-empty')].map((e) => e.textContent).filter((t) => t === '加载中…').length,
      }),
      region,
    )
    expect(loading).toEqual({ changes: 0, trends: 0 })
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('the analyst view: the open day says so, and a comparison says what it covers', async () => {
    const { page, problems } = await open('/explore?indicator=biz.new_entities&region=440100&range=30d&step=1d&compare=none', { width: 1920, height: 1080 })
    const rows = page.locator('[data-testid="explore-table"] tbody tr')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(20)
    const partial = await page.$$eval('[data-testid="explore-table"] tbody tr', (trs) => trs.map((tr) => tr.hasAttribute('data-partial')))
    // Today (the newest row) is open whether it is 00:10 or noon; every other day has closed.
    expect(partial).toEqual(partial.map((_, i) => i === 0))

    // 14. The PNG carries its own header (indicator, region, period, data time) above the chart, without the zoom slider.
    const chartBox = (await page.locator('[data-testid="explore-chart"]').boundingBox())!
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="explore-export-png"]')])
    const png = fs.readFileSync((await download.path())!)
    const picture = await page.evaluate(async (b64) => {
      const img = new Image()
      img.src = `data:image/png;base64,${b64}`
      await img.decode()
      const canvas = document.createElement('canvas')
      canvas.width = img.width
      canvas.height = img.height
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!
      ctx.drawImage(img, 0, 0)
      // Pixels unlike the top-left corner's (the background) in a band of rows.
      const inked = (y0: number, y1: number) => {
        const bg = ctx.getImageData(0, 0, 1, 1).data
        const d = ctx.getImageData(0, y0, img.width, y1 - y0).data
        let n = 0
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - bg[0]!) + Math.abs(d[i + 1]! - bg[1]!) + Math.abs(d[i + 2]! - bg[2]!) > 60) n++
        return n
      }
      // At pixel ratio 2: a 76-pixel header, then the chart; the slider sat 16–40 pixels above the chart's bottom.
      return { width: img.width, height: img.height, header: inked(0, 152), slider: inked(img.height - 80, img.height - 32) }
    }, png.toString('base64'))
    // The chart's own size (its box less its border) at pixel ratio 2, plus the header.
    expect(Math.abs(picture.width - chartBox.width * 2)).toBeLessThanOrEqual(8)
    expect(Math.abs(picture.height - (chartBox.height * 2 + 152))).toBeLessThanOrEqual(8)
    expect(picture.header).toBeGreaterThan(2000)
    expect(picture.slider).toBeLessThan(200)

    // A year back history keeps daily values only: an hourly week against last year falls back to days, and says so.
    await page.goto(`${server.url}/explore?indicator=env.aqi&region=440100&range=7d&step=1h&compare=lastYear`)
    const note = page.locator('[data-testid="compare-note"]')
    await expect.poll(() => note.getAttribute('data-step'), { timeout: 20_000 }).toBe('1d')
    expect(await note.textContent()).toMatch(/按“1 天”粒度比较/)
    // The year before last year is beyond the 13 months kept: the note says how much is there.
    await page.goto(`${server.url}/explore?indicator=env.aqi&region=440100&range=1y&step=1d&compare=previous`)
    await expect.poll(async () => Number(await note.getAttribute('data-share')), { timeout: 20_000 }).toBeLessThan(0.2)
    expect(await note.textContent()).toMatch(/对比期数据自 .* 起，覆盖 \d+%/)
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })
})
