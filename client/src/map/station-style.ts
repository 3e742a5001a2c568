import type { MessageKey } from '../i18n/messages'
import { hexToRgba, NO_DATA_RGBA, rampLookup, type Rgba } from './color-scale'

/**
 * How stations look: air stations in the AQI colour bands, traffic detectors
 * sized by flow and coloured by speed.
 */

/** The station indicators the map draws (codes of the sample catalog's station measurements). */
export const STATION_INDICATORS = { aqi: 'env.aqi', speed: 'traffic.speed', flow: 'traffic.flow' } as const

/** AQI bands of HJ 633-2012 with their official colours (表 2: 绿 黄 橙 红 紫 褐红). */
export const AQI_BANDS: ReadonlyArray<{ max: number; color: string; label: MessageKey }> = [
  { max: 50, color: '#00e400', label: 'map.aqi.good' },
  { max: 100, color: '#ffff00', label: 'map.aqi.moderate' },
  { max: 150, color: '#ff7e00', label: 'map.aqi.light' },
  { max: 200, color: '#ff0000', label: 'map.aqi.medium' },
  { max: 300, color: '#99004c', label: 'map.aqi.heavy' },
  { max: Infinity, color: '#7e0023', label: 'map.aqi.severe' },
]

const AQI_RGBA = AQI_BANDS.map((b) => hexToRgba(b.color))

export function aqiBand(aqi: number): number {
  // AQI is an integer (rounded up by the standard): 50.4 belongs to the next band.
  const v = Math.ceil(aqi)
  return AQI_BANDS.findIndex((b) => v <= b.max)
}

export function aqiColor(aqi: number): Rgba {
  return Number.isNaN(aqi) ? NO_DATA_RGBA : AQI_RGBA[aqiBand(aqi)]!
}

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
