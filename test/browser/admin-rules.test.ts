import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BacktestReply, RuleHistoryReply, RuleReply } from '../../common/api/rules-api'
import type { TestServer } from '../integration/harness'
import { openPage, pageProblems, saveScreenshot, startServerAndBrowser } from './browser'

/**
 * The rule editor of the console (/admin/rules) in Chromium against the real
 * server, as the seeded admin: a threshold changed, the edit backtested over
 * a range picked in the page — the firings shown, their count, times and
 * series by name, are the API's engine run over the same history for the
 * same edited rule and range — saved, and the change seen in the list and as
 * a field-by-field diff in the history. Mistakes are named by their field in
 * the page's language, the server's refusals too; the roles that may not
 * write rules do not reach the editor.
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

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

const ruleOf = async (id: string) => ((await (await server.fetch(`/api/rules/${id}`)).json()) as RuleReply).rule
const backtestOverHttp = async (rule: Record<string, unknown>, from: number, to: number) => {
  const res = await server.fetch('/api/rules/backtest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rule, from, to }) })
  expect(res.status).toBe(200)
  return (await res.json()) as BacktestReply
}

async function openEditor(page: Page, id: string): Promise<void> {
  await page.click(`[data-testid="rules"] tr[data-rule="${id}"] [data-testid="rule-edit"]`)
  await page.waitForSelector('[data-testid="rule-editor"]')
}

describe('the rule editor, as the seeded admin', () => {
  it('changes a threshold, backtests the edit over a picked range exactly as the API does, saves it, and shows the change in the list and the history', async () => {
    // Two whole hours of ozone at 320 at one station and 250 at another: above 200 both fire, above 300 only the first.
    const [heavy, moderate] = server.catalog.stationsOfKind('air').slice(2, 4)
    const t0 = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 5 * HOUR_MS
    const points = Array.from({ length: 300 }, (_, m) => [
      { ts: t0 + m * 60_000 + 5_000, indicator: 'env.o3', region: heavy!.region, station: heavy!.code, value: m >= 120 && m < 240 ? 320 : 60 },
      { ts: t0 + m * 60_000 + 5_000, indicator: 'env.o3', region: moderate!.region, station: moderate!.code, value: m >= 120 && m < 240 ? 250 : 60 },
    ]).flat()
    expect((await server.pipeline.ingestValues(points, 'test')).rejected).toBe(0)
    const before = await ruleOf('env-o3-high')
    expect(before.condition).toEqual({ kind: 'threshold', op: 'above', value: 200, recover: 180 })

    const { page, problems } = await openPage(browser, `${server.url}/admin/rules`, await server.token('admin'))
    const row = page.locator('[data-testid="rules"] tr[data-rule="env-o3-high"]')
    await row.waitFor()
    expect(await row.locator('[data-testid="rule-condition"]').textContent()).toBe('高于 200，回到 180 解除')
    await openEditor(page, 'env-o3-high')
    await page.fill('input[name="condition.value"]', '300')

    // The range picker opens on the last 30 days; the test picks the last two (yesterday and today, in the page's zone).
    const toDay = await page.inputValue('input[name="backtest-to"]')
    const fromDefault = await page.inputValue('input[name="backtest-from"]')
    expect(Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDefault}T00:00:00Z`)).toBe(30 * DAY_MS)
    const fromDay = new Date(Date.parse(`${toDay}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10)
    await page.fill('input[name="backtest-from"]', fromDay)
    await page.click('[data-testid="rule-backtest-run"]')
    const result = page.locator('[data-testid="rule-backtest-result"]')
    await result.waitFor({ timeout: 60_000 })
    const from = Number(await result.getAttribute('data-from'))
    const to = Number(await result.getAttribute('data-to'))
    expect(from).toBe(Date.parse(`${fromDay}T00:00:00+08:00`))
    expect(to).toBeLessThanOrEqual(Date.now())

    // The same edited rule over the same range, straight from the API: the engine over the same history.
    const { id: _id, ...definition } = before
    const api = await backtestOverHttp({ ...definition, condition: { ...before.condition, value: 300 } }, from, to)
    expect(api.alerts.length).toBeGreaterThan(0)
    const shown = await page.$$eval('[data-testid="backtest-firing"]', (trs) =>
      trs.map((tr) => ({ ts: Number(tr.getAttribute('data-ts')), region: tr.getAttribute('data-region'), station: tr.getAttribute('data-station'), where: tr.children[1]!.textContent })),
    )
    // A station by its name, and its region's unless the name says it already.
    const names = (a: { region: string; station?: string }) => {
      const [station, region] = [server.catalog.station(a.station!)!.name.zh, server.catalog.region(a.region)!.name.zh]
      return station.includes(region) ? station : `${station} · ${region}`
    }
    expect(shown).toEqual(api.alerts.map((a) => ({ ts: a.ts, region: a.region, station: a.station ?? '', where: names(a) })))
    expect(shown.every((f) => f.station === heavy!.code)).toBe(true)
    expect(Number(await result.getAttribute('data-count'))).toBe(api.alerts.length)
    expect(await page.locator('[data-testid="backtest-summary"]').textContent()).toContain(`会触发 ${api.alerts.length} 次，涉及 1 个序列`)
    const series = await page.$$eval('[data-testid="backtest-series"]', (trs) => trs.map((tr) => ({ station: tr.getAttribute('data-station'), count: Number(tr.getAttribute('data-count')) })))
    expect(series).toEqual([{ station: heavy!.code, count: api.alerts.length }])
    // The series is drawn over the range with its firings marked.
    expect(await page.locator('[data-testid="backtest-chart-title"]').textContent()).toBe(`图中序列：${names({ region: heavy!.region, station: heavy!.code })}`)
    const chart = page.locator('[data-testid="backtest-chart"]')
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(0)
    expect(Number(await chart.getAttribute('data-marked'))).toBe(api.alerts.length)
    await page.screenshot({ path: saveScreenshot('admin-rules-backtest.png'), fullPage: true })

    // Saved: back on the list, the row says the new threshold.
    await page.click('[data-testid="rule-save"]')
    await expect.poll(() => row.locator('[data-testid="rule-condition"]').textContent()).toBe('高于 300，回到 180 解除')
    expect(await page.locator('[data-testid="form-done"]').textContent()).toContain('env-o3-high')
    expect(await page.locator('[data-testid="rule-editor"]').count()).toBe(0)
    expect((await ruleOf('env-o3-high')).condition).toEqual({ kind: 'threshold', op: 'above', value: 300, recover: 180 })
    const history = (await (await server.fetch('/api/rules/env-o3-high/history')).json()) as RuleHistoryReply
    expect(history.changes[0]).toMatchObject({ action: 'updated', before: { condition: { value: 200 } }, after: { condition: { value: 300 } } })

    // The history in the editor: who and when, and the one field that changed, before → after, in Chinese.
    await openEditor(page, 'env-o3-high')
    const newest = page.locator('[data-testid="history-entry"]').first()
    await newest.waitFor()
    expect(await newest.getAttribute('data-action')).toBe('updated')
    expect(await newest.getAttribute('data-actor')).toBe(history.changes[0]!.actor)
    expect(await newest.textContent()).toContain(history.changes[0]!.actor)
    const fields = await newest.locator('[data-testid="history-field"]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-field'), ...[...tr.children].map((td) => td.textContent)]))
    expect(fields).toEqual([['condition.value', '阈值', '200', '→', '300']])
    await newest.screenshot({ path: saveScreenshot('admin-rules-history.png') })
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('names an invalid field in Chinese (in English after the switch), and names the server’s refusals by their field too', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/admin/rules`, await server.token('admin'))
    await page.waitForSelector('[data-testid="rules"] tr[data-rule="biz-startup-days-high"]')
    await openEditor(page, 'biz-startup-days-high')

    // The rule's own schema, in the page: the field is named beside its input and in the list above; nothing can be saved or backtested.
    await page.fill('input[name="for"]', '-5')
    const listed = page.locator('[data-testid="rule-problems"]')
    expect(await listed.textContent()).toContain('持续时间（秒）：至少为 0')
    expect(await page.locator('[data-testid="field-error"][data-field="for"]').textContent()).toBe('持续时间（秒）：至少为 0')
    await page.fill('input[name="name-zh"]', '')
    expect(await listed.textContent()).toContain('名称（中文）：必填')
    expect(await page.locator('[data-testid="rule-save"]').isDisabled()).toBe(true)
    expect(await page.locator('[data-testid="rule-backtest-run"]').isDisabled()).toBe(true)
    await page.click('[data-testid="lang-switch"]')
    await expect.poll(() => listed.textContent()).toContain('Holds for (s): must be at least 0')
    expect(await listed.textContent()).toContain('Name (Chinese): is required')
    await page.click('[data-testid="lang-switch"]')
    await page.fill('input[name="for"]', '0')
    await page.fill('input[name="name-zh"]', '开办企业用时偏长')
    await expect.poll(() => listed.count()).toBe(0)

    // Another kind shows its own fields, checked the same way; switching back leaves none of them behind.
    await page.selectOption('select[name="condition-kind"]', 'baseline')
    expect(await page.locator('input[name="condition.value"]').count()).toBe(0)
    await page.fill('input[name="condition.params.slotMinutes"]', '7')
    expect(await listed.textContent()).toContain('基线 · 时段宽度（分钟）：须能整除一天（1440 分钟）')
    await page.selectOption('select[name="condition-kind"]', 'threshold')
    expect(await page.locator('input[name="condition.params.slotMinutes"]').count()).toBe(0)
    await expect.poll(() => listed.count()).toBe(0)
    // So does grouping, when the rule sets its own.
    await page.selectOption('select[name="group"]', 'custom')
    await page.fill('input[name="group.min"]', '1')
    expect(await page.locator('[data-testid="field-error"][data-field="group.min"]').textContent()).toBe('合并 · 最少序列数：至少为 2')
    await page.selectOption('select[name="group"]', 'default')
    await expect.poll(() => listed.count()).toBe(0)

    // What only the server knows (the indicator's range) is its refusal, named by the field, for the backtest (400) and the save alike.
    await page.fill('input[name="condition.value"]', '99')
    await page.click('[data-testid="rule-backtest-run"]')
    await expect.poll(() => page.locator('[data-testid="rule-backtest"] [data-testid="form-error"]').textContent()).toContain("阈值：99 is outside biz.startup_days's range [0, 60]")
    await page.click('[data-testid="rule-save"]')
    await expect.poll(() => listed.textContent()).toContain("阈值：99 is outside biz.startup_days's range [0, 60]")
    expect((await ruleOf('biz-startup-days-high')).condition).toMatchObject({ value: 3 })
    // The two refusals the test asked for are the page's only problems.
    expect(pageProblems(problems).filter((p) => !/status of 400/.test(p))).toEqual([])
    await page.context().close()
  })

  it.each(['analyst', 'leader'] as const)('is refused to the %s, who may not write rules', async (role) => {
    const { page } = await openPage(browser, `${server.url}/admin/rules`, await server.token(role))
    await page.waitForSelector('[data-testid="forbidden"]')
    expect(await page.locator('[data-testid="rule-editor"], [data-testid="rules"]').count()).toBe(0)
    await page.context().close()
    const { id: _id, ...definition } = await ruleOf('env-o3-high')
    const put = await server.fetch('/api/rules/env-o3-high', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(definition) }, role)
    expect(put.status).toBe(403)
    const backtest = await server.fetch('/api/rules/backtest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rule: definition }) }, role)
    expect(backtest.status).toBe(403)
  })
})
