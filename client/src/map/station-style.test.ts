import { describe, expect, it } from 'vitest'
import { NO_DATA_RGBA } from './color-scale'
import { aqiBand, aqiColor, flowRadius, FLOW_RADIUS, speedColor } from './station-style'

describe('AQI bands (HJ 633-2012)', () => {
  it.each([
    [0, 0],
    [50, 0],
    [50.2, 1],
    [100, 1],
    [101, 2],
    [150, 2],
    [151, 3],
    [200, 3],
    [201, 4],
    [300, 4],
    [301, 5],
    [500, 5],
  ])('AQI %d is band %d', (aqi, band) => {
    expect(aqiBand(aqi)).toBe(band)
  })

  it('uses the official colours', () => {
    expect(aqiColor(30)).toEqual([0, 228, 0, 255])
    expect(aqiColor(350)).toEqual([126, 0, 35, 255])
    expect(aqiColor(Number.NaN)).toBe(NO_DATA_RGBA)
  })
})

describe('traffic detectors', () => {
  it('turn from red when jammed to green when flowing', () => {
    const [r1, g1] = speedColor(5)
    const [r2, g2] = speedColor(80)
    expect(r1).toBeGreaterThan(g1)
    expect(g2).toBeGreaterThan(r2)
  })

  it('grow with flow, within bounds', () => {
    expect(flowRadius(0)).toBe(FLOW_RADIUS.min)
    expect(flowRadius(Number.NaN)).toBe(FLOW_RADIUS.min)
    expect(flowRadius(1500)).toBeGreaterThan(flowRadius(500))
    expect(flowRadius(1e6)).toBe(FLOW_RADIUS.max)
  })
})
