import { rampLookup, type Rgba } from './color-scale'
import { NO_DATA_RGBA } from './fill-scale'

/**
 * How stations look: air stations in the AQI indicator's fill scale (the
 * catalog's HJ 633 bands, the same colours as the regions' fills: see
 * region-map.tsx), traffic detectors sized by flow and coloured by speed.
 */

/** The station indicators the map draws (codes of the sample catalog's station measurements). */
export const STATION_INDICATORS = { aqi: 'env.aqi', speed: 'traffic.speed', flow: 'traffic.flow' } as const

/**
 * Speed colours, jammed → free-flowing, as navigation maps draw traffic:
 * red below 20 km/h, through amber, to green from 60 km/h.
 */
export const SPEED_STOPS = ['#ff3b30', '#ff9500', '#ffd60a', '#34c759'] as const
export const SPEED_DOMAIN: [number, number] = [15, 60]
const SPEED_LOOKUP = rampLookup(SPEED_STOPS, 235, 64)

export function speedColor(kmh: number): Rgba {
  if (Number.isNaN(kmh)) return NO_DATA_RGBA
  const t = (kmh - SPEED_DOMAIN[0]) / (SPEED_DOMAIN[1] - SPEED_DOMAIN[0])
  const last = SPEED_LOOKUP.length - 1
  return SPEED_LOOKUP[Math.max(0, Math.min(last, Math.round(t * last)))]!
}

/** Detector radius in pixels: area proportional to flow, 2 px when idle up to 9 px at 6,000 veh/h and beyond. */
export const FLOW_RADIUS = { min: 2, max: 9, atFlow: 6000 } as const

export function flowRadius(flow: number): number {
  if (!(flow > 0)) return FLOW_RADIUS.min
  const t = Math.sqrt(Math.min(1, flow / FLOW_RADIUS.atFlow))
  return FLOW_RADIUS.min + (FLOW_RADIUS.max - FLOW_RADIUS.min) * t
}
