import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WallReply } from '../../common/api/walls-api'
import type { DomainInfo, Indicator } from '../../common/catalog-schema'
import type { Playlist, Wall } from '../../common/wall-schema'
import { ndjson, postIngest, REPO_ROOT, type TestServer } from '../integration/harness'
import { openPage, pageProblems, saveScreenshot, startServerAndBrowser } from './browser'

/**
 * Walls as data in Chromium against the real server: a fifth domain added to
 * the catalog as data (no code), its two indicators pushed over HTTP, and
 * the wall that gets its column showing their live values; a playlist that
 * rotates two walls, each running its own tour; and a wall outside an
 * account's region that is not there for it.
 */

const EMERGENCY: DomainInfo = { code: 'emergency', name: { zh: '应急管理', en: 'Emergency management' }, color: '#E57373', icon: 'siren', order: 50 }
const OPEN_INCIDENTS: Indicator = {
  code: 'emg.open_incidents',
  domain: 'emergency',
  name: { zh: '在办突发事件', en: 'Open incidents' },
  unit: { zh: '起', en: 'incidents' },
  precision: 0,
  aggregation: { rule: 'sum' },
  temporal: 'last',
  better: 'lower',
  cadenceSeconds: 60,
  target: null,
  range: [0, 10_000],
}
const RESPONSE_MINUTES: Indicator = {
  ...OPEN_INCIDENTS,
  code: 'emg.response_minutes',
  name: { zh: '平均响应时长', en: 'Mean response time' },
  unit: { zh: '分钟', en: 'min' },
  precision: 1,
  aggregation: { rule: 'mean' },
  temporal: 'mean',
  target: { kind: 'level', value: 15 },
  range: [0, 600],
}

let server: TestServer
let browser: Browser
let catalogDir: string

beforeAll(async () => {
  // The sample catalog, plus the fifth domain and its indicators: data only.
  catalogDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onescreen-walls-'))
  fs.cpSync(path.join(REPO_ROOT, 'sample-data'), catalogDir, { recursive: true })
  const edit = <T>(file: string, key: string, add: T) => {
    const json = JSON.parse(fs.readFileSync(path.join(catalogDir, file), 'utf8')) as Record<string, T[]>
    json[key]!.push(add)
    fs.writeFileSync(path.join(catalogDir, file), JSON.stringify(json))
  }
  edit('domains.json', 'domains', EMERGENCY)
  edit('indicators.json', 'indicators', OPEN_INCIDENTS)
  edit('indicators.json', 'indicators', RESPONSE_MINUTES)
  ;({ server, browser } = await startServerAndBrowser({ CATALOG_DIR: catalogDir, TICK_MS: '500' }))
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  fs.rmSync(catalogDir, { recursive: true, force: true })
})

async function api<T>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await server.fetch(p, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) })
  return { status: res.status, body: (await res.json()) as T }
}

const emergencyColumn: Wall['columns'][number] = {
  domain: 'emergency',
  kpis: ['emg.open_incidents', 'emg.response_minutes'],
  trend: { indicator: 'emg.open_incidents', window: '24h' },
  ranking: 'emg.response_minutes',
}

describe('a fifth domain, added as data', () => {
  it('appears on the wall that gets its column, with live values pushed over HTTP', async () => {
    const stored = (await api<WallReply>('GET', '/api/walls/default')).body
    const wall: Wall = { ...stored.definition, columns: [...stored.definition.columns, emergencyColumn] }
    const saved = await api<WallReply>('PUT', '/api/walls/default', { definition: wall, version: stored.version })
    expect(saved.status).toBe(200)

    const { page, problems } = await openPage(browser, `${server.url}/`, await server.token('leader'))
    const column = page.locator('[data-testid="domain-emergency"]')
    await column.waitFor({ timeout: 30_000 })
    expect(await column.locator('.wall-domain-title').textContent()).toContain('应急管理')
    expect(await column.locator('svg[data-icon="siren"]').count()).toBe(1)
    // Five columns: three on the left, two on the right, all on the stage.
    expect(await page.locator('.wall-side').nth(0).locator('.wall-domain').count()).toBe(3)
    expect(await page.locator('.wall-side').nth(1).locator('[data-testid="domain-emergency"]').count()).toBe(1)

    // Two counties of Guangzhou report; the province's card sums the open incidents and averages the response time.
    const now = Date.now() - 1000
    await postIngest(
      server.url,
      ndjson([
        { ts: now, indicator: 'emg.open_incidents', region: '440103', value: 7 },
        { ts: now, indicator: 'emg.open_incidents', region: '440104', value: 5 },
        { ts: now, indicator: 'emg.response_minutes', region: '440103', value: 12 },
        { ts: now, indicator: 'emg.response_minutes', region: '440104', value: 18 },
      ]),
    )
    const card = (code: string) => page.locator(`[data-testid="kpi-${code}"]`)
    await expect.poll(() => card('emg.open_incidents').getAttribute('data-value'), { timeout: 20_000 }).toBe('12')
    await expect.poll(() => card('emg.response_minutes').getAttribute('data-value'), { timeout: 20_000 }).toBe('15')
    expect(await card('emg.open_incidents').textContent()).toContain('12')
    await page.screenshot({ path: saveScreenshot('wall-five-domains.png') })
    expect(pageProblems(problems)).toEqual([])
    // The domain is in the analyst's picker and the duty console's filter too, named from data.
    const analyst = await openPage(browser, `${server.url}/explore`, await server.token('analyst'))
    await analyst.page.waitForSelector('[data-testid="explore-indicator"]')
    expect(await analyst.page.locator('[data-testid="explore-indicator"] optgroup[label="应急管理"] option').count()).toBe(2)
    const duty = await openPage(browser, `${server.url}/duty`, await server.token('duty'))
    await duty.page.waitForSelector('[data-testid="duty-filter-domain"]')
    expect(await duty.page.locator('[data-testid="duty-filter-domain"] option[value="emergency"]').textContent()).toBe('应急管理')
  })
})

