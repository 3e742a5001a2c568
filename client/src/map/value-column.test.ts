import { describe, expect, it } from 'vitest'
import { readColumn } from './value-column'

describe('readColumn', () => {
  it('names its content: the same values give the same revision, any change another', () => {
    const values: Array<number | undefined> = [1, undefined, 3]
    const first = readColumn(3, (i) => values[i])
    expect(readColumn(3, (i) => values[i]).revision).toBe(first.revision)
    values[1] = 2
    const second = readColumn(3, (i) => values[i])
    expect(second.revision).not.toBe(first.revision)
    expect([second.at(0), second.at(1), second.at(2)]).toEqual([1, 2, 3])
    // Reading made a new column; the first is unchanged.
    expect(Number.isNaN(first.at(1))).toBe(true)
  })

  it.each<[string, number[], number[]]>([
    ['a value moved between places', [1, 2], [2, 1]],
    ['a tiny change', [0.1], [0.1 + 1e-12]],
    ['zero and minus zero are not taken for missing', [0], [Number.NaN]],
  ])('tells apart %s', (_, a, b) => {
    expect(readColumn(a.length, (i) => a[i]).revision).not.toBe(readColumn(b.length, (i) => b[i]).revision)
  })

  it('treats a value that is still missing as unchanged, and a new length as a change', () => {
    const c = readColumn(2, () => undefined)
    expect(Number.isNaN(c.at(0))).toBe(true)
    expect(readColumn(2, () => undefined).revision).toBe(c.revision)
    expect(readColumn(3, () => undefined).revision).not.toBe(c.revision)
    expect(Number.isNaN(c.at(99))).toBe(true)
  })
})
