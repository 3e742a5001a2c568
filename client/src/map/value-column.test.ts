import { describe, expect, it } from 'vitest'
import { ValueColumn } from './value-column'

describe('ValueColumn', () => {
  it('moves its revision only when a value changed', () => {
    const c = new ValueColumn()
    const values: Array<number | undefined> = [1, undefined, 3]
    expect(c.refresh(3, (i) => values[i])).toBe(true)
    const r = c.revision
    expect(c.refresh(3, (i) => values[i])).toBe(false)
    expect(c.revision).toBe(r)
    values[1] = 2
    expect(c.refresh(3, (i) => values[i])).toBe(true)
    expect(c.revision).toBe(r + 1)
    expect([c.at(0), c.at(1), c.at(2)]).toEqual([1, 2, 3])
  })

  it('treats a value that is still missing as unchanged, and a new length as a change', () => {
    const c = new ValueColumn()
    c.refresh(2, () => undefined)
    expect(Number.isNaN(c.at(0))).toBe(true)
    expect(c.refresh(2, () => undefined)).toBe(false)
    expect(c.refresh(3, () => undefined)).toBe(true)
    expect(Number.isNaN(c.at(99))).toBe(true)
  })
})
