import type { FillBand, Indicator, LocalizedText, RegionLevel } from '../../../common/catalog-schema'
import { hexToRgba, type Rgba } from './color-scale'

/**
 * The choropleth's colours, fixed by the catalog (the indicator's `scale`,
 * common/catalog-schema.ts) rather than by the values on screen: a colour
 * means the same value on every screen, at every moment and in every region.
 *
 * In order of preference:
 * 1. the catalog's bands (HJ 633's AQI bands for AQI), those of the shown
 *    regions' level when it gives them (`byLevel`, for sums);
 * 2. bands around a level target, `step` wide (the catalog's, or a tenth of
 *    the target): well beyond / on target / short / far short, in the
 *    direction the indicator is better;
 * 3. for an indicator with neither, bands spread evenly over its range.
 * A band wholly outside the indicator's range is dropped (a rate with a 99 %
 * target cannot be 10 points beyond it).
 */

/** What a band derived from a target says, for the legend's words (map-legend.tsx). */
export type TargetBandMeaning = 'wellBeyond' | 'onTarget' | 'short' | 'farShort'

export interface ScaleBand {
  /** Lower and upper bound; null where the band is open. */
  lo: number | null
  hi: number | null
  /** Whether `hi` belongs to this band (catalog bands: HJ 633's 0–50 holds 50) or to the next (a target met holds the target). */
  hiInclusive: boolean
  color: string
  rgba: Rgba
  name?: LocalizedText
  meaning?: TargetBandMeaning
}

export interface FillScaleView {
  /** Where the bands come from. */
  kind: 'bands' | 'target' | 'range'
  /** From the lowest values up. */
  bands: readonly ScaleBand[]
  /** The level target the bands are around (kind `target`). */
  target: number | null
  /** Index of the band a value falls in; -1 for no value (NaN). */
  bandOf(value: number): number
  /** The band's colour, or NO_DATA for no value. */
  color(value: number): Rgba
}

/** Grey for "no value": flat and unsaturated, unlike any band (the map also hatches such regions). */
export const NO_DATA_COLOR = '#39404d'
export const NO_DATA_RGBA = hexToRgba(NO_DATA_COLOR)

/**
 * Target bands, good → bad, in the theme's green / light green / amber / red
 * (theme.css --good, --warn, --bad).
 */
const TARGET_BAND_COLORS: Record<TargetBandMeaning, string> = {
  wellBeyond: '#2ecc71',
  onTarget: '#a5d64c',
  short: '#f5b93b',
  farShort: '#ff4d4f',
}
/** Without a catalog step: a tenth of the target (a 90 % rate is far short below 81 %). */
const DEFAULT_TARGET_STEP_SHARE = 0.1

/** Low → high, for bands spread over a range (counts, volumes: neither good nor bad). */
const RANGE_RAMP = ['#173a63', '#1f5f99', '#2f86d0', '#5fb4ff', '#b5dcff'] as const
const RANGE_RAMP_GOOD_HIGH = ['#ff4d4f', '#f5b93b', '#e3d44a', '#a5d64c', '#2ecc71'] as const

/** The fill scale of `indicator` for regions of `level` (the level of the regions shown). */
export function fillScaleFor(indicator: Indicator, level: RegionLevel | null = null): FillScaleView {
  const scale = indicator.scale
  if (scale?.kind === 'bands') return fromCatalogBands((level && scale.byLevel?.[level]) || scale.bands)
  const target = indicator.target?.kind === 'level' && indicator.better !== 'neither' ? indicator.target.value : null
  if (target !== null) {
    const step = scale?.kind === 'target' ? scale.step : Math.abs(target) * DEFAULT_TARGET_STEP_SHARE || (indicator.range[1] - indicator.range[0]) * DEFAULT_TARGET_STEP_SHARE
    return targetBands(target, step, indicator.better === 'higher', indicator.range)
  }
  return rangeBands(indicator)
}

/** As the catalog says, unclipped: a sum's bands may lie above the range of one point (the catalog checks the rest). */
function fromCatalogBands(bands: readonly FillBand[]): FillScaleView {
  let lo: number | null = null
  const out: ScaleBand[] = bands.map((b) => {
    const band: ScaleBand = { lo, hi: b.upTo, hiInclusive: true, color: b.color, rgba: hexToRgba(b.color), name: b.name }
    lo = b.upTo
    return band
  })
  return view('bands', out, null)
}

