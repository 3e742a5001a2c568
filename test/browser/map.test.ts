import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Catalog } from '../../common/catalog-schema'
import { REPO_ROOT, startTestServer, type TestServer } from '../integration/harness'
import { launchBrowser, openPage, pageProblems, saveScreenshot } from './browser'

/**
 * The region map (client/src/map) in headless Chromium against the real
 * server on the real sample catalog with the simulators on, through its
 * preview page (/map-preview): it draws, it drills on a click (also through
 * the wall's CSS scaling), its colours and pulses follow live data, its
 * legend is wall-sized, and the console stays clean.
 *
 * Needs the built client: built here first when dist/client is older than
 * the client's sources.
 */

/** SwiftShader is slow, and slower on a busy machine: a view is ready in seconds to tens of seconds. */
const READY_MS = 120_000
const TEST_MS = 300_000
/** theme.css --bg: what an empty map shows. */
const BACKGROUND = [6, 11, 22] as const
/** theme.css --panel: the land under the choropleth (map-style.ts). */
const LAND = [13, 22, 40] as const
/** The choropleth's fills are opaque: a band's colour is drawn as the catalog gives it (HJ 633's official colours). */
const FILL_ALPHA = 1
/** map-style.ts MAP_COLORS: the sea and the neighbouring provinces around the province. */
const SEA = [0x0a, 0x22, 0x38] as const
const CONTEXT_LAND = [0x1a, 0x22, 0x30] as const
/** fill-scale.ts NO_DATA_COLOR. */
const NO_DATA = [0x39, 0x40, 0x4d] as const
/** HJ 633-2012's AQI colours, as sample-data/indicators.json gives them. */
const AQI_LIGHT = [0xff, 0x7e, 0x00] as const


function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs)
  }
  return newest
}

function ensureClientBuilt(): void {
  const index = path.join(REPO_ROOT, 'dist/client/index.html')
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0
  const sources = Math.max(newestMtime(path.join(REPO_ROOT, 'client')), newestMtime(path.join(REPO_ROOT, 'common')), fs.statSync(path.join(REPO_ROOT, 'vite.config.ts')).mtimeMs)
  if (built >= sources) return
  // vitest runs with NODE_ENV=test, which would make Vite bundle React's development build.
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  })
}

async function waitReady(page: Page, region: string): Promise<void> {
  await page.waitForFunction((r) => window.__regionMap?.ready === true && window.__regionMap.region === r, region, { timeout: READY_MS })
}

async function project(page: Page, code: string): Promise<[number, number]> {
  const p = await page.evaluate((c) => window.__regionMap!.project(c), code)
  expect(p, `project(${code})`).not.toBeNull()
  return p!
}

/**
 * The map's canvases composited as the page shows them (deck.gl's land and
 * data, then maplibre's boundary lines over them), read back: how many pixels
 * are not background, and the colour at some points.
 */
async function readMap(page: Page, points: Array<[number, number]> = []): Promise<{ painted: number; total: number; at: number[][] }> {
  return page.evaluate(
    ({ points, background }) => {
      const box = document.querySelector('[data-testid="region-map"]')!
      const rect = box.getBoundingClientRect()
      const out = document.createElement('canvas')
      out.width = Math.round(rect.width)
      out.height = Math.round(rect.height)
      const ctx = out.getContext('2d', { willReadFrequently: true })!
      const canvases = [...box.querySelectorAll('canvas')]
      const lines = canvases.filter((c) => c.classList.contains('maplibregl-canvas'))
      for (const c of [...canvases.filter((c) => !lines.includes(c)), ...lines]) {
        const r = c.getBoundingClientRect()
        ctx.drawImage(c, r.left - rect.left, r.top - rect.top, r.width, r.height)
      }
      const data = ctx.getImageData(0, 0, out.width, out.height).data
      let painted = 0
      for (let i = 0; i < data.length; i += 4) {
        const d = Math.abs(data[i]! - background[0]) + Math.abs(data[i + 1]! - background[1]) + Math.abs(data[i + 2]! - background[2])
        if (data[i + 3]! > 0 && d > 24) painted++
      }
      const at = points.map(([x, y]) => [...ctx.getImageData(Math.round(x - rect.left), Math.round(y - rect.top), 1, 1).data])
      return { painted, total: out.width * out.height, at }
    },
    { points, background: BACKGROUND },
  )
}

