import { describe, expect, it } from 'vitest'
import { exportFileName, seriesCsv } from './series-csv'

describe('seriesCsv', () => {
  it('writes the header and one row per point, numbers as JSON gives them', () => {
    const csv = seriesCsv([
      { ts: Date.UTC(2026, 10, 21, 0), value: 57.123456789, min: 12, max: 0.1 + 0.2, count: 60 },
      { ts: Date.UTC(2026, 10, 21, 1), value: -3, min: -1e-7, max: 1e21, count: 1 },
    ])
    expect(csv.split('\n')).toEqual([
      'ts,value,min,max,count',
      '2026-11-21T00:00:00.000Z,57.123456789,12,0.30000000000000004,60',
      '2026-11-21T01:00:00.000Z,-3,-1e-7,1e+21,1',
      '',
    ])
  })

  it('is only the header for no points', () => {
    expect(seriesCsv([])).toBe('ts,value,min,max,count\n')
  })

  it('reads back to the same values', () => {
    const points = [{ ts: 1_763_683_200_000, value: 1 / 3, min: 0.1, max: 2 / 3, count: 7 }]
    const [, row] = seriesCsv(points).split('\n')
    const [ts, value, min, max, count] = row!.split(',')
    expect({ ts: Date.parse(ts!), value: Number(value), min: Number(min), max: Number(max), count: Number(count) }).toEqual(points[0])
  })
})

describe('exportFileName', () => {
  it('names indicator, region, window and step', () => {
    expect(exportFileName({ indicator: 'env.aqi', region: '440100', from: Date.UTC(2026, 10, 15), to: Date.UTC(2026, 10, 22, 8, 30), step: '1h' }, 'csv')).toBe(
      'env.aqi_440100_20261115T0000Z_20261122T0830Z_1h.csv',
    )
  })
})
