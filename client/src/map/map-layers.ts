import type { Layer } from '@deck.gl/core'
import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers'
import type { Station } from '../../../common/catalog-schema'
import type { Severity } from '../../../common/rule-schema'
import { hexToRgba, type Rgba } from './color-scale'
import { MAP_COLORS } from './map-style'
import type { Position, RegionCollection, RegionFeature, RegionView } from './region-geo'

/**
 * The deck.gl layers under the boundary lines (map-style.ts), built from plain inputs. Data objects
 * come from memos that change only with the drill region; live values reach
 * the GPU through the accessors and their `updateTriggers` (a revision number
 * that moves when a value on screen changed), so a tick recomputes colours and
 * radii and nothing else.
 */

export const LAYER_IDS = {
  land: 'land',
  choropleth: 'choropleth',
  traffic: 'traffic-detectors',
  air: 'air-stations',
  pulse: 'alert-pulse',
  focus: 'alert-focus',
} as const

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
  /** The province's land, under everything. */
  land: RegionCollection
  view: RegionView
  fill: Column<Rgba>
  air: { stations: Station[]; color: Column<Rgba> } | null
  traffic: { stations: Station[]; radius: Column<number>; color: Column<Rgba> } | null
  pulses: PulseTarget[]
  /** Where an opened alert's station stands: ringed, so the eye finds it among the dots. */
  focus: Position | null
}

const LAND = hexToRgba(MAP_COLORS.land, 255)

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
  const { land, view, fill, air, traffic, pulses } = inputs
  const layers: Layer[] = [
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
  ]
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

/** Whether two inputs differ only in live values (the same region, stations and alert pulses). */
export function onlyValuesChanged(a: MapLayerInputs, b: MapLayerInputs): boolean {
  return (
    a.view === b.view &&
    a.land === b.land &&
    a.pulses === b.pulses &&
    a.focus === b.focus &&
    (a.air === null) === (b.air === null) &&
    a.air?.stations === b.air?.stations &&
    (a.traffic === null) === (b.traffic === null) &&
    a.traffic?.stations === b.traffic?.stations
  )
}
