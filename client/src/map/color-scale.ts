import type { Better } from '../../../common/catalog-schema'

/**
 * The choropleth's colours. The domain follows the values on screen (rounded
 * to "nice" numbers, so the legend does not twitch with every tick), and the
 * direction follows the indicator: where higher is better the high end is
 * green, where lower is better it is red, and an indicator that is neither good
 * nor bad gets a neutral blue ramp.
 */

export type Rgba = [number, number, number, number]

/** Opacity of region fills: the boundaries and the land below stay visible. */
const FILL_ALPHA = 215

/** Bad → good, in the theme's red / amber / green (theme.css --bad, --warn, --good). */
export const BAD_TO_GOOD = ['#ff4d4f', '#ff8c42', '#f5b93b', '#a5d64c', '#2ecc71'] as const
/** Low → high for indicators without a better direction (counts, volumes). */
export const NEUTRAL_RAMP = ['#173a63', '#1f5f99', '#2f86d0', '#5fb4ff', '#b5dcff'] as const
export const NO_DATA_COLOR = '#2a3550'

export interface ChoroplethScale {
  /** [min, max] of the colour ramp. */
  domain: [number, number]
  /** The value at the ramp's middle: the target when there is one, else the domain's midpoint. */
  mid: number
  midIsTarget: boolean
  /** CSS colours from the domain's minimum to its maximum (for the legend's gradient). */
  stops: readonly string[]
  color(value: number): Rgba
}

export function hexToRgba(hex: string, alpha = 255): Rgba {
  const n = Number.parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha]
}

/** A ramp through evenly spaced stops, as a lookup table (a tick recolours hundreds of regions). */
export function rampLookup(stops: readonly string[], alpha = 255, size = 256): Rgba[] {
  const rgb = stops.map((s) => hexToRgba(s, alpha))
  const out: Rgba[] = []
  for (let i = 0; i < size; i++) {
    const t = (i / (size - 1)) * (rgb.length - 1)
    const k = Math.min(rgb.length - 2, Math.floor(t))
    const f = t - k
    const a = rgb[k]!
    const b = rgb[k + 1]!
    out.push([Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f), alpha])
  }
  return out
}

const LOOKUPS = {
  higher: rampLookup(BAD_TO_GOOD, FILL_ALPHA),
  lower: rampLookup([...BAD_TO_GOOD].reverse(), FILL_ALPHA),
  neither: rampLookup(NEUTRAL_RAMP, FILL_ALPHA),
} satisfies Record<Better, Rgba[]>

export const NO_DATA_RGBA = hexToRgba(NO_DATA_COLOR, 170)

/**
 * Rounds [min, max] outwards to multiples of a 1-2-5 step giving about `ticks`
 * intervals, and never beyond the indicator's physical range.
 */
export function niceDomain(min: number, max: number, range: readonly [number, number], ticks = 5): [number, number] {
  if (!(max > min)) {
    // One value (or all equal): a band around it, so it sits mid-scale.
    const half = Math.abs(min) * 0.1 || 1
    min -= half
    max += half
  }
  const raw = (max - min) / ticks
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude
  const lo = Math.max(range[0], Math.floor(min / step) * step)
  const hi = Math.min(range[1], Math.ceil(max / step) * step)
  return hi > lo ? [lo, hi] : [range[0], range[1]]
}

/**
 * The scale for the values now on screen. Missing values (NaN) are skipped;
 * with none at all the indicator's range is used. With a target level the
 * ramp diverges around it: the target is its middle (amber), values on the
 * good side of it are green and those on the bad side red, so regions that all
 * meet their target read as good rather than as a spread from green to red.
 */
export function choroplethScale(values: ArrayLike<number>, better: Better, range: readonly [number, number], target: number | null = null): ChoroplethScale {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (Number.isNaN(v)) continue
    if (v < min) min = v
    if (v > max) max = v
  }
  const withTarget = target !== null && better !== 'neither' && target >= range[0] && target <= range[1]
  if (min <= max && withTarget) {
    // Centred on the target, so both halves of the ramp (and of the legend) mean what they show.
    const half = Math.max(target - min, max - target)
    min = target - half
    max = target + half
  }
  const domain: [number, number] = min <= max ? niceDomain(min, max, range) : [range[0], range[1]]
  const [lo, hi] = domain
  const mid = withTarget ? target : (lo + hi) / 2
  const below = mid - lo
  const above = hi - mid
  const lookup = LOOKUPS[better]
  const last = lookup.length - 1
  return {
    domain,
    mid,
    midIsTarget: withTarget,
    stops: better === 'lower' ? [...BAD_TO_GOOD].reverse() : better === 'higher' ? BAD_TO_GOOD : NEUTRAL_RAMP,
    color(value) {
      if (Number.isNaN(value)) return NO_DATA_RGBA
      // Piecewise linear: [lo, mid] onto the first half of the ramp, [mid, hi] onto the second.
      const t = value <= mid ? (below > 0 ? (0.5 * (value - lo)) / below : 0.5) : above > 0 ? 0.5 + (0.5 * (value - mid)) / above : 0.5
      return lookup[Math.max(0, Math.min(last, Math.round(t * last)))]!
    },
  }
}
