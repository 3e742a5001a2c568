import { describe, expect, it } from 'vitest'
import type { Condition } from '../../../common/rule-schema'
import { formatMessage } from '../i18n/message-format'
import { MESSAGES, type MessageKey } from '../i18n/messages'
import { conditionSummary, durationText } from './rule-editor-summary'

const tr = (lang: 'zh' | 'en') => (key: MessageKey, params?: Record<string, string | number>) => formatMessage(MESSAGES[lang][key], params ?? {}, lang)

describe('a rule’s condition in the rules list', () => {
  it.each<[Condition, string, string]>([
    [{ kind: 'threshold', op: 'above', value: 300, recover: 180 }, '高于 300，回到 180 解除', 'above 300, clears at 180'],
    [{ kind: 'threshold', op: 'below', value: 85.5 }, '低于 85.5', 'below 85.5'],
    [{ kind: 'rateOfChange', windowSeconds: 10_800, direction: 'rise', percent: 50 }, '3 小时内上升 50%', 'rise by 50% within 3 h'],
    [{ kind: 'rateOfChange', windowSeconds: 900, direction: 'either', percent: 20, absolute: 4 }, '15 分钟内升或降 20% 或 4', 'either way by 20% or 4 within 15 min'],
    [{ kind: 'baseline' }, '偏离常态', 'off its baseline'],
    [{ kind: 'baseline', changeOverSeconds: 3_600 }, '1 小时内的变化偏离常态', 'change over 1 h off its baseline'],
    [{ kind: 'stale', cadences: 3 }, '3 个周期无数据', 'no data for 3 cadences'],
    [{ kind: 'flatline', cadences: 1 }, '1 个周期数值不变', 'unchanged for 1 cadence'],
    [{ kind: 'crossCheck', op: 'above', value: 150, with: [{ indicator: 'env.pm25', op: 'above', value: 1 }] }, '高于 150，且另有 1 项指标同时满足', 'above 150, with 1 other indicator'],
  ])('%j', (condition, zh, en) => {
    expect(conditionSummary(condition, tr('zh'))).toBe(zh)
    expect(conditionSummary(condition, tr('en'))).toBe(en)
  })

  it('says a duration in the largest whole unit', () => {
    expect([30, 60, 5_400, 7_200, 2_592_000].map((s) => durationText(s, tr('zh')))).toEqual(['30 秒', '1 分钟', '90 分钟', '2 小时', '30 天'])
    expect(durationText(86_400, tr('en'))).toBe('1 day')
  })
})