/** The colour a fill shows over the land, as the browser composites the deck.gl canvas. */
function overLand(fill: readonly number[]): number[] {
  return [0, 1, 2].map((i) => Math.round(fill[i]! * FILL_ALPHA + LAND[i]! * (1 - FILL_ALPHA)))
}

const near = (a: readonly number[], b: readonly number[], tolerance = 24) => [0, 1, 2].every((i) => Math.abs(a[i]! - b[i]!) <= tolerance)

describe('region map in the browser', () => {
  let server: TestServer
  let browser: Browser
  let catalog: Catalog
  const childrenOf = (code: string) => catalog.regions.filter((r) => r.parent === code).map((r) => r.code)

  beforeAll(async () => {
    ensureClientBuilt()
    server = await startTestServer({ CATALOG_DIR: path.join(REPO_ROOT, 'sample-data'), SIMULATE: '1' })
    catalog = (await (await server.fetch('/api/catalog')).json()) as Catalog
    browser = await launchBrowser()
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it(
    'draws the province, drills into a city on a click, and pulses where an alert fires',
    async () => {
      const { page, problems } = await openPage(browser, `${server.url}/map-preview?indicator=env.aqi&lang=en`, await server.token(), { width: 1600, height: 1000 })
      await waitReady(page, '440000')
      const root = catalog.regions.find((r) => r.parent === null)!.code
      expect(await page.evaluate(() => window.__regionMap!.regions())).toEqual(childrenOf(root))

      const drawn = await readMap(page)
      expect(drawn.painted / drawn.total, 'share of the map that is drawn').toBeGreaterThan(0.15)
      expect(await page.getByTestId('region-map-legend').textContent()).toContain('Air quality index')
      await page.screenshot({ path: saveScreenshot('map-province.png') })

      const [x, y] = await project(page, '440100')
      await page.mouse.click(x, y)
      await expect.poll(() => page.getByTestId('map-preview-clicked').textContent()).toBe('440100')
      await waitReady(page, '440100')
      expect(await page.evaluate(() => window.__regionMap!.regions())).toEqual(childrenOf('440100'))
      expect((await readMap(page)).painted).toBeGreaterThan(0)

      // AQI 300 twice at a station in Tianhe: the default rule raises a critical alert, pulsing on Tianhe.
      const station = catalog.stations.find((s) => s.kind === 'air' && s.region === '440106')!
      // Stamped ahead of the simulators' own readings of this station, which would otherwise
      // break "twice in a row" now and then (see the alert test in screens.test.ts).
      const now = Date.now() + 120_000
      const points = [now - 1000, now].map((ts, i) => ({ ts, indicator: 'env.aqi', region: station.region, station: station.code, value: 300, id: `map-test-aqi-${now}-${i}` }))
      expect((await server.pipeline.ingestValues(points, 'test')).accepted).toBe(2)
      await expect.poll(() => page.evaluate(() => window.__regionMap!.pulsing()), { timeout: 30_000 }).toContain('440106')
      await page.screenshot({ path: saveScreenshot('map-city-alert.png') })

      expect(pageProblems(problems)).toEqual([])
      await page.close()
    },
    TEST_MS,
  )

  it(
    'for a city account, draws its city as the whole map: its districts, nothing around them',
    async () => {
      const guangzhou = { name: 'gz-analyst', role: 'analyst' as const, region: '440100' }
      const { page, problems } = await openPage(browser, `${server.url}/map-preview?indicator=env.aqi&lang=en`, await server.token(guangzhou), { width: 1400, height: 900 })
      await waitReady(page, '440100')
      expect(await page.evaluate(() => window.__regionMap!.regions())).toEqual(childrenOf('440100'))
      // The server sent it no other city: the map cannot even place one.
      expect(await page.evaluate(() => window.__regionMap!.project('440600'))).toBeNull()
      await page.screenshot({ path: saveScreenshot('map-city-account.png') })
      // Land inside a district; bare background beside the city, where the province's map has Foshan and Qingyuan.
      const box = await page.getByTestId('region-map').boundingBox()
      const beside: [number, number] = [box!.x + box!.width * 0.05, box!.y + box!.height * 0.3]
      const { painted, at } = await readMap(page, [await project(page, '440106'), beside])
      expect(painted).toBeGreaterThan(0)
      expect(near(at[0]!, BACKGROUND), 'a district is drawn').toBe(false)
      // Nothing drawn: the canvases are clear there (or show the background colour).
      const bare = (p: readonly number[]) => p[3] === 0 || near(p, BACKGROUND, 6)
      expect(bare(at[1]!), `nothing is drawn beside the city (${at[1]!.join(',')})`).toBe(true)
      expect(pageProblems(problems)).toEqual([])
      await page.close()
    },
    TEST_MS,
  )

  it(
    'recolours a region as its live value changes, and names it on hover',
    async () => {
      // Only the choropleth: no station dots or alert rings over the pixel under test.
      const { page, problems } = await openPage(browser, `${server.url}/map-preview?indicator=pov.employment_rate&overlays=none&labels=none&refresh=1000&lang=en`, await server.token(), { width: 1400, height: 900 })
      await waitReady(page, '440000')
      // Dongguan has no counties: its own series is its value. Employment rate: higher is better, target 90 %.
      const code = '441900'
      const point = await project(page, code)
      const fillOf = () => page.evaluate((c) => window.__regionMap!.fill(c), code)
      // The live value is the one with the newest time. The simulators send their first monthly
      // readings over the first minutes, stamped with their time: stamp ours a little ahead.
      let ahead = 3 * 60_000
      const ingest = async (value: number) => {
        const ts = Date.now() + (ahead += 1000)
        const r = await server.pipeline.ingestValues([{ ts, indicator: 'pov.employment_rate', region: code, value, id: `map-test-emp-${ts}` }], 'test')
        expect(r.accepted).toBe(1)
      }
      const pixelMatchesFill = async () => {
        const fill = await fillOf()
        const [pixel] = (await readMap(page, [point])).at
        return fill !== null && near(pixel!, overLand(fill))
      }

      await ingest(40)
      await expect.poll(fillOf, { timeout: 30_000 }).toSatisfy((f) => f !== null && f[0] > f[1] + 60)
      await expect.poll(pixelMatchesFill, { timeout: 30_000 }).toBe(true)
      const [bad] = (await readMap(page, [point])).at
      expect(bad![0], 'red under target').toBeGreaterThan(bad![1]!)

      await ingest(100)
      await expect.poll(fillOf, { timeout: 30_000 }).toSatisfy((f) => f !== null && f[1] > f[0] + 60)
      await expect.poll(pixelMatchesFill, { timeout: 30_000 }).toBe(true)
      const [good] = (await readMap(page, [point])).at
      expect(good![1], 'green above target').toBeGreaterThan(good![0]!)

      await page.mouse.move(point[0], point[1])
      const tooltip = page.getByTestId('region-map-tooltip')
      await expect.poll(() => tooltip.textContent(), { timeout: 10_000 }).toContain('Dongguan')
      expect(await tooltip.textContent()).toMatch(/100\.0 ?%/) // at the indicator's precision (one decimal)
      await page.screenshot({ path: saveScreenshot('map-live-colour.png') })

      expect(pageProblems(problems)).toEqual([])
      await page.close()
    },
    TEST_MS,
  )

  it(
    'on the wall (3840×2160 scaled to 1920×1080): the legend reads from metres away and a click still drills',
    async () => {
      const { page, problems } = await openPage(browser, `${server.url}/map-preview?indicator=biz.online_rate&design=3840x2160&scale=0.5`, await server.token(), { width: 1920, height: 1080 })
      await waitReady(page, '440000')
      const sizes = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-testid="region-map-legend"] *')]
          .filter((e) => [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ''))
          .map((e) => Number.parseFloat(getComputedStyle(e).fontSize)),
      )
      expect(sizes.length).toBeGreaterThan(0)
      expect(Math.min(...sizes), 'smallest legend text in design pixels').toBeGreaterThanOrEqual(36)

      const [x, y] = await project(page, '441900')
      await page.mouse.click(x, y)
      await expect.poll(() => page.getByTestId('map-preview-clicked').textContent()).toBe('441900')
      await waitReady(page, '441900')
      expect(await page.evaluate(() => window.__regionMap!.regions())).toEqual([])
      await page.screenshot({ path: saveScreenshot('map-wall-scaled.png') })

      expect(pageProblems(problems)).toEqual([])
      await page.close()
    },
    TEST_MS,
  )

  /** The preview at a screen size: the map box below the preview's header. */
  const sizes = [
    { name: '1920×1080', viewport: { width: 1920, height: 1080 } },
    { name: '3840×2160', viewport: { width: 3840, height: 2160 } },
  ] as const

  for (const { name, viewport } of sizes) {
    it(
      `at ${name}: the province fills the panel, named by labels that follow the language, over sea and its faint neighbours`,
      async () => {
        const { page, problems } = await openPage(browser, `${server.url}/map-preview?indicator=env.aqi&overlays=none&lang=zh`, await server.token(), viewport)
        await waitReady(page, '440000')
        const panel = (await page.getByTestId('region-map').boundingBox())!
        const frame = (await page.evaluate(() => window.__regionMap!.frame()))!
        const share = { width: (frame.right - frame.left) / panel.width, height: (frame.bottom - frame.top) / panel.height }
        // Fitted to the panel: one side nearly spans it, and the box covers most of it (it was a quarter).
        expect(Math.max(share.width, share.height), `the province's box spans ${JSON.stringify(share)} of the panel`).toBeGreaterThan(0.9)
        expect(share.width * share.height, 'share of the panel the province’s box covers').toBeGreaterThan(0.6)
        expect(frame.left).toBeGreaterThanOrEqual(panel.x - 1)
        expect(frame.right).toBeLessThanOrEqual(panel.x + panel.width + 1)
        expect(frame.top).toBeGreaterThanOrEqual(panel.y - 1)
        expect(frame.bottom).toBeLessThanOrEqual(panel.y + panel.height + 1)
        await page.screenshot({ path: saveScreenshot(`map-fit-${viewport.width}.png`) })

        // Labels: the cities' names from the catalog, none over another, in the language shown.
        const labels = await page.evaluate(() => window.__regionMap!.labels())
        const cities = catalog.regions.filter((r) => r.parent === '440000')
        expect(labels.length, 'cities named').toBeGreaterThanOrEqual(Math.ceil(cities.length * 0.6))
        for (const l of labels) expect(cities.find((c) => c.code === l.code)?.name.zh).toBe(l.text)
        // Legible at the screen's scale: the legend's size or a little less, never small.
        expect(labels[0]!.size).toBeGreaterThanOrEqual(viewport.width >= 3840 ? 36 : 18)
        await page.getByRole('button', { name: 'English' }).click()
        await expect.poll(() => page.evaluate(() => window.__regionMap!.labels().map((l) => l.text)), { timeout: 15_000 }).toContain('Guangzhou')
        const english = await page.evaluate(() => window.__regionMap!.labels())
        for (const l of english) expect(cities.find((c) => c.code === l.code)?.name.en).toBe(l.text)
        // The labels are drawn: white text with a dark halo where a name is (not the fill alone).
        const guangzhou = english.find((l) => l.code === '440100')
        if (guangzhou) {
          const fill = await page.evaluate(() => window.__regionMap!.fill('440100'))
          const { at } = await readMap(page, Array.from({ length: 9 }, (_, i): [number, number] => [guangzhou.x - guangzhou.size + (i * guangzhou.size) / 4, guangzhou.y]))
          expect(at.some((p) => !near(p, fill!, 40)), 'the label differs from the fill under it').toBe(true)
        }

        // Context: the neighbouring provinces and the sea, drawn by the map itself.
        expect(await page.evaluate(() => window.__regionMap!.context())).toEqual(expect.arrayContaining(['450000', '430000', '360000', '350000', '810000', '820000']))
        const guangxi = await page.evaluate(() => window.__regionMap!.at([110.4, 24.0]))
        const southChinaSea = await page.evaluate(() => window.__regionMap!.at([115.8, 21.4]))
        const { at } = await readMap(page, [guangxi, southChinaSea])
        expect(near(at[0]!, CONTEXT_LAND, 8), `Guangxi is drawn as faint land (${at[0]!.join(',')})`).toBe(true)
        expect(near(at[1]!, SEA, 8), `the sea south of the coast is sea (${at[1]!.join(',')})`).toBe(true)

        expect(pageProblems(problems)).toEqual([])
        await page.close()
      },
      TEST_MS,
    )

    it(
      `at ${name}: a region without data has its own style and legend entry; an AQI band's colour fills a region and a station alike`,
      async () => {
        // Shaoguan: several of its counties have no air station, hence no AQI.
        const { page, problems } = await openPage(browser, `${server.url}/map-preview?indicator=env.aqi&region=440200&overlays=air&labels=none&refresh=1000&lang=zh`, await server.token(), viewport)
        await waitReady(page, '440200')
        const stationless = childrenOf('440200').filter((c) => !catalog.stations.some((s) => s.kind === 'air' && s.region === c))
        expect(stationless.length).toBeGreaterThan(0)
        await expect.poll(() => page.evaluate(() => window.__regionMap!.noData()), { timeout: 30_000 }).toEqual(expect.arrayContaining(stationless))
        const noData = await page.evaluate(() => window.__regionMap!.noData())
        const entry = page.getByTestId('region-map-legend-nodata')
        expect(await entry.textContent()).toContain('无数据')
        expect(Number(await entry.getAttribute('data-count'))).toBe(noData.length)
        expect(await page.evaluate((c) => window.__regionMap!.fill(c), stationless[0]!)).toEqual([...NO_DATA, 255])
        const [blank] = (await readMap(page, [await project(page, stationless[0]!)])).at
        expect(near(blank!, NO_DATA, 12), `a county without data is drawn in the no-data grey (${blank!.join(',')})`).toBe(true)
        // The legend lists the catalog's six HJ 633 bands and says the dots share them.
        const bands = await page.locator('[data-testid="region-map-legend-bands"] [data-color]').evaluateAll((els) => els.map((e) => e.getAttribute('data-color')))
        expect(bands).toEqual(['#7E0023', '#99004C', '#FF0000', '#FF7E00', '#FFFF00', '#00E400'])
        expect(await page.getByTestId('region-map-legend').textContent()).toMatch(/轻度污染.*101–150/)
        await page.screenshot({ path: saveScreenshot(`map-no-data-${viewport.width}.png`) })

        // A county with a station: AQI 120 (轻度污染, 101–150) at each of its stations, stamped ahead of the simulators.
        const county = childrenOf('440200').find((c) => !stationless.includes(c))!
        const stations = catalog.stations.filter((s) => s.kind === 'air' && s.region === county)
        const now = Date.now() + 90_000
        const points = stations.map((s, i) => ({ ts: now + i, indicator: 'env.aqi', region: county, station: s.code, value: 120, id: `map-band-${viewport.width}-${s.code}` }))
        expect((await server.pipeline.ingestValues(points, 'test')).accepted).toBe(points.length)
        await expect.poll(() => page.evaluate((c) => window.__regionMap!.fill(c), county), { timeout: 30_000 }).toEqual([...AQI_LIGHT, 255])
        const dot = await page.evaluate((p) => window.__regionMap!.at(p), stations[0]!.location)
        const inCounty = await project(page, county)
        await expect
          .poll(async () => {
            const { at } = await readMap(page, [dot, inCounty])
            return at.map((p) => near(p, AQI_LIGHT, 10))
          }, { timeout: 30_000 })
          .toEqual([true, true])

        expect(pageProblems(problems)).toEqual([])
        await page.close()
      },
      TEST_MS,
    )
  }

  it(
    'on the wall: labels carry each region’s value, at wall size',
    async () => {
      const { page, problems } = await openPage(browser, `${server.url}/map-preview?indicator=env.aqi&overlays=none&compact=1&design=3840x2160&scale=0.5&lang=zh`, await server.token(), { width: 1920, height: 1080 })
      await waitReady(page, '440000')
      await expect.poll(() => page.evaluate(() => window.__regionMap!.labels().length), { timeout: 30_000 }).toBeGreaterThan(10)
      const labels = await page.evaluate(() => window.__regionMap!.labels())
      for (const l of labels) expect(l.text, `${l.code} says its value under its name`).toMatch(/^\S+\n(\d[\d.,]*|无数据)$/)
      expect(labels[0]!.size, 'label size in design pixels').toBeGreaterThanOrEqual(36)
      await page.screenshot({ path: saveScreenshot('map-wall-labels.png') })
      expect(pageProblems(problems)).toEqual([])
      await page.close()
    },
    TEST_MS,
  )
})
