import { describe, expect, it } from 'vitest'
import { PointBatch } from './point-batch'

describe('PointBatch', () => {
  it('holds points by column and gives them back', () => {
    const points = [
      { ts: 1, indicator: 'a', region: 'r1', station: '', value: 1.5 },
      { ts: 2, indicator: 'b', region: 'r2', station: 's', value: -3 },
    ]
    const batch = new PointBatch(points)
    expect(batch.length).toBe(2)
    expect([...batch.value]).toEqual([1.5, -3])
    expect(batch.at(1)).toEqual(points[1])
    expect([...batch]).toEqual(points)
  })
})

describe('PointBatch from columns', () => {
  it('takes columns as they are, cut to their length', () => {
    const batch = new PointBatch(
      { length: 1, indicator: ['a'], region: ['r1'], station: [''], ts: new Float64Array([7, 0, 0]), value: new Float64Array([2.5, 0, 0]) },
      'test',
      9,
    )
    expect(batch.length).toBe(1)
    expect(batch.ts.length).toBe(1)
    expect([...batch]).toEqual([{ ts: 7, indicator: 'a', region: 'r1', station: '', value: 2.5 }])
    expect(batch.source).toBe('test')
    expect(batch.received).toBe(9)
  })
})