describe('a playlist', () => {
  it('rotates two walls, each running its own tour within its dwell', async () => {
    const emergencyWall: Wall = {
      id: 'emergency',
      title: { zh: '应急指挥', en: 'Emergency command' },
      root: null,
      columns: [emergencyColumn],
      map: { indicator: 'emg.open_incidents', layers: ['alerts', 'labels'] },
      tour: { dwellSeconds: 5, autostart: false, steps: [] },
    }
    expect((await api('PUT', '/api/walls/emergency', { definition: emergencyWall })).status).toBe(201)
    const playlist: Playlist = { id: 'duty-room', title: { zh: '值班室', en: 'Duty room' }, entries: [{ wall: 'default', dwellSeconds: 10 }, { wall: 'emergency', dwellSeconds: 10 }] }
    expect((await api('PUT', '/api/playlists/duty-room', { definition: playlist })).status).toBe(201)

    const { page } = await openPage(browser, `${server.url}/playlist/duty-room`, await server.token('leader'))
    const shown = () => page.locator('[data-testid="playlist"]').getAttribute('data-wall')
    await expect.poll(shown, { timeout: 30_000 }).toBe('default')
    expect(await page.locator('[data-testid="wall-title"]').textContent()).toBe('一屏统览')
    // The wall's own tour runs inside the playlist's dwell.
    await page.waitForSelector('.wall-pill--tour', { timeout: 10_000 })
    await expect.poll(shown, { timeout: 15_000 }).toBe('emergency')
    expect(await page.locator('[data-testid="wall-title"]').textContent()).toBe('应急指挥')
    expect(await page.locator('.wall-domain').count()).toBe(1)
    expect(await page.locator('.wall-pill--tour').textContent()).toContain('应急管理')
    // And round again.
    await expect.poll(shown, { timeout: 15_000 }).toBe('default')
  })
})

describe('a wall outside an account’s region', () => {
  it('is not there for it, on its own or in a playlist; its own region’s wall is', async () => {
    const shenzhen: Wall = { ...(await api<WallReply>('GET', '/api/walls/emergency')).body.definition, id: 'shenzhen', title: { zh: '深圳', en: 'Shenzhen' }, root: '440300' }
    expect((await api('PUT', '/api/walls/shenzhen', { definition: shenzhen })).status).toBe(201)
    expect((await api('PUT', '/api/playlists/sz', { definition: { id: 'sz', title: { zh: '深', en: 'SZ' }, entries: [{ wall: 'shenzhen', dwellSeconds: 30 }] } })).status).toBe(201)
    const guangzhou = await server.token({ name: 'gz-leader', role: 'leader', region: '440100' })
    const { page } = await openPage(browser, `${server.url}/wall/shenzhen`, guangzhou)
    await page.waitForSelector('[data-testid="wall-missing"][data-state="unknown"]', { timeout: 15_000 })
    expect(await page.locator('[data-testid="wall-missing"]').textContent()).toContain('shenzhen')
    await page.goto(`${server.url}/playlist/sz`)
    await page.waitForSelector('[data-testid="playlist-missing"][data-state="unknown"]', { timeout: 15_000 })
    // Shenzhen's own account opens on it at /.
    const sz = await openPage(browser, `${server.url}/`, await server.token({ name: 'sz-leader', role: 'leader', region: '440300' }))
    await expect.poll(() => sz.page.locator('[data-testid="wall-title"]').textContent(), { timeout: 15_000 }).toBe('深圳')
    expect(await sz.page.locator('[data-testid="breadcrumb"]').getAttribute('data-region')).toBe('440300')
  })
})
