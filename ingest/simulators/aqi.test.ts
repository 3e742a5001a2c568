import { describe, expect, it } from 'vitest'
import { hourlyAqi, iaqi } from './aqi'

describe('iaqi (HJ 633-2012)', () => {
  it.each([
    ['pm25', 0, 0],
    ['pm25', 35, 50],
    ['pm25', 75, 100],
    ['pm25', 80, 107], // 100 + 50 × 5/40 = 106.25, rounded up
    ['pm25', 115, 150],
    ['pm25', 150, 200],
    ['pm25', 151, 201],
    ['pm25', 250, 300],
    ['pm25', 500, 500],
    ['pm25', 900, 500],
    ['pm10', 50, 50],
    ['pm10', 150, 100],
    ['pm10', 350, 200],
    ['pm10', 420, 300],
    ['o3_1h', 160, 50],
    ['o3_1h', 200, 100],
    ['o3_1h', 300, 150],
    ['o3_1h', 400, 200],
    ['o3_1h', 800, 300],
  ] as const)('%s at %d µg/m³ is %d', (pollutant, concentration, expected) => {
    expect(iaqi(pollutant, concentration)).toBe(expected)
  })

  it('is the largest sub-index', () => {
    expect(hourlyAqi(20, 40, 250)).toBe(iaqi('o3_1h', 250))
    expect(hourlyAqi(160, 40, 100)).toBe(iaqi('pm25', 160))
    expect(hourlyAqi(20, 400, 100)).toBe(iaqi('pm10', 400))
  })
})
