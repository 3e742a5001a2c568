import { describe, expect, it } from 'vitest'
import { RuleSchema } from '../../../common/rule-schema'
import { formatMessage } from '../i18n/message-format'
import { MESSAGES, type MessageKey } from '../i18n/messages'
import { ruleFieldLabel, ruleIssueText, serverProblemText } from './rule-fields'

const tr = (lang: 'zh' | 'en') => (key: MessageKey, params?: Record<string, string | number>) => formatMessage(MESSAGES[lang][key], params ?? {}, lang)
const zh = tr('zh')

const rule = {
  id: 'aqi-high',
  name: { zh: 'AQI 偏高', en: 'AQI high' },
  indicator: 'env.aqi',
  scope: { stationKind: 'air' },
  condition: { kind: 'threshold', op: 'above', value: 200 },
  severity: 'critical',
  message: { zh: '{station} AQI {value}', en: '{station} AQI {value}' },
}
const problems = (patch: Record<string, unknown>, t = zh) => {
  const parsed = RuleSchema.safeParse({ ...rule, ...patch })
  return parsed.success ? [] : parsed.error.issues.map((i) => ruleIssueText(i, t))
}

describe('the rule editor’s words for a problem', () => {
  it('names the field and says what is wrong, in Chinese or English', () => {
    expect(problems({ condition: { kind: 'threshold', op: 'above', value: 200, recover: 250 } })).toEqual(['条件 · 解除值：须在阈值的解除一侧（高于阈值报警时不高于阈值）'])
    expect(problems({ condition: { kind: 'stale', cadences: 0 } })).toEqual(['条件 · 倍数：至少为 1'])
    expect(problems({ condition: { kind: 'stale', cadences: 0 } }, tr('en'))).toEqual(['Condition · cadences: must be at least 1'])
    expect(problems({ minPeriodShare: 1 })).toEqual(['时段进度门槛：须小于 1'])
    expect(problems({ scope: {} })).toEqual(['范围 · 级别：须选择级别、地区或站点类型'])
    expect(problems({ condition: { kind: 'crossCheck', op: 'above', value: 1, with: [{ indicator: 'env.pm25', op: 'above' }] } })).toEqual(['比较的第 1 项 · 阈值：必填'])
  })

  it('says a missing text, a whole number and the schema’s own checks in words, for every field the form edits', () => {
    expect(problems({ name: { zh: '', en: 'AQI high' } })).toEqual(['名称（中文）：必填'])
    expect(problems({ forPoints: 2.5 })).toEqual(['连续点数：须为整数'])
    expect(problems({ group: { min: 1 } })).toEqual(['合并 · 最少序列数：至少为 2'])
    expect(problems({ floodLimit: 0 }, tr('en'))).toEqual(['Alerts on their own per hour: must be at least 1'])
    expect(problems({ condition: { kind: 'rateOfChange', windowSeconds: 0, direction: 'rise', percent: 5 } })).toEqual(['条件 · 比较间隔（秒）：须大于 0'])
    expect(problems({ condition: { kind: 'baseline', params: { slotMinutes: 7 } } })).toEqual(['基线 · 时段宽度（分钟）：须能整除一天（1440 分钟）'])
    expect(problems({ severity: 'urgent' })).toEqual(['级别：须从选项中选择'])
  })

  it('names the field of a server problem and keeps its words', () => {
    expect(serverProblemText('scope.stationKind: env.aqi is measured at air stations, not traffic', zh)).toBe('范围 · 站点类型：env.aqi is measured at air stations, not traffic')
    expect(serverProblemText('no colon here', zh)).toBe('no colon here')
    expect(ruleFieldLabel(['condition', 'with', 1, 'indicator'], zh)).toBe('比较的第 2 项 · 指标')
  })
})
