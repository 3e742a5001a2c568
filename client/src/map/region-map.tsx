import 'maplibre-gl/dist/maplibre-gl.css'
import './region-map.css'
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type JSX } from 'react'
import type { Alert } from '../../../common/alert-state'
import type { CatalogIndex } from '../../../common/catalog-index'
import type { Station } from '../../../common/catalog-schema'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { useAlerts, useLive, useLiveVersion } from '../live/live'
import type { Rgba } from './color-scale'
import { fillScaleFor, NO_DATA_RGBA } from './fill-scale'
import { chooseFit, FIT_MARGIN_SHARE, projectedExtent, type LegendCorner } from './fit-view'
import { MapController, type PickEvent } from './map-controller'
import { LAYER_IDS, type PulseTarget } from './map-layers'
import { isOnMap, pulseTargets } from './pulse-targets'
import { MapLegend } from './map-legend'
import { MapTooltip, type HoverTarget, type TooltipHandle } from './map-tooltip'
import { loadRegionGeo, type RegionGeo, type RegionView } from './region-geo'
import type { Rect } from './region-labels'
import { installTestHook } from './region-map-test-hook'
import { flowRadius, speedColor, STATION_INDICATORS } from './station-style'
import { useRegionLabels } from './use-region-labels'
import { readColumn } from './value-column'

/**
 * The map of the wall, the analyst view and the duty console: the children of
 * the shown region coloured by one indicator's live value on the catalog's
 * fixed scale (fill-scale.ts), named where their labels fit, air stations in
 * the AQI scale's colours, traffic detectors sized by flow and coloured by
 * speed, and a pulse on every region with an open alert; around the
 * province, sea and its neighbours, faint. deck.gl draws the land, the data
 * and the labels; maplibre the boundary lines over them, from the bundled
 * boundaries (no tiles, no fonts fetched).
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
  /** A compact legend, and each region's value under its name (the wall, where the map shares the screen and is read from afar). */
  compactLegend?: boolean
  /**
   * The alerts to pulse and to count in the legend, for a page that lists
   * alerts beside the map from the same list (the wall's ticker), so the two
   * agree. Only open, unsilenced ones within the region count. @default the live store's
   */
  alerts?: readonly Alert[]
  /** A station to centre on and ring (an alert's, opened on the wall), once the shown region holds it. */
  focusStation?: string | null
  /** Name the shown regions on the map. @default true */
  labels?: boolean
}

const ALL_OVERLAYS: readonly MapOverlay[] = ['air', 'traffic', 'alerts']

