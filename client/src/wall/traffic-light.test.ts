import { describe, expect, it } from 'vitest'
import type { Indicator } from '../../../common/catalog-schema'
import { lightOf } from './traffic-light'

const level = (better: Indicator['better'], value: number): Pick<Indicator, 'better' | 'target'> => ({ better, target: { kind: 'level', value } })
const yoyTarget = (better: Indicator['better'], percent: number): Pick<Indicator, 'better' | 'target'> => ({ better, target: { kind: 'yoyChange', percent } })

describe('lightOf', () => {
  it.each([
    ['lower is better, under the target', level('lower', 100), 80, 'green'],
    ['lower is better, at the target', level('lower', 100), 100, 'green'],
    ['lower is better, within 10 %', level('lower', 100), 105, 'amber'],
    ['lower is better, far over', level('lower', 100), 130, 'red'],
    ['higher is better, over the target', level('higher', 95), 96, 'green'],
    ['higher is better, nearly there', level('higher', 95), 90, 'amber'],
    ['higher is better, far under', level('higher', 95), 70, 'red'],
  ] as const)('%s', (_, indicator, value, light) => {
    expect(lightOf(indicator, value, null)).toBe(light)
  })

  it.each([
    ['growth target met', yoyTarget('higher', 5), 6, 'green'],
    ['flat against +5 %', yoyTarget('higher', 5), 0, 'amber'],
    ['shrinking against +5 %', yoyTarget('higher', 5), -10, 'red'],
    ['reduction target met', yoyTarget('lower', -10), -12, 'green'],
    ['reduction short of it', yoyTarget('lower', -10), -5, 'amber'],
    ['rising against a reduction', yoyTarget('lower', -10), 10, 'red'],
  ] as const)('year-on-year target: %s', (_, indicator, yoy, light) => {
    expect(lightOf(indicator, 123, yoy)).toBe(light)
  })

  it('is unknown without what it needs', () => {
    expect(lightOf(yoyTarget('higher', 5), 123, null)).toBe('unknown')
    expect(lightOf(level('higher', 95), undefined, null)).toBe('unknown')
    expect(lightOf({ better: 'neither', target: null }, 5, 5)).toBe('unknown')
    expect(lightOf({ better: 'higher', target: null }, 5, 5)).toBe('unknown')
  })
})
