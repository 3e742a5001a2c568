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

  it('names the field of a server problem and keeps its words', () => {
    expect(serverProblemText('scope.stationKind: env.aqi is measured at air stations, not traffic', zh)).toBe('范围 · 站点类型：env.aqi is measured at air stations, not traffic')
    expect(serverProblemText('no colon here', zh)).toBe('no colon here')
    expect(ruleFieldLabel(['condition', 'with', 1, 'indicator'], zh)).toBe('比较的第 2 项 · 指标')
  })
})
