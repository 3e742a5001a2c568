import { describe, expect, it } from 'vitest'
import { formatMessage } from '../i18n/message-format'
import { MESSAGES, type MessageKey } from '../i18n/messages'
import { changedParts, describeFieldProblem, fieldLabel, moved } from './wall-fields'

const tr = (lang: 'zh' | 'en') => (key: MessageKey, params?: Record<string, string | number>) => formatMessage(MESSAGES[lang][key], params ?? {}, lang)

describe('the wall editor’s words for a field', () => {
  it.each([
    [['columns', 1, 'kpis', 2], '第 2 列 · 第 3 张卡片', 'Column 2 · card 3'],
    [['columns', 0, 'trend', 'window'], '第 1 列 · 趋势时间窗', 'Column 1 · trend window'],
    [['map', 'indicator'], '地图 · 默认指标', 'Map · default indicator'],
    [['tour', 'steps', 0, 'domain'], '巡视 · 第 1 步', 'Tour · step 1'],
    [['entries', 1, 'wall'], '第 2 项 · 大屏', 'Entry 2 · wall'],
  ])('%j is "%s" and "%s"', (path, zh, en) => {
    expect(fieldLabel(path, tr('zh'))).toBe(zh)
    expect(fieldLabel(path, tr('en'))).toBe(en)
  })

  it('says what is wrong from the problem’s code, and keeps the message of one it does not know', () => {
    const problem = { path: ['columns', 1, 'kpis', 2], message: 'env.foo is not in the indicator catalog', code: 'unknown_indicator', params: { code: 'env.foo' } }
    expect(describeFieldProblem(problem, tr('zh'))).toBe('第 2 列 · 第 3 张卡片：指标 env.foo 不在目录中')
    expect(describeFieldProblem(problem, tr('en'))).toBe('Column 2 · card 3: indicator env.foo is not in the catalog')
    expect(describeFieldProblem({ path: ['root'], message: 'something new' }, tr('zh'))).toBe('根区域：something new')
  })
})

describe('moved', () => {
  it('moves an item up or down, and not past either end', () => {
    expect(moved(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b'])
    expect(moved(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c'])
    expect(moved(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c'])
  })
})

describe('changedParts', () => {
  it('names each changed field, and each changed column by its place', () => {
    const before = { title: { zh: '甲' }, columns: [{ domain: 'a' }, { domain: 'b' }], map: { indicator: 'x' } }
    const after = { title: { zh: '乙' }, columns: [{ domain: 'a' }, { domain: 'c' }, { domain: 'd' }], map: { indicator: 'x' } }
    expect(changedParts(before, after)).toEqual([
      { part: 'title', before: '{"zh":"甲"}', after: '{"zh":"乙"}' },
      { part: 'columns[1]', before: '{"domain":"b"}', after: '{"domain":"c"}' },
      { part: 'columns[2]', before: '—', after: '{"domain":"d"}' },
    ])
  })
})
