/**
 * `window.__regionMap`: what browser tests (and the lead's wall tests) read to
 * find their way around the map without guessing pixels. Set by the mounted
 * RegionMap; `ready` turns true once the shown region's boundaries are loaded
 * and drawn (maplibre's `idle` after the data), and false again while a new
 * region loads.
 */

export interface RegionMapTestHook {
  ready: boolean
  /** The region shown (the drill level). */
  region: string
  /** Viewport pixel (clientX, clientY) of a point inside a region (its centroid when that lies inside), or null when unknown. */
  project(code: string): [number, number] | null
  /** The shown child regions' codes (empty when the region is a leaf). */
  regions(): string[]
  /** Codes of the shown regions with an alert pulse. */
  pulsing(): string[]
  /** The choropleth colour [r, g, b, a] the map gives a shown region now, or null when it is not shown. */
  fill(code: string): [number, number, number, number] | null
  /** The live value the map colours a region by now (the store's), or null when it has none. */
  value(code: string): number | null
  /** The camera's centre, [longitude, latitude]. */
  center(): [number, number]
  /** The station the map is centred on and rings (an opened alert's), or null. */
  focus(): string | null
  /** The region labels drawn (those that fit), each centred at a viewport pixel, with its text size in the map's layout pixels. */
  labels(): Array<{ code: string; text: string; x: number; y: number; size: number }>
  /** Viewport pixel of a point [longitude, latitude]. */
  at(lngLat: [number, number]): [number, number]
  /** Codes of the shown regions without a value (drawn in the no-data style). */
  noData(): string[]
  /** Codes of the context land drawn around the province (neighbouring provinces); empty without context. */
  context(): string[]
  /** The shown region's bounding box as drawn, in viewport pixels, or null when it has no boundary. */
  frame(): { left: number; top: number; right: number; bottom: number } | null
}

declare global {
  interface Window {
    __regionMap?: RegionMapTestHook
  }
}

/** Installs the hook; returns the uninstaller (which leaves a newer hook alone). */
export function installTestHook(hook: RegionMapTestHook): () => void {
  window.__regionMap = hook
  return () => {
    if (window.__regionMap === hook) delete window.__regionMap
  }
}
