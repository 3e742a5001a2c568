import 'maplibre-gl/dist/maplibre-gl.css'
import './region-map.css'
import { useEffect, useMemo, useRef, useState, type JSX } from 'react'
import type { Alert } from '../../../common/alert-state'
import type { CatalogIndex } from '../../../common/catalog-index'
import type { Station } from '../../../common/catalog-schema'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { useAlerts, useLive, useLiveVersion } from '../live/live'
import { choroplethScale, type Rgba } from './color-scale'
import { MapController, type PickEvent } from './map-controller'
import { LAYER_IDS, type PulseTarget } from './map-layers'
import { isOnMap, pulseTargets } from './pulse-targets'
import { MapLegend } from './map-legend'
import { MapTooltip, type HoverTarget, type TooltipHandle } from './map-tooltip'
import { loadRegionGeo, type RegionGeo, type RegionView } from './region-geo'
import { installTestHook } from './region-map-test-hook'
import { aqiColor, flowRadius, speedColor, STATION_INDICATORS } from './station-style'
import { readColumn } from './value-column'

/**
 * The map of the wall, the analyst view and the duty console: the children of
 * the shown region coloured by one indicator's live value, air stations in
 * their AQI colours, traffic detectors sized by flow and coloured by speed,
 * and a pulse on every region with an open alert. deck.gl draws the land and
 * the data; maplibre the boundary lines over them, from the bundled
 * boundaries (no tiles, no fonts).
 *
 * It fills its parent box. Text size follows the map (see region-map.css);
 * set `--map-font` on an ancestor to choose it.
 */

export type MapOverlay = 'air' | 'traffic' | 'alerts'

export interface RegionMapProps {
  /** The region being shown (drill level): its children are drawn and coloured. */
  region: string
  /** The indicator of the choropleth (its value per child region, from the live store). */
  indicator: string
  /** Called with a child region's code when the user clicks it (drill down). Not called for leaves' children (there are none). */
  onSelect(region: string): void
  /** What is drawn over the choropleth. @default all of them */
  overlays?: readonly MapOverlay[]
  /** How often a CPU renderer redraws for live values alone. @default SOFTWARE_LIVE_REFRESH_MS */
  softwareRefreshMs?: number
  /** A legend of the choropleth and the alerts only (the wall, where the map shares the screen). */
  compactLegend?: boolean
  /**
   * The alerts to pulse and to count in the legend, for a page that lists
   * alerts beside the map from the same list (the wall's ticker), so the two
   * agree. Only open, unsilenced ones within the region count. @default the live store's
   */
  alerts?: readonly Alert[]
  /** A station to centre on and ring (an alert's, opened on the wall), once the shown region holds it. */
  focusStation?: string | null
}

const ALL_OVERLAYS: readonly MapOverlay[] = ['air', 'traffic', 'alerts']

