import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PointBatch } from '../../common/point-batch'
import { hashId, idHashColumns } from '../../ingest/id-hash'
import { fuzzRuns } from '../../test/fuzz/fuzz-settings'
import { encodePointsTsv } from './point-store'
import { escapeTsv, TsvWriter } from './tsv-writer'

function written(write: (w: TsvWriter) => void, expectedBytes = 1): string {
  const w = new TsvWriter(expectedBytes)
  write(w)
  return w.finish().toString('utf8')
}

describe('TsvWriter', () => {
  it.each([0, 7, 10, 99, 2 ** 31 - 1, 2 ** 31, 1_795_318_877_448, 1_000_000_000, 1_000_000_007, Number.MAX_SAFE_INTEGER, -1, -(2 ** 31), -1_795_318_877_448, -0])(
    'writes the integer %d as String() does',
    (v) => {
      expect(written((w) => w.number(v))).toBe(String(v))
    },
  )

  it.each([0.1, -0.5, 1e-7, 0.0001, 0.00015, 123.456, 1.1, 0.30000000000000004, -999_999_999.5, 1e9 + 0.5, 12_345.6789, 2 ** 53 + 2, 1e21, -1.5e300, 5e-324])('writes the number %d as String() does', (v) => {
    expect(written((w) => w.number(v))).toBe(String(v))
  })

  it('writes every finite double exactly as String() does', () => {
    // Any double, and measurements as producers send them: a few decimals.
    const decimals = fc.tuple(fc.integer({ min: -2e12, max: 2e12 }), fc.integer({ min: 0, max: 6 })).map(([m, d]) => m / 10 ** d)
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.maxSafeInteger(), decimals), (v) => {
        expect(written((w) => w.number(v))).toBe(String(v))
      }),
      fuzzRuns(20_000),
    )
  })

  it('copies printable ASCII as is, and escapes what TabSeparated must', () => {
    expect(written((w) => w.text('TD-440882-003'))).toBe('TD-440882-003')
    expect(written((w) => w.text('a\tb\nc\\d\re'))).toBe('a\\tb\\nc\\\\d\\re')
    expect(escapeTsv('x\0y\bz\f')).toBe('x\\0y\\bz\\f')
  })

  it('writes any text as UTF-8, escaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(written((w) => w.text(s))).toBe(escapeTsv(s))
      }),
      fuzzRuns(5_000),
    )
  })

  it('grows past its first guess without losing what it wrote', () => {
    const w = new TsvWriter(1)
    const parts: string[] = []
    for (let i = 0; i < 1000; i++) {
      w.text(`城市-${i}`)
      w.tab()
      w.number(i * 1.25)
      w.newline()
      parts.push(`城市-${i}\t${i * 1.25}\n`)
    }
    expect(w.finish().toString('utf8')).toBe(parts.join(''))
  })
})

describe('encodePointsTsv', () => {
  it('writes the point columns in order, a producer id as its two hash lanes, and 0 0 for none', () => {
    const points = [
      { ts: 1_795_318_877_448, indicator: 'traffic.flow', region: '440882', station: 'TD-440882-003', value: 1767, id: 'TD-440882-003/traffic.flow/1' },
      { ts: 1_795_318_877_449, indicator: 'biz.online_rate', region: '440100', station: '', value: 97.25 },
    ]
    const text = encodePointsTsv(new PointBatch(points), 'http', 1_795_318_880_000, idHashColumns(points)).toString('utf8')
    const h = hashId(points[0]!.id!)
    expect(text).toBe(
      `traffic.flow\t440882\tTD-440882-003\t1795318877448\t1767\t${h.hi}\t${h.lo}\thttp\t1795318880000\n` +
        `biz.online_rate\t440100\t\t1795318877449\t97.25\t0\t0\thttp\t1795318880000\n`,
    )
    expect(encodePointsTsv(new PointBatch(points), 'http', 1).toString('utf8')).toMatch(/^traffic\.flow\t440882\tTD-440882-003\t1795318877448\t1767\t0\t0\t/)
  })
})
