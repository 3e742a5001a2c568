import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer, ScatterplotLayer, SolidPolygonLayer, TextLayer } from '@deck.gl/layers'
import type { Station } from '../../../common/catalog-schema'
import type { Severity } from '../../../common/rule-schema'
import { hexToRgba, type Rgba } from './color-scale'
import { MAP_COLORS } from './map-style'
import type { ContextCollection, Position, RegionCollection, RegionFeature, RegionView } from './region-geo'

/**
 * The deck.gl layers under the boundary lines (map-style.ts), built from plain inputs. Data objects
 * come from memos that change only with the drill region; live values reach
 * the GPU through the accessors and their `updateTriggers` (a revision number
 * that moves when a value on screen changed), so a tick recomputes colours and
 * radii and nothing else.
 */

export const LAYER_IDS = {
  sea: 'sea',
  context: 'context-land',
  land: 'land',
  choropleth: 'choropleth',
  traffic: 'traffic-detectors',
  air: 'air-stations',
  pulse: 'alert-pulse',
  focus: 'alert-focus',
  labels: 'region-labels',
} as const

/** A region's name (and on the wall its value) where region-labels.ts found room for it. */
export interface MapLabel {
  code: string
  position: Position
  text: string
}

export interface LabelInputs {
  labels: MapLabel[]
  /** Moves when the placement moved (another region, camera or language), not for new values alone. */
  placement: string
  /** Moves with the text (values on the wall). */
  revision: string | number
  /** Text size in layout pixels. */
  size: number
  fontFamily: string
  /** Every character a label may hold (names from the catalog, digits): the glyphs drawn into the font atlas. */
  characterSet: string
}

/** One ring per open alert's region, coloured by its worst severity. */
export interface PulseTarget {
  code: string
  position: Position
  severity: Severity
  count: number
}

/** Live values arrive as per-index lookups plus the revision they belong to. */
export interface Column<T> {
  at(index: number): T
  /** Moves when any value moved (the accessor's updateTrigger). */
  revision: number | string
}

export interface MapLayerInputs {
  /** The province's land, under the choropleth. */
  land: RegionCollection
  /** The land around it, faint, over a sea (nothing: no sea, no neighbours). */
  context: ContextCollection
  view: RegionView
  fill: Column<Rgba>
  air: { stations: Station[]; color: Column<Rgba> } | null
  traffic: { stations: Station[]; radius: Column<number>; color: Column<Rgba> } | null
  pulses: PulseTarget[]
  /** Where an opened alert's station stands: ringed, so the eye finds it among the dots. */
  focus: Position | null
  labels: LabelInputs | null
}

const LAND = hexToRgba(MAP_COLORS.land, 255)
const SEA = hexToRgba(MAP_COLORS.sea, 255)
const CONTEXT_LAND = hexToRgba(MAP_COLORS.contextLand, 255)
/** Label text and the halo that keeps it legible over any band's colour (HJ 633's yellow as well as its maroon). */
const LABEL_COLOR: Rgba = [255, 255, 255, 255]
const LABEL_HALO: Rgba = [6, 11, 22, 235]
/**
 * Signed-distance glyphs, so the halo is drawn by the shader at any size; the
 * atlas is drawn once per character set (names of the catalog's regions).
 */
const LABEL_FONT_SETTINGS = { sdf: true, fontSize: 64, buffer: 10, radius: 16, cutoff: 0.25 } as const
/** Halo width in atlas pixels (of LABEL_FONT_SETTINGS.fontSize): about a tenth of the text's size. */
const LABEL_HALO_WIDTH = 6
/** How far the sea reaches beyond the context's land, in degrees: past any view the map gives of the province. */
const SEA_MARGIN_DEGREES = 30

const SEVERITY_RGB: Record<Severity, [number, number, number]> = {
  critical: [255, 77, 79],
  warning: [245, 185, 59],
  info: [63, 167, 255],
}

/** Ring radius in pixels at the start and end of one pulse. */
const PULSE_RADIUS = { from: 10, to: 46 } as const

/**
 * `phase` in [0, 1) is the animation's position: two rings half a period
 * apart grow and fade, so a region with an alert is never without a ring.
 */
