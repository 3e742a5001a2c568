import { describe, expect, it } from 'vitest'
import { CatalogIndex } from '../../common/catalog-index'
import { createSimulators } from './create-simulators'
import { anomalyCover, mean } from './point-grouping'
import { resolveZone } from './region-profile'
import { DAY_MS, HOUR_MS, MINUTE_MS, type SimPoint } from './simulator'
import { loadSampleCatalog } from './test-catalog'

const sample = loadSampleCatalog()

// The real province, once sample-data/regions.json and stations.json are built.
describe.skipIf(sample === undefined)('the simulators on the sample catalog', () => {
  const index = new CatalogIndex(sample!)
  const simulators = createSimulators(index, { seed: 1, utcOffsetMinutes: 480 })
  const leaves = index.tree.leaves(index.tree.root.code).length
  const zoneOf = (p: SimPoint) => resolveZone(index.tree, p.region)
  const T = Date.UTC(2025, 10, 18, 0, 30) // 08:30 local on a Tuesday

  it('publish every series of every station and leaf region', () => {
    const count = (domain: string) => simulators.find((s) => s.domain === domain)!.series().length
    expect(count('traffic')).toBe(3 * index.stationsOfKind('traffic').length + 3 * leaves)
    expect(count('environment')).toBe(4 * index.stationsOfKind('air').length + 2 * leaves)
    expect(count('business')).toBe(6 * leaves)
    expect(count('poverty')).toBe(6 * leaves)
  })

  it('touch a small share of the points with anomalies', () => {
    let expected = 0
    let affected = 0
    for (const sim of simulators) {
      const points = sim.live(T, T + HOUR_MS)
      const anomalous = anomalyCover(sim.anomalies(T, T + HOUR_MS), ['spike', 'levelShift', 'stuck'])
      const promised = sim.series().reduce((n, s) => n + HOUR_MS / s.publishEveryMs, 0)
      expected += promised
      // Dropped points are the ones promised and not published.
      affected += promised - points.length + points.filter(anomalous).length
    }
    expect(affected / expected).toBeLessThan(0.02)
    expect(affected).toBeGreaterThan(0)
  })

  it.each([0, 37, 71, 105].map((m) => T + m * MINUTE_MS))('reach an AQI above 200 within two hours of %d', (t0) => {
    const environment = simulators.find((s) => s.domain === 'environment')!
    const aqi = environment.live(t0, t0 + 2 * HOUR_MS).filter((p) => p.indicator === 'env.aqi')
    expect(Math.max(...aqi.map((p) => p.value))).toBeGreaterThan(200)
  })

  it('make the delta busier than the north', () => {
    const traffic = simulators.find((s) => s.domain === 'traffic')!.live(T, T + MINUTE_MS).filter((p) => p.indicator === 'traffic.flow')
    const flow = (zone: string) => mean(traffic.filter((p) => zoneOf(p) === zone).map((p) => p.value))
    expect(flow('prd')).toBeGreaterThan(1.3 * flow('north'))
    const business = simulators.find((s) => s.domain === 'business')!
    const entities = business.history(T - 28 * DAY_MS, T, DAY_MS).filter((p) => p.indicator === 'biz.new_entities')
    const perLeaf = (zone: string) => mean(entities.filter((p) => zoneOf(p) === zone).map((p) => p.value))
    expect(perLeaf('prd')).toBeGreaterThan(2 * perLeaf('north'))
  })
})
