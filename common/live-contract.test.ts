import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fuzzRuns } from '../test/fuzz/fuzz-settings'
import { fromLiveColumns, toLiveColumns, type LiveValue } from './live-contract'

const liveValue: fc.Arbitrary<LiveValue> = fc
  .record({
    indicator: fc.constantFrom('traffic.flow', 'traffic.speed', 'env.aqi', 'biz.online_rate'),
    region: fc.stringMatching(/^\d{6}$/),
    station: fc.option(fc.stringMatching(/^[A-Z]{2}-\d{6}-\d{3}$/), { nil: undefined }),
    value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    ts: fc.integer({ min: 0, max: 2_000_000_000_000 }),
  })
  .map(({ station, ...v }) => (station === undefined ? v : { ...v, station }))

describe('live values on the wire', () => {
  it('go as columns and come back as they were, through JSON', () => {
    fc.assert(
      fc.property(fc.array(liveValue, { maxLength: 50 }), fc.integer({ min: 2_000_000_000_000, max: 2_100_000_000_000 }), (values, at) => {
        const wire = JSON.parse(JSON.stringify(toLiveColumns(values, at)))
        expect(fromLiveColumns(wire, at)).toEqual(values.map((v) => ({ ...v, value: Object.is(v.value, -0) ? 0 : v.value })))
      }),
      fuzzRuns(2_000),
    )
  })

  it('name each indicator once, and are a fraction of the bytes of an object per value', () => {
    const at = 1_795_318_880_000
    const values: LiveValue[] = Array.from({ length: 500 }, (_, i) => ({
      indicator: i % 2 ? 'traffic.flow' : 'traffic.speed',
      region: String(440100 + (i % 90)),
      station: `TD-${440100 + (i % 90)}-${String(i % 7).padStart(3, '0')}`,
      value: 500 + i,
      ts: at - 1000 - i,
    }))
    const cols = toLiveColumns(values, at)
    expect(cols.codes).toEqual(['traffic.speed', 'traffic.flow'])
    expect(cols.age.slice(0, 3)).toEqual([1000, 1001, 1002])
    expect(JSON.stringify(cols).length).toBeLessThan(JSON.stringify(values).length / 2)
  })
})
