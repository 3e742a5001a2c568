import fs from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WallReply } from '../../common/api/walls-api'
import type { Wall } from '../../common/wall-schema'
import type { TestServer } from '../integration/harness'
import { openPage, pageProblems, saveScreenshot, startServerAndBrowser } from './browser'

/**
 * The wall editor (/admin/walls) in Chromium against the real server: a wall
 * made with the form alone (columns and cards picked from the catalog,
 * reordered), previewed live, published and shown at /wall/:id; problems
 * named by column, card and field in Chinese; a save on top of someone
 * else's newer version shown and resolved; JSON export and import; a city
 * admin held to its region; and the roles that may not, refused.
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

const cards = (page: Page, column: number) => page.$$eval(`[data-testid="edit-column-${column}"] [data-testid="edit-card"]`, (els) => els.map((e) => e.getAttribute('data-indicator')))
const problemsShown = (page: Page) => page.locator('[data-testid="wall-problems"]').textContent()

describe('the wall editor', () => {
  it('makes a wall with the form alone: cards from the catalog, reordered, previewed, published and shown', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/admin/walls`, await server.token('admin'))
    page.on('dialog', (d) => void d.accept())
    await page.waitForSelector('[data-testid="wall-row"][data-wall="default"]')
    await page.click('[data-testid="wall-new"]')
    await page.waitForSelector('[data-testid="wall-editor"]')
    await page.fill('input[name="id"]', 'city-wall')
    await page.fill('input[name="title-zh"]', '测试大屏')
    await page.fill('input[name="title-en"]', 'Test wall')
    await page.click('[data-testid="add-column"]')
    // The new wall's first column has four business cards: drop the last, move the second up.
    const before = await cards(page, 0)
    expect(before).toHaveLength(4)
    await page.click('[data-testid="edit-column-0"] [aria-label="第 4 张卡片 移除"]')
    await page.click('[data-testid="edit-column-0"] [aria-label="第 2 张卡片 上移"]')
    expect(await cards(page, 0)).toEqual([before[1], before[0], before[2]])
    // A card picked from the domain's indicators.
    await page.selectOption('select[name="column-1-add-card"]', 'pov.employment_rate')
    expect((await cards(page, 1)).at(-1)).toBe('pov.employment_rate')
    await page.selectOption('select[name="column-1-window"]', '7d')

    // Two columns of one domain: named by column and field, in Chinese, and nothing can be published.
    await page.selectOption('select[name="column-1-domain"]', 'business')
    expect(await problemsShown(page)).toContain('第 2 列 · 领域：领域 business 已经有一列')
    expect(await page.locator('[data-field="columns.1.domain"]').count()).toBe(1)
    expect(await page.locator('[data-testid="wall-publish"]').isDisabled()).toBe(true)
    await page.selectOption('select[name="column-1-domain"]', 'environment')
    await expect.poll(() => page.locator('[data-testid="wall-problems"]').count()).toBe(0)

    // The preview is the real wall at 1920×1080, with the draft's columns.
    const preview = page.locator('[data-testid="wall-preview"]')
    await preview.locator('[data-testid="domain-environment"]').waitFor({ timeout: 20_000 })
    expect(await preview.locator('.wall-domain').count()).toBe(2)
    expect(await preview.locator('[data-testid="wall-title"]').textContent()).toBe('测试大屏')
    await page.screenshot({ path: saveScreenshot('wall-editor.png'), fullPage: true })

    await page.click('[data-testid="wall-publish"]')
    await page.waitForSelector('[data-testid="wall-row"][data-wall="city-wall"]')
    expect(await page.locator('[data-testid="form-done"]').textContent()).toContain('city-wall')
    const stored = (await (await server.fetch('/api/walls/city-wall')).json()) as WallReply
    expect(stored.definition.columns.map((c) => c.domain)).toEqual(['business', 'environment'])
    expect(stored.definition.columns[0]!.kpis).toEqual([before[1], before[0], before[2]])
    expect(stored.definition.root).toBeNull()
    expect(stored.updatedBy).toBe(server.credentials.accounts.find((a) => a.role === 'admin')!.name)

    // Shown at /wall/city-wall, as published.
    await page.goto(`${server.url}/wall/city-wall`)
    await page.waitForSelector('[data-testid="domain-environment"]', { timeout: 20_000 })
    expect(await page.locator('.wall-domain').count()).toBe(2)
    expect(await page.locator('[data-testid="wall-title"]').textContent()).toBe('测试大屏')
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('shows a save on top of someone else’s newer version, and lets the editor overwrite or take theirs', async () => {
    const { page } = await openPage(browser, `${server.url}/admin/walls`, await server.token('admin'))
    await page.click('[data-testid="wall-row"][data-wall="city-wall"] [data-testid="wall-edit"]')
    await page.waitForSelector('[data-testid="wall-editor"]')
    // Meanwhile another admin saves a change.
    const stored = (await (await server.fetch('/api/walls/city-wall')).json()) as WallReply
    const theirs: Wall = { ...stored.definition, title: { zh: '对方的标题', en: 'Theirs' } }
    const other = { name: 'other-admin', role: 'admin' as const }
    const put = await server.fetch('/api/walls/city-wall', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ definition: theirs, version: stored.version }) }, other)
    expect(put.status).toBe(200)

    await page.fill('input[name="title-zh"]', '我的标题')
    await page.click('[data-testid="wall-publish"]')
    const conflict = page.locator('[data-testid="wall-conflict"]')
    await conflict.waitFor()
    expect(await conflict.textContent()).toContain('other-admin')
    // Take theirs: the form shows their title.
    await page.click('[data-testid="take-theirs"]')
    expect(await page.inputValue('input[name="title-zh"]')).toBe('对方的标题')
    // Edit on top of theirs and publish: it goes through.
    await page.fill('input[name="title-zh"]', '合并后的标题')
    await page.click('[data-testid="wall-publish"]')
    await page.waitForSelector('[data-testid="wall-row"][data-wall="city-wall"]')
    const merged = (await (await server.fetch('/api/walls/city-wall')).json()) as WallReply
    expect(merged).toMatchObject({ version: stored.version + 2, definition: { title: { zh: '合并后的标题' } } })
    // The history shows both saves, by their authors, with what changed.
    await page.click('[data-testid="wall-row"][data-wall="city-wall"] [data-testid="wall-edit"]')
    await page.waitForSelector('[data-testid="history-entry"]')
    const actors = await page.$$eval('[data-testid="history-entry"]', (els) => els.map((e) => [e.getAttribute('data-action'), e.getAttribute('data-actor')]))
    expect(actors.slice(0, 2)).toEqual([
      ['updated', server.credentials.accounts.find((a) => a.role === 'admin')!.name],
      ['updated', 'other-admin'],
    ])
    expect(await page.locator('[data-testid="history-diff"][data-part="title"]').count()).toBeGreaterThan(0)
    await page.context().close()
  })

  it('exports the draft as JSON and imports it back; an import outside a city admin’s region is named', async () => {
    const { page } = await openPage(browser, `${server.url}/admin/walls`, await server.token('admin'))
    await page.click('[data-testid="wall-row"][data-wall="city-wall"] [data-testid="wall-edit"]')
    await page.waitForSelector('[data-testid="wall-editor"]')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="wall-export"]')])
    const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as Wall
    const stored = (await (await server.fetch('/api/walls/city-wall')).json()) as WallReply
    expect(exported).toEqual(stored.definition)
    await page.fill('[data-testid="wall-import-text"]', JSON.stringify({ ...exported, title: { zh: '导入的标题', en: 'Imported' } }))
    await page.click('[data-testid="wall-import"]')
    expect(await page.inputValue('input[name="title-zh"]')).toBe('导入的标题')
    await page.fill('[data-testid="wall-import-text"]', '{"id": "x", "columns": 3')
    await page.click('[data-testid="wall-import"]')
    expect(await page.locator('[data-testid="form-error"]').textContent()).toMatch(/^导入失败：/)
    await page.context().close()

    // A city admin's editor offers only its region, and an imported wall rooted elsewhere is named.
    const city = await openPage(browser, `${server.url}/admin/walls`, await server.token({ name: 'gz-walls', role: 'admin', region: '440100' }))
    await city.page.click('[data-testid="wall-new"]')
    await city.page.waitForSelector('[data-testid="wall-editor"]')
    const roots = await city.page.$$eval('select[name="root"] option', (os) => os.map((o) => (o as HTMLOptionElement).value))
    expect(roots.filter((r) => r !== '').every((r) => r.startsWith('4401'))).toBe(true)
    await city.page.fill('[data-testid="wall-import-text"]', JSON.stringify({ ...exported, id: 'sz-wall', root: '440300' }))
    await city.page.click('[data-testid="wall-import"]')
    expect(await problemsShown(city.page)).toContain('根区域：区域 440300 超出你的管辖范围 440100')
    expect(await city.page.locator('[data-testid="wall-publish"]').isDisabled()).toBe(true)
    await city.page.context().close()
  })

  it('makes a playlist of walls in the order chosen, with their dwell', async () => {
    const { page } = await openPage(browser, `${server.url}/admin/walls`, await server.token('admin'))
    await page.waitForSelector('[data-testid="wall-row"][data-wall="city-wall"]')
    await page.click('[data-testid="playlist-new"]')
    await page.waitForSelector('[data-testid="playlist-editor"]')
    await page.fill('input[name="playlist-id"]', 'night-shift')
    await page.fill('input[name="playlist-title-zh"]', '夜班轮播')
    await page.selectOption('select[name="entry-0-wall"]', 'default')
    await page.selectOption('select[name="entry-1-wall"]', 'city-wall')
    await page.fill('input[name="entry-1-dwell"]', '45')
    await page.click('[aria-label="第 1 项 下移"]')
    await page.fill('input[name="entry-0-dwell"]', '5')
    await page.click('[data-testid="playlist-save"]')
    // Too short a dwell is named by its entry and field.
    expect(await page.locator('[data-testid="wall-problems"]').textContent()).toContain('第 1 项 · 每步停留（秒）：至少为 10')
    await page.fill('input[name="entry-0-dwell"]', '30')
    await page.click('[data-testid="playlist-save"]')
    await page.waitForSelector('[data-testid="playlist-row"][data-playlist="night-shift"]')
    const stored = (await (await server.fetch('/api/playlists/night-shift')).json()) as { definition: { entries: unknown[] } }
    expect(stored.definition.entries).toEqual([
      { wall: 'city-wall', dwellSeconds: 30 },
      { wall: 'default', dwellSeconds: 60 },
    ])
    await page.context().close()
  })

  it('is refused to the roles that may not change walls', async () => {
    const { page } = await openPage(browser, `${server.url}/admin/walls`, await server.token('leader'))
    await page.waitForSelector('[data-testid="forbidden"]')
    await page.context().close()
    const put = await server.fetch('/api/walls/x', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ definition: {} }) }, 'analyst')
    expect(put.status).toBe(403)
  })
})
