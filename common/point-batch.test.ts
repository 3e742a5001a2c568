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