export function buildLayers(inputs: MapLayerInputs, phase: number): Layer[] {
  const { land, context, view, fill, air, traffic, pulses } = inputs
  const layers: Layer[] = []
  if (context.features.length > 0) {
    layers.push(
      new SolidPolygonLayer<Position[]>({ id: LAYER_IDS.sea, data: [seaOf(context)], getPolygon: (p) => p, getFillColor: SEA }),
      new GeoJsonLayer({ id: LAYER_IDS.context, data: context as never, filled: true, stroked: false, getFillColor: CONTEXT_LAND }),
    )
  }
  layers.push(
    new GeoJsonLayer<RegionFeature['properties']>({
      id: LAYER_IDS.land,
      data: land as never,
      filled: true,
      stroked: false,
      getFillColor: LAND,
    }),
    // Fills only: the borders are maplibre's lines, drawn over them.
    new GeoJsonLayer<RegionFeature['properties']>({
      id: LAYER_IDS.choropleth,
      data: view.shown as never,
      filled: true,
      stroked: false,
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 255, 255, 70],
      getFillColor: (_f: unknown, { index }: { index: number }) => fill.at(index),
      updateTriggers: { getFillColor: fill.revision },
    }),
  )
  if (traffic) {
    layers.push(
      new ScatterplotLayer<Station>({
        id: LAYER_IDS.traffic,
        data: traffic.stations,
        pickable: true,
        radiusUnits: 'pixels',
        stroked: false,
        getPosition: (s) => s.location,
        getRadius: (_s, { index }) => traffic.radius.at(index),
        getFillColor: (_s, { index }) => traffic.color.at(index),
        updateTriggers: { getRadius: traffic.radius.revision, getFillColor: traffic.color.revision },
      }),
    )
  }
  if (air) {
    layers.push(
      new ScatterplotLayer<Station>({
        id: LAYER_IDS.air,
        data: air.stations,
        pickable: true,
        radiusUnits: 'pixels',
        getRadius: 7,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5,
        getLineColor: [6, 11, 22, 255],
        getPosition: (s) => s.location,
        getFillColor: (_s, { index }) => air.color.at(index),
        updateTriggers: { getFillColor: air.color.revision },
      }),
    )
  }
  if (pulses.length > 0) {
    for (const [k, offset] of [0, 0.5].entries()) {
      const t = (phase + offset) % 1
      layers.push(
        new ScatterplotLayer<PulseTarget>({
          id: `${LAYER_IDS.pulse}-${k}`,
          data: pulses,
          radiusUnits: 'pixels',
          // The animation moves two uniforms (scale and opacity): no attribute is touched per frame.
          radiusScale: PULSE_RADIUS.from + (PULSE_RADIUS.to - PULSE_RADIUS.from) * t,
          opacity: 0.9 * (1 - t),
          getRadius: 1,
          filled: true,
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 3,
          getPosition: (p) => p.position,
          getFillColor: (p) => [...SEVERITY_RGB[p.severity], 50],
          getLineColor: (p) => [...SEVERITY_RGB[p.severity], 255],
        }),
      )
    }
  }
  if (inputs.labels && inputs.labels.labels.length > 0) {
    const l = inputs.labels
    layers.push(
      new TextLayer<MapLabel>({
        id: LAYER_IDS.labels,
        data: l.labels,
        characterSet: l.characterSet,
        fontFamily: l.fontFamily,
        fontWeight: 600,
        fontSettings: LABEL_FONT_SETTINGS,
        outlineWidth: LABEL_HALO_WIDTH,
        outlineColor: LABEL_HALO,
        lineHeight: 1.1,
        sizeUnits: 'pixels',
        getSize: l.size,
        getPosition: (d) => d.position,
        getText: (d) => d.text,
        getColor: LABEL_COLOR,
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        updateTriggers: { getText: l.revision, getSize: l.size },
      }),
    )
  }
  if (inputs.focus) {
    layers.push(
      new ScatterplotLayer<Position>({
        id: LAYER_IDS.focus,
        data: [inputs.focus],
        radiusUnits: 'pixels',
        getRadius: FOCUS_RADIUS,
        filled: false,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 4,
        getPosition: (p) => p,
        getLineColor: [255, 255, 255, 255],
      }),
    )
  }
  return layers
}

/** The focus ring's radius in pixels: around a station's dot (7 px) with room to spare, inside the pulse's sweep. */
const FOCUS_RADIUS = 18

/** A rectangle of sea around the context's land. */
function seaOf(context: ContextCollection): Position[] {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const f of context.features) {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
    for (const rings of polygons)
      for (const [x, y] of rings[0] ?? []) {
        w = Math.min(w, x)
        e = Math.max(e, x)
        s = Math.min(s, y)
        n = Math.max(n, y)
      }
  }
  const m = SEA_MARGIN_DEGREES
  ;[w, s, e, n] = [Math.max(-180, w - m), Math.max(-80, s - m), Math.min(180, e + m), Math.min(80, n + m)]
  return [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ]
}

/** Whether two inputs differ only in live values (the same region, stations, alert pulses and label placement). */
export function onlyValuesChanged(a: MapLayerInputs, b: MapLayerInputs): boolean {
  return (
    a.view === b.view &&
    a.land === b.land &&
    a.context === b.context &&
    a.labels?.placement === b.labels?.placement &&
    a.pulses === b.pulses &&
    a.focus === b.focus &&
    (a.air === null) === (b.air === null) &&
    a.air?.stations === b.air?.stations &&
    (a.traffic === null) === (b.traffic === null) &&
    a.traffic?.stations === b.traffic?.stations
  )
}
