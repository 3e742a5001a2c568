import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Region } from '../../../common/catalog-schema'
import { rankingScope } from './ranking-panel'
import { fitStage } from './stage-fit'
import { sampleWall } from '../../../test/fixtures/walls'
import { trendWindowFor, trendWindowOf } from './trend-window'

const WALL = sampleWall()
import { indicatorOf, kioskOf, tourSecondsOf } from './wall-location'
import { tourSteps } from './wall-tour'

describe('fitStage', () => {
  it.each([
    [1920, 1080, 0.5, 0, 0],
    [3840, 2160, 1, 0, 0],
    [7680, 2160, 1, 1920, 0],
    [1920, 1200, 0.5, 0, 60],
  ])('%i×%i: scale %f, centred', (w, h, scale, left, top) => {
    expect(fitStage(w, h)).toEqual({ scale, left, top })
  })
})

describe('tourSecondsOf', () => {
  it.each([
    ['', null],
    ['?tour=30', 30],
    ['?tour=', 30],
    ['?tour=abc', 30],
    ['?tour=1', 5],
    ['?tour=99999', 3600],
  ])('%s → %s', (search, seconds) => {
    expect(tourSecondsOf(search)).toBe(seconds)
  })
})

describe('indicatorOf', () => {
  const known = (code: string) => code === 'env.aqi' || code === 'biz.online_rate'
  it.each([
    ['', null],
    ['?indicator=biz.online_rate', 'biz.online_rate'],
    ['?region=440100&indicator=env.aqi', 'env.aqi'],
    // An unknown code (a stale bookmark, a typo) falls back to the wall's default.
    ['?indicator=env.nope', null],
  ])('%s → %s', (search, expected) => {
    expect(indicatorOf(search, known)).toBe(expected)
  })
})

describe('kioskOf', () => {
  it.each([
    ['', false],
    ['?kiosk=1', true],
    ['?kiosk', true],
    ['?tour=30&kiosk=yes', true],
    ['?kiosk=0', false],
    ['?kiosk=false', false],
  ])('%s → %s', (search, kiosk) => {
    expect(kioskOf(search)).toBe(kiosk)
  })
})

describe('tourSteps', () => {
  it('shows each domain over the province, then drilled into its worst region', () => {
    const steps = tourSteps(WALL)
    expect(steps).toHaveLength(WALL.columns.length * 2)
    expect(steps.slice(0, 2)).toEqual([
      { domain: 'business', headline: WALL.columns[0]!.ranking, drill: false },
      { domain: 'business', headline: WALL.columns[0]!.ranking, drill: true },
    ])
  })

  it('follows the steps a wall defines, each drawing its column’s ranking indicator', () => {
    const eco = sampleWall('eco-traffic')
    expect(tourSteps(eco)).toEqual([
      { domain: 'environment', headline: 'env.aqi', drill: false },
      { domain: 'traffic', headline: 'traffic.congestion_index', drill: true },
    ])
  })
})

describe('rankingScope', () => {
  const region = (code: string, level: Region['level'], parent: string | null): Region => ({ code, level, parent, name: { zh: code, en: code }, centroid: [113, 23] })
  it('ranks a region’s children, or a leaf among its peers', () => {
    const city = region('440100', 'city', '440000')
    expect(rankingScope(city, [region('440106', 'county', '440100')])).toEqual({ level: 'county', parent: '440100' })
    expect(rankingScope(region('441900', 'city', '440000'), [])).toEqual({ level: 'city', parent: '440000' })
  })
})

describe('the sample walls', () => {
  const sample = JSON.parse(fs.readFileSync(new URL('../../../sample-data/indicators.json', import.meta.url), 'utf8')) as { indicators: Array<{ code: string; domain: string }> }
  const domainOf = new Map(sample.indicators.map((i) => [i.code, i.domain]))

  it('shows indicators of the sample catalog, each in its own domain', () => {
    for (const d of WALL.columns) {
      expect(new Set(d.kpis).size).toBe(4)
      for (const code of [...d.kpis, d.trend.indicator, d.ranking]) expect(domainOf.get(code), code).toBe(d.domain)
    }
  })

  it('choose a trend window, or follow the cadence', () => {
    expect(trendWindowFor('auto', 60)).toEqual(trendWindowOf(60))
    expect(trendWindowFor('7d', 60)).toMatchObject({ step: '1h', spanMs: 7 * 86_400_000 })
    expect(trendWindowFor('24h', 86_400)).toMatchObject({ step: '1m', spanMs: 86_400_000 })
  })
})
