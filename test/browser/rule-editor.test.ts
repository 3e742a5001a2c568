import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BacktestReply, RuleHistoryReply, RuleReply } from '../../common/api/rules-api'
import type { TestServer } from '../integration/harness'
import { openPage, pageProblems, saveScreenshot, startServerAndBrowser } from './browser'

/**
 * The rule editor (/admin/rules) in Chromium against the real server: a rule
 * edited with its condition's form, backtested before saving (the firings
 * shown are the engine's run over the same history, and a series is drawn
 * with them marked), saved, and its history shown as a diff; a mistake named
 * by its field in Chinese; a new rule made with another condition kind; and
 * the roles that may not write rules, refused.
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

describe('the rule editor', () => {
  it('edits a rule, backtests the edit (the firings are the engine’s over the same history), saves it, and shows the change', async () => {
    // Two hours of heavy pollution at one station (380), two of moderate at another (250): above 200 both, above 300 only the first.
    const [heavy, moderate] = server.catalog.stationsOfKind('air').slice(0, 2)
    const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000
    const points = Array.from({ length: 300 }, (_, m) => [
      { ts: t0 + m * 60_000 + 5_000, indicator: 'env.aqi', region: heavy!.region, station: heavy!.code, value: m >= 120 && m < 240 ? 380 : 70 },
      { ts: t0 + m * 60_000 + 5_000, indicator: 'env.aqi', region: moderate!.region, station: moderate!.code, value: m >= 120 && m < 240 ? 250 : 70 },
    ]).flat()
    expect((await server.pipeline.ingestValues(points, 'test')).rejected).toBe(0)

    const { page, problems } = await openPage(browser, `${server.url}/admin/rules`, await server.token('admin'))
    await page.click('[data-testid="rules"] tr[data-rule="env-aqi-critical"] [data-testid="rule-edit"]')
    await page.waitForSelector('[data-testid="rule-editor"]')
    expect(await page.getAttribute('[data-testid="condition-form"]', 'data-kind')).toBe('threshold')
    expect(await page.inputValue('input[name="condition.value"]')).toBe('200')

    // A recover level on the wrong side is named by its field, in Chinese, and nothing can be saved.
    await page.fill('input[name="condition.value"]', '300')
    await page.fill('input[name="condition.recover"]', '350')
    expect(await page.locator('[data-testid="rule-problems"]').textContent()).toContain('条件 · 解除值：须在阈值的解除一侧')
    expect(await page.locator('[data-field="condition.recover"]').count()).toBe(1)
    expect(await page.locator('[data-testid="rule-save"]').isDisabled()).toBe(true)
    await page.fill('input[name="condition.recover"]', '')
    await expect.poll(() => page.locator('[data-testid="rule-problems"]').count()).toBe(0)

    // Backtest the edit before saving.
    await page.click('[data-testid="rule-backtest-run"]')
    const result = page.locator('[data-testid="rule-backtest-result"]')
    await result.waitFor({ timeout: 60_000 })
    const shown = await page.$$eval('[data-testid="backtest-firing"]', (trs) => trs.map((tr) => ({ ts: Number(tr.getAttribute('data-ts')), station: tr.getAttribute('data-station') })))
    const from = Number(await result.getAttribute('data-from'))
    const to = Number(await result.getAttribute('data-to'))
    const stored = ((await (await server.fetch('/api/rules/env-aqi-critical')).json()) as RuleReply).rule
    const { id: _id, ...definition } = stored
    const edited = { ...definition, condition: { kind: 'threshold', op: 'above', value: 300 } }
    const api = (await (await server.fetch('/api/rules/backtest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rule: edited, from, to }) })).json()) as BacktestReply
    expect(api.alerts.length).toBeGreaterThan(0)
    expect(shown).toEqual(api.alerts.map((a) => ({ ts: a.ts, station: a.station ?? '' })))
    expect(shown.some((f) => f.station === heavy!.code)).toBe(true)
    expect(shown.some((f) => f.station === moderate!.code)).toBe(false)
    expect(Number(await result.getAttribute('data-count'))).toBe(api.alerts.length)
    // The series with the most firings is drawn, its firings marked.
    const chart = page.locator('[data-testid="backtest-chart"]')
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(0)
    expect(Number(await chart.getAttribute('data-marked'))).toBe(api.alerts.filter((a) => a.station === heavy!.code).length)
    await page.screenshot({ path: saveScreenshot('rule-editor.png'), fullPage: true })

    await page.click('[data-testid="rule-save"]')
    await page.waitForSelector('[data-testid="rules"] tr[data-rule="env-aqi-critical"]')
    expect(await page.locator('[data-testid="form-done"]').textContent()).toContain('env-aqi-critical')
    const saved = ((await (await server.fetch('/api/rules/env-aqi-critical')).json()) as RuleReply).rule
    expect(saved.condition).toEqual({ kind: 'threshold', op: 'above', value: 300 })
    const history = (await (await server.fetch('/api/rules/env-aqi-critical/history')).json()) as RuleHistoryReply
    expect(history.changes[0]).toMatchObject({ action: 'updated', before: { condition: { value: 200 } }, after: { condition: { value: 300 } } })

    // The history in the editor names the change.
    await page.click('[data-testid="rules"] tr[data-rule="env-aqi-critical"] [data-testid="rule-edit"]')
    await page.waitForSelector('[data-testid="history-entry"]')
    expect(await page.locator('[data-testid="history-diff"][data-part="condition"]').count()).toBe(1)
    expect(pageProblems(problems)).toEqual([])
    await page.context().close()
  })

  it('makes a new rule with another condition kind’s form', async () => {
    const { page } = await openPage(browser, `${server.url}/admin/rules`, await server.token('admin'))
    await page.click('[data-testid="rule-new"]')
    await page.waitForSelector('[data-testid="rule-editor"]')
    await page.fill('input[name="id"]', 'o3-feed-silent')
    await page.fill('input[name="name-zh"]', '臭氧数据中断')
    await page.fill('input[name="name-en"]', 'Ozone feed silent')
    await page.selectOption('select[name="indicator"]', 'env.o3')
    await page.selectOption('select[name="condition-kind"]', 'rateOfChange')
    expect(await page.locator('input[name="condition.windowSeconds"]').count()).toBe(1)
    await page.selectOption('select[name="condition-kind"]', 'stale')
    expect(await page.locator('input[name="condition.windowSeconds"]').count()).toBe(0)
    await page.fill('input[name="condition.cadences"]', '0')
    expect(await page.locator('[data-testid="rule-problems"]').textContent()).toContain('条件 · 倍数：至少为 1')
    await page.fill('input[name="condition.cadences"]', '4')
    // The server's own check of the text against the condition is named by its field too.
    await page.click('[data-testid="rule-save"]')
    await expect.poll(() => page.locator('[data-testid="rule-problems"]').textContent()).toContain('告警文字（中文）：{value} has no value for a stale condition')
    await page.fill('input[name="message-zh"]', '{station}的{indicator}数据中断')
    await page.fill('input[name="message-en"]', '{indicator} at {station} has stopped')
    await page.click('[data-testid="rule-save"]')
    await page.waitForSelector('[data-testid="rules"] tr[data-rule="o3-feed-silent"]')
    const made = ((await (await server.fetch('/api/rules/o3-feed-silent')).json()) as RuleReply).rule
    expect(made).toMatchObject({ indicator: 'env.o3', scope: { stationKind: 'air' }, condition: { kind: 'stale', cadences: 4 } })
    await page.context().close()
  })

  it('is refused to the roles that may not write rules', async () => {
    const { page } = await openPage(browser, `${server.url}/admin/rules`, await server.token('duty'))
    await page.waitForSelector('[data-testid="forbidden"]')
    await page.context().close()
    const put = await server.fetch('/api/rules/x', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }, 'duty')
    expect(put.status).toBe(403)
  })
})
