import { describe, expect, it } from 'vitest'
import type { ChangeBasis } from '../../../common/api/query-api'
import { MESSAGES as messages, type MessageKey } from '../i18n/messages'
import { changeLabel, changeTitle, runningLabel } from './change-basis'

// Local times of the browser running the test: the titles show the windows in the wall's own zone.
const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime()
const tr = (lang: 'zh' | 'en') => (key: MessageKey, params: Record<string, string | number> = {}) =>
  messages[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k]))
const NOW = local(2026, 12, 5, 12, 30)

describe('what a change compares', () => {
  it('names the whole days of a level, last day included', () => {
    const basis: ChangeBasis = { kind: 'days', step: '1d', current: { from: local(2026, 11, 5), to: local(2026, 12, 5) }, base: { from: local(2025, 11, 5), to: local(2025, 12, 5) } }
    expect(changeTitle(basis, 'yoy', null, tr('zh'), NOW)).toBe('11-05–12-04 日均，较 2025-11-05–2025-12-04 日均')
    expect(changeTitle(basis, 'yoy', null, tr('en'), NOW)).toBe('Daily mean 11-05–12-04, against 2025-11-05–2025-12-04')
  })

  it('names the same elapsed time of a running value', () => {
    const basis: ChangeBasis = { kind: 'sameElapsed', step: '1m', current: { from: local(2026, 12, 5), to: local(2026, 12, 5, 12, 30) }, base: { from: local(2026, 12, 4), to: local(2026, 12, 4, 12, 30) } }
    expect(changeTitle(basis, 'mom', 'day', tr('zh'), NOW)).toBe('12-05 00:00–12:30，较 12-04 00:00–12:30（同期）')
  })

  it('says why there is none', () => {
    expect(changeTitle(null, 'mom', 'year', tr('zh'), NOW)).toBe('年累计值不做环比')
    expect(changeTitle(null, 'yoy', 'day', tr('en'), NOW)).toBe('Nothing comparable to compare with')
  })

  it('labels a day so far against yesterday, and says a value is running', () => {
    expect(changeLabel('mom', 'day', tr('zh'))).toBe('较昨日')
    expect(changeLabel('mom', null, tr('zh'))).toBe('环比')
    expect(changeLabel('yoy', 'day', tr('en'))).toBe('YoY')
    expect(runningLabel('day', tr('zh'))).toBe('今日累计')
    expect(runningLabel('month', tr('en'))).toBe('month to date')
    expect(runningLabel(undefined, tr('zh'))).toBeNull()
  })
})
