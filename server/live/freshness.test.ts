import { describe, expect, it } from 'vitest'
import { PointBatch } from '../../common/point-batch'
import { testCatalog } from '../../test/fixtures/catalog'
import { FreshnessTracker, STORED_SOURCE, type FeedMemory } from './freshness'

/** Feed freshness from the bus and from what storage remembers, over a fake of the latter. */

const index = testCatalog()
const T0 = 1_790_000_000_000
const HOUR = 3_600_000
// env.aqi reports hourly: stale after three hours without a point.
const aqi = (region: string, station: string, ts: number) => ({ indicator: 'env.aqi', region, station, ts, value: 50 })

const memory = (feeds: Awaited<ReturnType<FeedMemory['feedsSince']>>, ends: Awaited<ReturnType<FeedMemory['seriesEnds']>> = []): FeedMemory => ({
  feedsSince: async () => feeds,
  seriesEnds: async () => ends,
})

describe('FreshnessTracker', () => {
  it('calls a feed stale after three cadences without a point, and fresh again on the next one', () => {
    const t = new FreshnessTracker(index)
    t.apply(new PointBatch([aqi('990101', 'AQ-990101-01', T0)], 'http', T0))
    const at = (now: number) => t.report(now).indicators.find((i) => i.indicator === 'env.aqi')!
    expect(at(T0 + 2 * HOUR)).toMatchObject({ stale: false, lastTs: T0, sources: [{ source: 'http', points: 1, stale: false }] })
    expect(at(T0 + 3 * HOUR + 1)).toMatchObject({ stale: true })
    t.apply(new PointBatch([aqi('990101', 'AQ-990101-01', T0 + 4 * HOUR)], 'http', T0 + 4 * HOUR))
    expect(at(T0 + 4 * HOUR)).toMatchObject({ stale: false, sources: [{ points: 2 }] })
  })

  it('reports a subtree: a city learns when its own feeds last spoke', () => {
    const t = new FreshnessTracker(index)
    t.apply(new PointBatch([aqi('990101', 'AQ-990101-01', T0)], 'http', T0))
    t.apply(new PointBatch([aqi('990200', 'AQ-990200-01', T0 + HOUR)], 'http', T0 + HOUR))
    const lastOf = (scope: string) => t.report(T0 + HOUR, scope).indicators.find((i) => i.indicator === 'env.aqi')!.lastTs
    expect(lastOf('990000')).toBe(T0 + HOUR)
    expect(lastOf('990100')).toBe(T0)
  })

  it('starts from what storage remembers: feeds by source, and history only where no source is known', async () => {
    const t = new FreshnessTracker(index)
    await t.load(
      memory([{ indicator: 'env.aqi', source: 'producer:env', region: '990101', newest: T0, arrived: T0 + 1000 }], [
        { indicator: 'env.aqi', region: '990101', newest: T0 - HOUR },
        { indicator: 'env.pm25', region: '990101', newest: T0 - HOUR },
      ]),
      T0 - 24 * HOUR,
    )
    const report = t.report(T0 + HOUR)
    expect(report.indicators.find((i) => i.indicator === 'env.aqi')!.sources.map((s) => s.source)).toEqual(['producer:env'])
    expect(report.indicators.find((i) => i.indicator === 'env.pm25')!.sources).toEqual([expect.objectContaining({ source: STORED_SOURCE, lastTs: T0 - HOUR, points: 0 })])
    // An indicator nothing is known of is stale.
    expect(report.indicators.find((i) => i.indicator === 'traffic.flow')).toMatchObject({ stale: true, lastTs: null })
  })
})
