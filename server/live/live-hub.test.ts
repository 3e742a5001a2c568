import { describe, expect, it } from 'vitest'
import type { LiveValue } from '../../common/live-contract'
import { PointBatch } from '../../common/point-batch'
import type { Point } from '../../common/point'
import { testCatalog } from '../../test/fixtures/catalog'
import { LiveHub } from './live-hub'

const index = testCatalog()
const T = 1_790_000_000_000

function batch(...points: Array<Omit<Point, 'station'> & { station?: string }>): PointBatch {
  return new PointBatch(points.map((p) => ({ station: '', ...p })))
}

const find = (values: LiveValue[], indicator: string, region: string, station?: string) =>
  values.find((v) => v.indicator === indicator && v.region === region && v.station === station)

describe('LiveHub', () => {
  it('aggregates county → city → province by each indicator rule', () => {
    const hub = new LiveHub(index)
    hub.apply(
      batch(
        // flow: sum; speed: mean weighted by flow; AQI: mean over stations
        { ts: T, indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001', value: 3000 },
        { ts: T, indicator: 'traffic.flow', region: '990102', station: 'TD-990102-001', value: 1000 },
        { ts: T, indicator: 'traffic.speed', region: '990101', station: 'TD-990101-001', value: 30 },
        { ts: T, indicator: 'traffic.speed', region: '990102', station: 'TD-990102-001', value: 60 },
        { ts: T, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 80 },
        { ts: T + 5, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: 120 },
        // a max-like region-level indicator: the worst polluter count is a sum; new entities sum too
        { ts: T, indicator: 'biz.new_entities', region: '990101', value: 7 },
        { ts: T, indicator: 'biz.new_entities', region: '990102', value: 9 },
      ),
    )
    const { values, asOf } = hub.tick()
    expect(asOf).toBe(T + 5)
    expect(find(values, 'traffic.flow', '990100')?.value).toBe(4000)
    expect(find(values, 'traffic.flow', '990000')?.value).toBe(4000)
    expect(find(values, 'traffic.speed', '990100')?.value).toBeCloseTo((30 * 3000 + 60 * 1000) / 4000, 10)
    expect(find(values, 'env.aqi', '990100')?.value).toBe(80)
    expect(find(values, 'env.aqi', '990000')).toEqual({ indicator: 'env.aqi', region: '990000', value: 100, ts: T + 5 })
    expect(find(values, 'biz.new_entities', '990000')?.value).toBe(16)
    // Station values travel too, for the map.
    expect(find(values, 'env.aqi', '990200', 'AQ-990200-01')?.value).toBe(120)
  })

  it('takes the loudest county for a max rule', () => {
    const hub = new LiveHub(index)
    hub.apply(batch({ ts: T, indicator: 'env.noise_peak', region: '990101', value: 63 }, { ts: T, indicator: 'env.noise_peak', region: '990102', value: 71.5 }))
    const { values } = hub.tick()
    expect(find(values, 'env.noise_peak', '990100')?.value).toBe(71.5)
    expect(find(values, 'env.noise_peak', '990000')?.value).toBe(71.5)
  })

  it('sends only what changed on the next tick, and nothing when nothing changed', () => {
    const hub = new LiveHub(index)
    hub.apply(
      batch(
        { ts: T, indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001', value: 3000 },
        { ts: T, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: 120 },
      ),
    )
    hub.tick()
    expect(hub.tick().values).toEqual([])
    hub.apply(batch({ ts: T + 1000, indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001', value: 3500 }))
    const { values } = hub.tick()
    expect(values.map((v) => `${v.indicator}|${v.region}|${v.station ?? ''}|${v.value}`).sort()).toEqual([
      'traffic.flow|990000||3500',
      'traffic.flow|990100||3500',
      'traffic.flow|990101|TD-990101-001|3500',
      'traffic.flow|990101||3500',
    ])
  })

  it('keeps the latest value when an older point arrives late', () => {
    const hub = new LiveHub(index)
    hub.apply(batch({ ts: T, indicator: 'biz.new_entities', region: '990101', value: 7 }))
    hub.apply(batch({ ts: T - 60_000, indicator: 'biz.new_entities', region: '990101', value: 1 }))
    hub.tick()
    expect(hub.value('biz.new_entities', '990101')?.value).toBe(7)
  })

  it('recomputes a weighted mean when only its weight changes', () => {
    const hub = new LiveHub(index)
    hub.apply(
      batch(
        { ts: T, indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001', value: 1000 },
        { ts: T, indicator: 'traffic.flow', region: '990102', station: 'TD-990102-001', value: 1000 },
        { ts: T, indicator: 'traffic.speed', region: '990101', station: 'TD-990101-001', value: 30 },
        { ts: T, indicator: 'traffic.speed', region: '990102', station: 'TD-990102-001', value: 60 },
      ),
    )
    hub.tick()
    expect(hub.value('traffic.speed', '990100')?.value).toBe(45)
    hub.apply(batch({ ts: T + 1, indicator: 'traffic.flow', region: '990102', station: 'TD-990102-001', value: 3000 }))
    const { values } = hub.tick()
    expect(find(values, 'traffic.speed', '990100')?.value).toBeCloseTo((30 * 1000 + 60 * 3000) / 4000, 10)
  })

  it('gives a room its current state, filtered by region subtree, indicators and stations', () => {
    const hub = new LiveHub(index)
    hub.apply(
      batch(
        { ts: T, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 80 },
        { ts: T, indicator: 'env.aqi', region: '990200', station: 'AQ-990200-01', value: 120 },
        { ts: T, indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001', value: 3000 },
      ),
    )
    hub.tick()
    const city = hub.state({ region: '990100', indicators: new Set(['env.aqi']), stations: true })
    expect(city.values.map((v) => `${v.region}|${v.station ?? ''}`).sort()).toEqual(['990100|', '990101|', '990101|AQ-990101-01'])
    const noStations = hub.state({ region: '990000', indicators: null, stations: false })
    expect(noStations.values.every((v) => v.station === undefined)).toBe(true)
    expect(noStations.values.map((v) => `${v.indicator}|${v.region}`).sort()).toEqual([
      'env.aqi|990000',
      'env.aqi|990100',
      'env.aqi|990101',
      'env.aqi|990200',
      'traffic.flow|990000',
      'traffic.flow|990100',
      'traffic.flow|990101',
    ])
  })
})
