import type { GeoJSONSourceSpecification, StyleSpecification } from 'maplibre-gl'

/**
 * The boundary lines: a local maplibre style with no tile server, no glyphs
 * and no sprite (so nothing is fetched and nothing can go missing), from
 * GeoJSON sources filled in from /api/geo once loaded. maplibre's canvas lies
 * over deck.gl's (region-map.css) and is transparent but for the lines, so the
 * borders and the shown region's outline are drawn over the choropleth by
 * maplibre, which redraws them only when the camera moves (or a region's value
 * comes or goes: the dashed outline of no data). deck.gl draws the sea, the
 * land and everything live. (Drawn by deck.gl, the borders were most of the
 * cost of each live frame: ~400 ms of a CPU renderer's time per tick.)
 */

export const SOURCES = { province: 'province', cities: 'cities', counties: 'counties', focus: 'focus', noData: 'no-data', context: 'context' } as const
export type SourceId = keyof typeof SOURCES

/** Colours of theme.css (--bg, --panel, --panel-edge, --accent, --text). */
export const MAP_COLORS = {
  background: '#060b16',
  /** Open water around the province, where the catalog ships context: a blue darker than any land. */
  sea: '#0a2238',
  /** Neighbouring provinces: grey, faint, never mistaken for a coloured region. */
  contextLand: '#1a2230',
  contextLine: '#34425a',
  /** The province's own land outside the region shown (under the fills elsewhere): a grey a step above the neighbours'. */
  land: '#252f40',
  county: '#33486e',
  city: '#5d76a3',
  province: '#3fa7ff',
  /** The shown region's outline. */
  focus: '#e6edf7',
  /** The dashed outline of a region without a value (its fill: fill-scale.ts NO_DATA_COLOR). */
  noData: '#aab4c5',
} as const

/** Dash and gap of a no-data region's outline, in line widths. */
export const NO_DATA_DASH = [2, 2] as const

/** Boundary lines only: a small tile buffer suffices, and no one zooms past street level on a region map. */
const empty = (): GeoJSONSourceSpecification => ({ type: 'geojson', data: { type: 'FeatureCollection', features: [] }, buffer: 32, maxzoom: 12 })

export function createMapStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'onescreen-dark',
    sources: {
      [SOURCES.province]: empty(),
      [SOURCES.cities]: empty(),
      [SOURCES.counties]: empty(),
      [SOURCES.focus]: empty(),
      [SOURCES.noData]: empty(),
      [SOURCES.context]: empty(),
    },
    // No background and no fill: the page's background and deck.gl's land show through.
    layers: [
      {
        id: 'context-line',
        type: 'line',
        source: SOURCES.context,
        paint: { 'line-color': MAP_COLORS.contextLine, 'line-width': 1 },
      },
      {
        id: 'county-line',
        type: 'line',
        source: SOURCES.counties,
        paint: { 'line-color': MAP_COLORS.county, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.5, 10, 1.2] },
      },
      {
        id: 'city-line',
        type: 'line',
        source: SOURCES.cities,
        paint: { 'line-color': MAP_COLORS.city, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 1, 10, 2] },
      },
      {
        id: 'province-line',
        type: 'line',
        source: SOURCES.province,
        paint: { 'line-color': MAP_COLORS.province, 'line-width': 2, 'line-opacity': 0.9 },
      },
      {
        id: 'no-data-line',
        type: 'line',
        source: SOURCES.noData,
        paint: { 'line-color': MAP_COLORS.noData, 'line-width': 1.5, 'line-dasharray': [...NO_DATA_DASH] },
      },
      {
        id: 'focus-line',
        type: 'line',
        source: SOURCES.focus,
        paint: { 'line-color': MAP_COLORS.focus, 'line-width': 2.5, 'line-opacity': 0.86 },
      },
    ],
  }
}