export function RegionMap({ region, indicator, onSelect, overlays = ALL_OVERLAYS, softwareRefreshMs, compactLegend = false, alerts: givenAlerts, focusStation = null }: RegionMapProps): JSX.Element {
  const catalog = useCatalog()
  const { t } = useI18n()
  const { store } = useLive()
  const version = useLiveVersion()
  const storeAlerts = useAlerts()
  const alerts = givenAlerts ?? storeAlerts
  const boxRef = useRef<HTMLDivElement>(null)
  const canvasRef = useRef<HTMLDivElement>(null)
  const tooltipRef = useRef<TooltipHandle>(null)
  const [controller, setController] = useState<MapController | null>(null)
  const [styleLoaded, setStyleLoaded] = useState(false)
  const [geo, setGeo] = useState<RegionGeo | null>(null)
  const [error, setError] = useState<string | null>(null)
  // A wall that starts before its server (or loses it) keeps trying, as the catalog does.
  const [attempt, setAttempt] = useState(0)
  const failed = (err: unknown) => {
    setError((err as Error).message ?? String(err))
    setTimeout(() => setAttempt((a) => a + 1), Math.min(30_000, 1000 * 2 ** attempt))
  }
  /** The region whose view is fully drawn (null while one loads). */
  const [readyRegion, setReadyRegion] = useState<string | null>(null)

  const ind = catalog.indicator(indicator)
  // The view shown: the previous region's stays up until the next one's boundaries are in.
  const [view, setView] = useState<RegionView | null>(null)
  useEffect(() => {
    if (!geo) return
    let cancelled = false
    geo.prepare(region).then(
      (v) => {
        if (cancelled) return
        setView(v)
        setError(null)
      },
      (err: unknown) => !cancelled && failed(err),
    )
    return () => {
      cancelled = true
    }
  }, [geo, region, attempt]) // eslint-disable-line react-hooks/exhaustive-deps
  const showAir = overlays.includes('air')
  const showTraffic = overlays.includes('traffic')
  // Stations switch with the view, not before it: everything on screen belongs to one region.
  const shownRegion = view?.region ?? region
  const airStations = useMemo(() => (showAir ? stationsWithin(catalog, 'air', shownRegion) : []), [catalog, shownRegion, showAir])
  const detectors = useMemo(() => (showTraffic ? stationsWithin(catalog, 'traffic', shownRegion) : []), [catalog, shownRegion, showTraffic])

  // Live values, read again when the store's version moves (a tick). A read is
  // pure (a new column), and each column's revision names its content: it is
  // the layer's updateTrigger, so a tick that changes nothing shown costs
  // deck.gl nothing.
  const features = view?.shown.features
  const fill = useMemo(
    () => readColumn(features?.length ?? 0, (i) => store.get(indicator, features![i]!.properties.code)?.value),
    // The store's values change in place; its version is what says they did.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, features, indicator, store],
  )
  const stationColumns = useMemo(
    () => ({
      aqi: readColumn(airStations.length, (i) => stationValue(store, STATION_INDICATORS.aqi, airStations[i]!)),
      speed: readColumn(detectors.length, (i) => stationValue(store, STATION_INDICATORS.speed, detectors[i]!)),
      flow: readColumn(detectors.length, (i) => stationValue(store, STATION_INDICATORS.flow, detectors[i]!)),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, airStations, detectors, store],
  )
  const columns = { fill, ...stationColumns }
  const fillRevision = `${indicator}:${fill.revision}`
  const scale = useMemo(
    () => choroplethScale(fill.values, ind?.better ?? 'neither', ind?.range ?? [0, 1], ind?.target?.kind === 'level' ? ind.target.value : null),
    [fill, ind],
  )

  // The station asked for, only once its region's view is the one shown (not the previous region's on the way there).
  const focus = useMemo(() => {
    const station = focusStation ? catalog.station(focusStation) : undefined
    return station && view && view.region === region && catalog.tree.isWithin(station.region, region) ? station : null
  }, [focusStation, catalog, view, region])
  const focusAt = focus?.location ?? null

  const pulses = useMemo(
    () => (geo && view && overlays.includes('alerts') ? pulseTargets(alerts, view, catalog.tree, (code) => geo.anchor(code)) : []),
    [alerts, view, geo, catalog, overlays],
  )

  // The map lives as long as the component (the refresh interval is fixed at its birth).
  useEffect(() => {
    const el = canvasRef.current!
    const c = new MapController(
      el,
      {
        onHover: (pick) => handlers.current.hover(pick),
        onClick: (pick) => handlers.current.click(pick),
      },
      softwareRefreshMs,
    )
    c.map.once('load', () => setStyleLoaded(true))
    setController(c)
    return () => {
      c.destroy()
      setController(null)
      setStyleLoaded(false)
    }
  }, []) // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    let cancelled = false
    loadRegionGeo(catalog.tree).then(
      (g) => {
        if (cancelled) return
        setGeo(g)
        setError(null)
      },
      (err: unknown) => !cancelled && failed(err),
    )
    return () => {
      cancelled = true
    }
  }, [catalog, attempt]) // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!controller || !styleLoaded || !geo) return
    controller.setSource('province', geo.land)
    controller.setSource('cities', geo.cities)
  }, [controller, styleLoaded, geo])

  // Layers follow every change of their inputs; deck.gl diffs them.
  useEffect(() => {
    if (!controller || !styleLoaded || !view || !geo) return
    controller.setInputs({
      land: geo.land,
      view,
      fill: { revision: fillRevision, at: (i) => scale.color(columns.fill.at(i)) },
      air: showAir ? { stations: airStations, color: { revision: columns.aqi.revision, at: (i) => aqiColor(columns.aqi.at(i)) } } : null,
      traffic: showTraffic
        ? {
            stations: detectors,
            radius: { revision: columns.flow.revision, at: (i) => flowRadius(columns.flow.at(i)) },
            color: { revision: columns.speed.revision, at: (i) => speedColor(columns.speed.at(i)) },
          }
        : null,
      pulses,
      focus: focusAt,
    })
  })

  // A new region: outline it.
  useEffect(() => {
    if (!controller || !styleLoaded || !view) return
    controller.setSource('counties', view.counties)
    controller.setSource('focus', view.outline)
  }, [controller, styleLoaded, view])

  // A new region or focus: fit the camera (centred on the focus, if any), and be ready once drawn.
  const fitted = useRef(false)
  useEffect(() => {
    if (!controller || !styleLoaded || !view) return
    setReadyRegion(null)
    controller.setAnimating(false)
    tooltipRef.current?.show(null)
    const legend = () => {
      const el = boxRef.current?.querySelector<HTMLElement>('.region-map__legend')
      return { width: el?.offsetWidth ?? 0, height: el?.offsetHeight ?? 0 }
    }
    if (view.bounds) controller.fit(view.bounds, fitted.current, legend(), focusAt)
    fitted.current = true
    controller.whenIdle(() => {
      setReadyRegion(view.region)
      controller.setAnimating(true)
    })
    // Keep the region framed when the box changes size (a panel resized, the window).
    const refit = () => view.bounds && controller.fit(view.bounds, false, legend(), focusAt)
    controller.map.on('resize', refit)
    return () => {
      controller.map.off('resize', refit)
    }
  }, [controller, styleLoaded, view, focusAt])

  // Pointer handlers read the latest render's values without re-subscribing deck.gl.
  const handlers = useRef({ hover: (_p: PickEvent | null) => {}, click: (_p: PickEvent) => {} })
  const onSelectRef = useRef(onSelect)
  onSelectRef.current = onSelect
  handlers.current = {
    hover: (pick) => {
      const target = pick && view ? hoverTarget(pick, view, airStations, detectors, pulses) : null
      const el = boxRef.current
      tooltipRef.current?.show(target, pick && el ? { x: pick.x, y: pick.y, width: el.clientWidth, height: el.clientHeight } : undefined)
      controller?.setCursor(pick && view && view.children.length > 0 ? 'pointer' : '')
    },
    click: (pick) => {
      if (!view || view.children.length === 0) return
      const code = clickedChild(pick, view, airStations, detectors, catalog)
      if (code) onSelectRef.current(code)
    },
  }

  // The browser tests' view of the map.
  const fillOf = (code: string): Rgba | null => {
    const i = view?.indexOf.get(code)
    return i === undefined ? null : scale.color(columns.fill.at(i))
  }
  const hookState = useRef({ fillOf, pulses, focus })
  hookState.current = { fillOf, pulses, focus }
  useEffect(() => {
    if (!controller || !geo || !view) return
    return installTestHook({
      // Not ready while the asked-for region's view is still being prepared.
      ready: readyRegion === region && view.region === region,
      region,
      project: (code) => {
        const anchor = geo.anchor(code)
        return anchor ? controller.clientPoint(anchor) : null
      },
      regions: () => [...view.children],
      pulsing: () => hookState.current.pulses.map((p) => p.code),
      fill: (code) => hookState.current.fillOf(code),
      // Read when asked, from the same store the fills are drawn from.
      value: (code) => store.get(indicator, code)?.value ?? null,
      center: () => controller.center(),
      focus: () => hookState.current.focus?.code ?? null,
    })
  }, [controller, geo, view, readyRegion, region, store, indicator])

  // Counted from the alerts, not from the rings: the same number a list of them beside the map shows.
  const openAlerts = useMemo(() => alerts.filter((a) => isOnMap(a) && catalog.tree.isWithin(a.region, region)).length, [alerts, catalog, region])
  return (
    <div className="region-map" data-testid="region-map" data-ready={readyRegion === region && view?.region === region ? 'true' : 'false'} ref={boxRef}>
      <div className="region-map__canvas" ref={canvasRef} />
      {ind && <MapLegend indicator={ind} scale={scale} air={showAir} traffic={showTraffic} openAlerts={openAlerts} compact={compactLegend} />}
      <MapTooltip ref={tooltipRef} indicator={ind} />
      {error && <div className="region-map__status">{t('error.load', { message: error })}</div>}
      {!error && !geo && <div className="region-map__status">{t('data.loading')}</div>}
    </div>
  )
}

