import { describe, expect, it } from 'vitest'
import { PointBatch } from '../../common/point-batch'
import { idHashColumns } from '../../ingest/id-hash'
import { float64Column, int32Column, Utf8ColumnBuilder, type ArrowColumn } from './arrow-columns'
import { pointColumns, POINT_COLUMNS, POINT_SELECT } from './point-store'

/** A column read back as the Arrow layout defines it. */
function read(c: ArrowColumn): Array<string | number> {
  const [, first, second] = c.buffers
  if (c.format === 'u') {
    const offsets = new Int32Array(first.buffer, first.byteOffset, c.length + 1)
    return Array.from({ length: c.length }, (_, i) => second!.subarray(offsets[i], offsets[i + 1]).toString('utf8'))
  }
  return c.format === 'g' ? [...new Float64Array(first.buffer, first.byteOffset, c.length)] : [...new Int32Array(first.buffer, first.byteOffset, c.length)]
}

describe('Utf8ColumnBuilder', () => {
  it('writes each row’s UTF-8 bytes at its offset, ASCII or not, growing past its first guess', () => {
    const rows = ['env.aqi', '', '站点-一', 'a\tb\\c', '😀 x', 'x'.repeat(500), '440103']
    const b = new Utf8ColumnBuilder(rows.length)
    for (const r of rows) b.add(r)
    const col = b.finish('station')
    expect(col).toMatchObject({ name: 'station', format: 'u', length: rows.length, nullCount: 0 })
    expect(read(col)).toEqual(rows)
    const offsets = new Int32Array(col.buffers[1].buffer, col.buffers[1].byteOffset, rows.length + 1)
    expect(offsets[rows.length]).toBe(Buffer.byteLength(rows.join(''), 'utf8'))
  })

  it('writes a lone surrogate as U+FFFD, the only text the engine can store for it', () => {
    const b = new Utf8ColumnBuilder(2)
    b.add('a\ud800b')
    b.add('\udc00')
    expect(read(b.finish('t'))).toEqual(['a\ufffdb', '\ufffd'])
  })

  it('refuses to finish with rows missing', () => {
    const b = new Utf8ColumnBuilder(3)
    b.add('a')
    expect(() => b.finish('region')).toThrow(/region has 1 of its 3 rows/)
  })
})

describe('number columns', () => {
  it('are their typed arrays’ own bytes, views included', () => {
    const whole = new Float64Array([1, 2.5, -0, 1e300, 5e-324])
    expect(read(float64Column('value', whole.subarray(1)))).toEqual([2.5, -0, 1e300, 5e-324])
    expect(read(int32Column('id_hi', new Int32Array([0, 2 ** 30 - 1, 7])))).toEqual([0, 2 ** 30 - 1, 7])
  })
})

describe('pointColumns', () => {
  it('lays out the points of several requests as one set of columns, with each request’s source and receipt time', () => {
    const first = [
      { ts: 1_000, indicator: 'env.aqi', region: '440103', station: 'AQ-1', value: 42, id: 'a' },
      { ts: 2_000, indicator: 'env.aqi', region: '440103', station: 'AQ-1', value: 43.5 },
    ]
    const second = [{ ts: 3_000, indicator: 'traffic.flow', region: '440104', station: '', value: 1767, id: 'b' }]
    const columns = pointColumns([
      { batch: new PointBatch(first), source: 'http', received: 10_000, ids: idHashColumns(first) },
      { batch: new PointBatch(second), source: 'simulator', received: 20_000, ids: idHashColumns(second) },
    ])
    // One expression of POINT_SELECT per stored column, each reading a column built here.
    expect(columns.map((c) => c.name)).toEqual([...POINT_COLUMNS])
    expect(POINT_SELECT).toHaveLength(POINT_COLUMNS.length)
    const byName = Object.fromEntries(columns.map((c) => [c.name, read(c)]))
    const a = idHashColumns(first)
    const b = idHashColumns(second)
    expect(byName).toEqual({
      indicator: ['env.aqi', 'env.aqi', 'traffic.flow'],
      region: ['440103', '440103', '440104'],
      station: ['AQ-1', 'AQ-1', ''],
      ts: [1_000, 2_000, 3_000],
      value: [42, 43.5, 1767],
      // A point without an id: both lanes 0, which the table stores as id_hash 0.
      id_hi: [a.hi[0], 0, b.hi[0]],
      id_lo: [a.lo[0], 0, b.lo[0]],
      source: ['http', 'http', 'simulator'],
      received: [10_000, 10_000, 20_000],
    })
  })

  it('takes a request without ids', () => {
    const points = [{ ts: 1, indicator: 'env.aqi', region: '440103', station: '', value: 1 }]
    const columns = pointColumns([{ batch: new PointBatch(points), source: 'backfill', received: 5 }])
    expect(columns.find((c) => c.name === 'id_hi')!.length).toBe(1)
    expect(read(columns.find((c) => c.name === 'id_lo')!)).toEqual([0])
  })
})
