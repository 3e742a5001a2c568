/**
 * Colours as deck.gl takes them (RGBA bytes), from the CSS hex the catalog and
 * the theme give. The choropleth's scale is in fill-scale.ts.
 */

export type Rgba = [number, number, number, number]

export function hexToRgba(hex: string, alpha = 255): Rgba {
  const n = Number.parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha]
}

/** A ramp through evenly spaced stops, as a lookup table (a tick recolours hundreds of stations). */
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