/** Well beyond / on target / short / far short, low values first. */
function targetBands(target: number, step: number, higherIsBetter: boolean, range: readonly [number, number]): FillScaleView {
  const meanings: TargetBandMeaning[] = higherIsBetter ? ['farShort', 'short', 'onTarget', 'wellBeyond'] : ['wellBeyond', 'onTarget', 'short', 'farShort']
  const edges = [target - step, target, target + step]
  const bands = meanings.map(
    (meaning, i): ScaleBand => ({
      lo: i === 0 ? null : edges[i - 1]!,
      hi: i === meanings.length - 1 ? null : edges[i]!,
      // Meeting the target counts: at or above it where higher is better, at or below where lower is.
      hiInclusive: !higherIsBetter,
      color: TARGET_BAND_COLORS[meaning],
      rgba: hexToRgba(TARGET_BAND_COLORS[meaning]),
      meaning,
    }),
  )
  return view('target', clip(bands, range), target)
}

/** Five equal bands over the indicator's range: fixed, if coarse; the catalog should say better. */
function rangeBands(indicator: Indicator): FillScaleView {
  const [a, b] = indicator.range
  const colors = indicator.better === 'neither' ? RANGE_RAMP : indicator.better === 'higher' ? RANGE_RAMP_GOOD_HIGH : [...RANGE_RAMP_GOOD_HIGH].reverse()
  const bands = colors.map((color, i): ScaleBand => {
    const lo = i === 0 ? null : a + ((b - a) * i) / colors.length
    const hi = i === colors.length - 1 ? null : a + ((b - a) * (i + 1)) / colors.length
    return { lo, hi, hiInclusive: true, color, rgba: hexToRgba(color) }
  })
  return view('range', bands, null)
}

/** Drops bands no value in `range` can fall in (they only ever lie at the ends). */
export function clip(bands: readonly ScaleBand[], [min, max]: readonly [number, number]): ScaleBand[] {
  const kept = bands.filter((b) => {
    const aboveMax = b.lo !== null && (b.hiInclusive ? b.lo >= max : b.lo > max)
    const belowMin = b.hi !== null && (b.hiInclusive ? b.hi < min : b.hi <= min)
    return !aboveMax && !belowMin
  })
  // The ends are open: a value outside the range (rejected at ingest, but a scale never fails) still has a band.
  if (kept.length > 0) {
    kept[0] = { ...kept[0]!, lo: null }
    kept[kept.length - 1] = { ...kept[kept.length - 1]!, hi: null }
  }
  return kept
}

function view(kind: FillScaleView['kind'], bands: readonly ScaleBand[], target: number | null): FillScaleView {
  const last = bands.length - 1
  const bandOf = (value: number): number => {
    if (Number.isNaN(value)) return -1
    for (let i = 0; i < last; i++) {
      const hi = bands[i]!.hi!
      if (bands[i]!.hiInclusive ? value <= hi : value < hi) return i
    }
    return last
  }
  return {
    kind,
    bands,
    target,
    bandOf,
    color: (value) => {
      const i = bandOf(value)
      return i < 0 ? NO_DATA_RGBA : bands[i]!.rgba
    },
  }
}

/** A band's limits as the legend says them, at the indicator's precision: "0–50", "51–100", "> 300", "≥ 98", "< 85". */
export type BandLimits = { kind: 'between'; from: number; to: number } | { kind: 'below'; to: number } | { kind: 'above'; from: number; inclusive: boolean }

/**
 * Shown values are rounded to `precision` decimals, so a bound the band does
 * not hold is moved one shown step inwards: HJ 633's (50, 100] reads 51–100.
 */
export function bandLimits(band: ScaleBand, range: readonly [number, number], precision: number): BandLimits {
  const unit = 10 ** -precision
  const round = (v: number) => Number(v.toFixed(precision))
  if (band.hi === null) return { kind: 'above', from: band.lo ?? range[0], inclusive: !band.hiInclusive }
  if (band.lo === null) return band.hiInclusive ? { kind: 'between', from: range[0], to: band.hi } : { kind: 'below', to: band.hi }
  return band.hiInclusive ? { kind: 'between', from: round(band.lo + unit), to: band.hi } : { kind: 'between', from: band.lo, to: round(band.hi - unit) }
}
