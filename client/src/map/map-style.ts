import type { GeoJSONSourceSpecification, StyleSpecification } from 'maplibre-gl'

/**
 * The base map: a local maplibre style with no tile server, no glyphs and no
 * sprite (so nothing is fetched and nothing can go missing). The land and the
 * boundaries are GeoJSON sources filled in from /api/geo once loaded. They are
 * the context around and under the deck.gl choropleth, which draws the borders
 * of the regions it colours itself.
 */

export const SOURCES = { province: 'province', cities: 'cities', counties: 'counties' } as const
export type SourceId = keyof typeof SOURCES

/** Colours of theme.css (--bg, --panel, --panel-edge, --accent, --text). */
export const MAP_COLORS = {
  background: '#060b16',
  land: '#0d1628',
  county: '#33486e',
  city: '#5d76a3',
  province: '#3fa7ff',
  /** The shown region's outline (deck.gl, over the choropleth). */
  focus: '#e6edf7',
} as const

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
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': MAP_COLORS.background } },
      { id: 'land', type: 'fill', source: SOURCES.province, paint: { 'fill-color': MAP_COLORS.land } },
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
    ],
  }
}
