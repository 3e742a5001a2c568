import { describe, expect, it } from 'vitest'
import { testCatalog } from '../../../test/fixtures/catalog'
import { prefetchLeadMs, stepTarget, tourSteps } from './wall-tour'
import { sampleWall } from '../../../test/fixtures/walls'
import { wallReads } from './wall-reads'
import { trendSource, trendUrl, trendWindowOf } from './trend-window'

const catalog = testCatalog()
const wall = sampleWall()
const WALL_DOMAINS = wall.columns

describe('the tour ahead of time', () => {
  it('knows where each step goes: the root, or the worst child by the step’s headline', async () => {
    const steps = tourSteps(wall)
    const asked: string[] = []
    const worst = async (indicator: string) => {
      asked.push(indicator)
      return '990200'
    }
    expect(await stepTarget(steps[0]!, '990000', worst)).toBe('990000')
    expect(await stepTarget(steps[1]!, '990000', worst)).toBe('990200')
    expect(asked).toEqual([WALL_DOMAINS[0]!.ranking])
  })

  it('works a step out a quarter of its dwell before it, at most 8 s', () => {
    expect(prefetchLeadMs(12)).toBe(3_000)
    expect(prefetchLeadMs(60)).toBe(8_000)
  })

  it('reads ahead the URLs the panels will read there', () => {
    const now = Date.parse('2026-12-05T04:00:30Z')
    const city = wallReads('990100', WALL_DOMAINS, catalog, now)
    expect(city[0]).toMatch(/^\/api\/changes\?region=990100&indicator=/)
    expect(city[1]).toBe('/api/scorecard?region=990100')
    for (const d of WALL_DOMAINS) {
      const range = trendWindowOf(catalog.indicator(d.trend.indicator)!.cadenceSeconds)
      // The same URL the trend panel resolves at any moment of the same bucket.
      expect(city).toContain(trendUrl(trendSource(d.trend.indicator, '990100', range), range, now + 1_000))
    }
    // A city has children: ranked from live values, no ranking read.
    expect(city.some((u) => u.startsWith('/api/ranking'))).toBe(false)
    // A leaf region's ranking is of its peers, read from the API.
    const leaf = wallReads('990101', WALL_DOMAINS, catalog, now)
    expect(leaf.filter((u) => u.startsWith('/api/ranking'))).toHaveLength(WALL_DOMAINS.length)
  })
})
