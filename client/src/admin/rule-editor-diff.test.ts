import { describe, expect, it } from 'vitest'
import { formatMessage } from '../i18n/message-format'
import { MESSAGES, type MessageKey } from '../i18n/messages'
import { ruleFieldChanges, ruleValueText, type CatalogNames } from './rule-editor-diff'

const tr = (lang: 'zh' | 'en') => (key: MessageKey, params?: Record<string, string | number>) => formatMessage(MESSAGES[lang][key], params ?? {}, lang)
const names: CatalogNames = { indicator: (c) => ({ 'env.aqi': '空气质量指数' })[c], region: (c) => ({ '440100': '广州市' })[c] }

const rule = {
  id: 'env-aqi-critical',
  name: { zh: 'AQI 严重', en: 'AQI critical' },
  enabled: true,
  indicator: 'env.aqi',
  scope: { stationKind: 'air' },
  condition: { kind: 'threshold', op: 'above', value: 200, recover: 180 },
  severity: 'critical',
  message: { zh: '{station} AQI {value}', en: '{station} AQI {value}' },
}

describe('a rule change, field by field', () => {
  it('lists only the fields that changed, with both values', () => {
    const after = { ...rule, condition: { kind: 'threshold', op: 'above', value: 300 }, severity: 'warning', scope: { stationKind: 'air', region: '440100' } }
    // In the order the rule before holds its fields, then those the change added.
    expect(ruleFieldChanges(rule, after)).toEqual([
      { part: 'condition', path: ['condition', 'value'], before: 200, after: 300 },
      { part: 'condition', path: ['condition', 'recover'], before: 180, after: undefined },
      { part: 'severity', path: ['severity'], before: 'critical', after: 'warning' },
      { part: 'scope', path: ['scope', 'region'], before: undefined, after: '440100' },
    ])
    expect(ruleFieldChanges(rule, structuredClone(rule))).toEqual([])
  })

  it('walks lists by position and treats a value of another shape as a leaf', () => {
    const a = { condition: { kind: 'crossCheck', with: [{ indicator: 'env.pm25', op: 'above', value: 1 }] }, group: false }
    const b = { condition: { kind: 'crossCheck', with: [{ indicator: 'env.pm25', op: 'below', value: 1 }, { indicator: 'env.o3', op: 'above', value: 2 }] }, group: { by: 'county' } }
    expect(ruleFieldChanges(a, b).map((c) => [c.path.join('.'), c.before, c.after])).toEqual([
      ['condition.with.0.op', 'above', 'below'],
      ['group', false, undefined],
      ['condition.with.1.indicator', undefined, 'env.o3'],
      ['condition.with.1.op', undefined, 'above'],
      ['condition.with.1.value', undefined, 2],
      ['group.by', undefined, 'county'],
    ])
    // A history row from before a field existed, or of a deleted rule: nothing assumed.
    expect(ruleFieldChanges(null, { id: 'x' })).toEqual([{ part: 'id', path: ['id'], before: undefined, after: 'x' }])
  })

  it('says choices and catalog codes in the page’s language', () => {
    const zh = tr('zh')
    expect(ruleValueText(['condition', 'kind'], 'rateOfChange', zh, names)).toBe('变化率')
    expect(ruleValueText(['condition', 'with', 0, 'op'], 'below', zh, names)).toBe('低于')
    expect(ruleValueText(['severity'], 'critical', tr('en'), names)).toBe('Critical')
    expect(ruleValueText(['group', 'by'], 'county', zh, names)).toBe('区县')
    expect(ruleValueText(['indicator'], 'env.aqi', zh, names)).toBe('空气质量指数')
    expect(ruleValueText(['scope', 'region'], '440100', zh, names)).toBe('广州市')
    expect(ruleValueText(['scope', 'region'], '999999', zh, names)).toBe('999999')
    expect(ruleValueText(['enabled'], false, zh, names)).toBe('否')
    expect(ruleValueText(['condition', 'value'], 300, zh, names)).toBe('300')
    expect(ruleValueText(['condition', 'recover'], undefined, zh, names)).toBe('—')
    expect(ruleValueText(['name', 'zh'], 'critical', zh, names)).toBe('critical')
  })
})