function stationsWithin(catalog: CatalogIndex, kind: Station['kind'], region: string): Station[] {
  return catalog.stationsOfKind(kind).filter((s) => catalog.tree.isWithin(s.region, region))
}

function stationValue(store: ReturnType<typeof useLive>['store'], indicator: string, s: Station): number | undefined {
  return store.get(indicator, s.region, s.code)?.value
}

/** The shown child a click lands in: the region clicked, or the one holding the station clicked (dots sit on top of regions). */
function clickedChild(pick: PickEvent, view: RegionView, air: Station[], traffic: Station[], catalog: CatalogIndex): string | undefined {
  if (pick.layerId === LAYER_IDS.choropleth) return view.shown.features[pick.index]?.properties.code
  const station = pick.layerId === LAYER_IDS.air ? air[pick.index] : pick.layerId === LAYER_IDS.traffic ? traffic[pick.index] : undefined
  if (!station) return undefined
  const children = new Set(view.children)
  return catalog.tree.lineage(station.region).find((r) => children.has(r.code))?.code
}

function hoverTarget(pick: PickEvent, view: RegionView, air: Station[], traffic: Station[], pulses: PulseTarget[]): HoverTarget | null {
  if (pick.layerId === LAYER_IDS.choropleth) {
    const code = view.shown.features[pick.index]?.properties.code
    return code ? { kind: 'region', code, alerts: pulses.find((p) => p.code === code)?.count ?? 0 } : null
  }
  const station = pick.layerId === LAYER_IDS.air ? air[pick.index] : pick.layerId === LAYER_IDS.traffic ? traffic[pick.index] : undefined
  return station ? { kind: 'station', station } : null
}
