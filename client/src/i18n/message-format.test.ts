import { describe, expect, it } from 'vitest'
import { MESSAGES } from './messages'
import { formatMessage } from './message-format'

describe('messages with counts', () => {
  it.each([
    [1, '1 alert'],
    [0, '0 alerts'],
    [2, '2 alerts'],
    [1.5, '1.5 alerts'],
  ])('%d in English', (count, text) => {
    expect(formatMessage('{count} {count:alert|alerts}', { count }, 'en')).toBe(text)
  })

  it('leaves plain parameters as they are, and a missing one empty', () => {
    expect(formatMessage('{a} and {b}', { a: 'x' }, 'en')).toBe('x and ')
    expect(formatMessage('no params', undefined, 'en')).toBe('no params')
  })

  it('reads the English catalog in the singular for one', () => {
    expect(formatMessage(MESSAGES.en['duty.list.count'], { count: 1 }, 'en')).toBe('1 alert')
    expect(formatMessage(MESSAGES.en['duty.days'], { n: 1 }, 'en')).toBe('1 day')
    expect(formatMessage(MESSAGES.en['explore.window'], { from: 'a', to: 'b', step: '1 h', count: 1 }, 'en')).toBe('a to b · step 1 h · 1 point')
    expect(formatMessage(MESSAGES.en['duty.moreCritical'], { count: 1 }, 'en')).toBe('1 more critical alert')
    expect(formatMessage(MESSAGES.zh['duty.list.count'], { count: 1 }, 'zh')).toBe('1 条告警')
  })

  it('has no English count without its plural form', () => {
    const bare = Object.entries(MESSAGES.en).filter(([, text]) => /\{(count|n)\} (alerts|days|points|places|events|stations|minutes|hours)\b/.test(text))
    expect(bare).toEqual([])
  })
})
