import { describe, expect, it } from 'vitest'
import { realIndicators } from '../../../test/fixtures/catalog'
import { hexToRgba } from './color-scale'
import { fillScaleFor } from './fill-scale'
import { flowRadius, FLOW_RADIUS, speedColor, STATION_INDICATORS } from './station-style'

describe('air stations: the sample catalog’s AQI scale (HJ 633-2012)', () => {
  const aqi = realIndicators().find((i) => i.code === STATION_INDICATORS.aqi)!
  const scale = fillScaleFor(aqi)
  it.each([
    [0, '#00E400', '优'],
    [50, '#00E400', '优'],
    [51, '#FFFF00', '良'],
    [100, '#FFFF00', '良'],
    [101, '#FF7E00', '轻度污染'],
    [150, '#FF7E00', '轻度污染'],
    [151, '#FF0000', '中度污染'],
    [200, '#FF0000', '中度污染'],
    [201, '#99004C', '重度污染'],
    [300, '#99004C', '重度污染'],
    [301, '#7E0023', '严重污染'],
    [500, '#7E0023', '严重污染'],
  ] as const)('AQI %d is %s %s', (value, hex, name) => {
    expect(scale.color(value)).toEqual(hexToRgba(hex))
    expect(scale.bands[scale.bandOf(value)]!.name?.zh).toBe(name)
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