export function RegionMap({ region, indicator, onSelect, overlays = ALL_OVERLAYS, softwareRefreshMs, compactLegend = false, alerts: givenAlerts, focusStation = null, labels: showLabels = true }: RegionMapProps): JSX.Element {
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
  // Fixed by the catalog for the level of the regions shown (a sum's bands differ for cities and counties).
  const shownLevel = features?.[0]?.properties.level ?? null
  const scale = useMemo(() => (ind ? fillScaleFor(ind, shownLevel) : null), [ind, shownLevel])
  const fillRevision = `${indicator}:${shownLevel}:${fill.revision}`
  // Air stations in the AQI indicator's own scale: the same colours as its fills.
  const aqiIndicator = catalog.indicator(STATION_INDICATORS.aqi)
  const aqiScale = useMemo(() => (aqiIndicator ? fillScaleFor(aqiIndicator) : null), [aqiIndicator])
  const colorOf = (v: number): Rgba => (scale ? scale.color(v) : NO_DATA_RGBA)
  const noDataCodes = useMemo(() => (features ?? []).filter((_, i) => Number.isNaN(fill.at(i))).map((f) => f.properties.code), [features, fill])
  const noDataKey = noDataCodes.join(',')

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
    controller.setSource('context', geo.context)
  }, [controller, styleLoaded, geo])

  // Regions without a value: outlined dashed (maplibre), only when the set changes.
  useEffect(() => {
    if (!controller || !styleLoaded || !view) return
    const missing = new Set(noDataKey.split(','))
    controller.setSource('noData', { type: 'FeatureCollection', features: view.shown.features.filter((f) => missing.has(f.properties.code)) })
  }, [controller, styleLoaded, view, noDataKey])

  // The map's text size and font (region-map.css), for labels that match the legend's.
  const [font, setFont] = useState({ px: 16, family: 'sans-serif' })
  const [legendRect, setLegendRect] = useState<Rect | null>(null)
  // After every render: the legend's box follows its content (a no-data row, the corner) and the
  // map's font its size; the state changes only when they did, so this settles at once.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useLayoutEffect(() => {
    const el = boxRef.current?.querySelector<HTMLElement>('.region-map__legend')
    const box = boxRef.current
    if (!box) return
    const style = getComputedStyle(el ?? box)
    const px = Number.parseFloat(style.fontSize) || 16
    if (px !== font.px || style.fontFamily !== font.family) setFont({ px, family: style.fontFamily })
    const rect = el ? { left: el.offsetLeft, top: el.offsetTop, right: el.offsetLeft + el.offsetWidth, bottom: el.offsetTop + el.offsetHeight } : null
    if (rect?.left !== legendRect?.left || rect?.top !== legendRect?.top || rect?.right !== legendRect?.right || rect?.bottom !== legendRect?.bottom) setLegendRect(rect)
  })
  const labels = useRegionLabels({ controller: showLabels ? controller : null, geo, view, catalog, indicator: ind, values: fill, withValues: compactLegend, legend: legendRect, fontPx: font.px, fontFamily: font.family })

  // Layers follow every change of their inputs; deck.gl diffs them.
  useEffect(() => {
    if (!controller || !styleLoaded || !view || !geo) return
    controller.setInputs({
      land: geo.land,
      context: geo.context,
      view,
      fill: { revision: fillRevision, at: (i) => colorOf(columns.fill.at(i)) },
      air: showAir ? { stations: airStations, color: { revision: columns.aqi.revision, at: (i) => (aqiScale ? aqiScale.color(columns.aqi.at(i)) : NO_DATA_RGBA) } } : null,
      traffic: showTraffic
        ? {
            stations: detectors,
            radius: { revision: columns.flow.revision, at: (i) => flowRadius(columns.flow.at(i)) },
            color: { revision: columns.speed.revision, at: (i) => speedColor(columns.speed.at(i)) },
          }
        : null,
      pulses,
      focus: focusAt,
      labels,
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
  const [corner, setCorner] = useState<LegendCorner>('bottom-left')
  const refitRef = useRef<(() => void) | null>(null)
  // The legend grew or shrank (a no-data key came or went, another indicator's bands): frame the region around it again.
  const legendSize = legendRect ? `${legendRect.right - legendRect.left}x${legendRect.bottom - legendRect.top}` : ''
  const fittedLegend = useRef(legendSize)
  useEffect(() => {
    if (legendSize === fittedLegend.current) return
    fittedLegend.current = legendSize
    refitRef.current?.()
  }, [legendSize])
  useEffect(() => {
    if (!controller || !styleLoaded || !view) return
    setReadyRegion(null)
    controller.setAnimating(false)
    tooltipRef.current?.show(null)
    // The region as large as the panel allows, the legend in the corner that keeps it off the land (fit-view.ts).
    const fit = (animate: boolean) => {
      if (!view.bounds) return
      const el = boxRef.current?.querySelector<HTMLElement>('.region-map__legend')
      const panel = controller.size()
      const choice = chooseFit({
        panel,
        legend: { width: el?.offsetWidth ?? 0, height: el?.offsetHeight ?? 0 },
        extent: projectedExtent(view.bounds),
        occupancy: view.occupancy,
        margin: Math.round(Math.min(panel.width, panel.height) * FIT_MARGIN_SHARE),
      })
      setCorner(choice.corner)
      controller.fit(view.bounds, animate, choice.padding, focusAt)
    }
    fit(fitted.current)
    fitted.current = true
    controller.whenIdle(() => {
      setReadyRegion(view.region)
      controller.setAnimating(true)
    })
    // Keep the region framed when the box changes size (a panel resized, the window), or the legend does.
    const refit = () => fit(false)
    refitRef.current = refit
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
    return i === undefined ? null : colorOf(columns.fill.at(i))
  }
  const hookState = useRef({ fillOf, pulses, focus, labels, noDataCodes })
  hookState.current = { fillOf, pulses, focus, labels, noDataCodes }
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
      labels: () =>
        (hookState.current.labels?.labels ?? []).map((l) => {
          const [x, y] = controller.clientPoint(l.position)
          return { code: l.code, text: l.text, x, y, size: hookState.current.labels?.size ?? 0 }
        }),
      noData: () => [...hookState.current.noDataCodes],
      at: (lngLat) => controller.clientPoint(lngLat),
      context: () => geo.context.features.map((f) => f.properties.code),
      frame: () => {
        const b = view.bounds
        if (!b) return null
        const [x0, y0] = controller.clientPoint([b[0][0], b[1][1]])
        const [x1, y1] = controller.clientPoint([b[1][0], b[0][1]])
        return { left: x0, top: y0, right: x1, bottom: y1 }
      },
    })
  }, [controller, geo, view, readyRegion, region, store, indicator])

  // Counted from the alerts, not from the rings: the same number a list of them beside the map shows.
  const openAlerts = useMemo(() => alerts.filter((a) => isOnMap(a) && catalog.tree.isWithin(a.region, region)).length, [alerts, catalog, region])
  return (
    <div className="region-map" data-testid="region-map" data-ready={readyRegion === region && view?.region === region ? 'true' : 'false'} ref={boxRef}>
      <div className="region-map__canvas" ref={canvasRef} />
      {ind && scale && (
        <MapLegend
          indicator={ind}
          scale={scale}
          air={showAir && aqiIndicator && aqiScale ? { indicator: aqiIndicator, scale: aqiScale } : null}
          traffic={showTraffic}
          openAlerts={openAlerts}
          noData={noDataCodes.length}
          compact={compactLegend}
          corner={corner}
        />
      )}
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
