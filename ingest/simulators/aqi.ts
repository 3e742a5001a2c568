/**
 * China's air quality index, HJ 633-2012 (环境空气质量指数（AQI）技术规定).
 * Each pollutant's individual index (IAQI) is interpolated linearly between the
 * breakpoints of table 1; the AQI is the largest IAQI. For the hourly (real-time)
 * index the standard uses the 24-hour breakpoints for PM2.5 and PM10 and the
 * 1-hour ones for O3. Results are rounded up to an integer, as the standard says.
 */

/** IAQI values at the breakpoints, shared by every pollutant. */
const IAQI_LEVELS = [0, 50, 100, 150, 200, 300, 400, 500] as const

/** Concentration breakpoints in µg/m³, one per IAQI level. */
export const AQI_BREAKPOINTS = {
  pm25: [0, 35, 75, 115, 150, 250, 350, 500],
  pm10: [0, 50, 150, 250, 350, 420, 500, 600],
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
} as const satisfies Record<string, readonly number[]>

export type AqiPollutant = keyof typeof AQI_BREAKPOINTS

/** The individual index of one pollutant; concentrations past the last breakpoint count as 500. */
export function iaqi(pollutant: AqiPollutant, concentration: number): number {
  const bp = AQI_BREAKPOINTS[pollutant]
  if (!(concentration > 0)) return 0
  for (let i = 1; i < bp.length; i++) {
    const hi = bp[i]!
    if (concentration <= hi) {
      const lo = bp[i - 1]!
      const iLo = IAQI_LEVELS[i - 1]!
      return Math.ceil(iLo + ((IAQI_LEVELS[i]! - iLo) * (concentration - lo)) / (hi - lo))
    }
  }
  return 500
}

/** The hourly AQI from hourly PM2.5, PM10 and O3 in µg/m³. */
export function hourlyAqi(pm25: number, pm10: number, o3: number): number {
  return Math.max(iaqi('pm25', pm25), iaqi('pm10', pm10), iaqi('o3_1h', o3))
}
