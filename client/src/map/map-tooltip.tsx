import { useImperativeHandle, useState, type Ref } from 'react'
import type { Indicator, Station } from '../../../common/catalog-schema'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { useLive, useLiveVersion } from '../live/live'
import { fillScaleFor } from './fill-scale'
import { STATION_INDICATORS } from './station-style'

/**
 * The hover tooltip: the region or station under the pointer, its name in the
 * current language and its live value with the unit. It keeps its own state,
 * so a mouse move re-renders the tooltip and not the map.
 */

export type HoverTarget = { kind: 'region'; code: string; alerts: number } | { kind: 'station'; station: Station }

export interface TooltipHandle {
  /** `x`, `y` in the map's own pixels, `width`, `height` the map's size (to keep the box inside); null hides it. */
  show(target: HoverTarget | null, at?: { x: number; y: number; width: number; height: number }): void
}

interface Shown {
  target: HoverTarget
  x: number
  y: number
  /** The box goes left of / above the pointer near the right / bottom edge. */
  flipX: boolean
  flipY: boolean
}

export function MapTooltip({ ref, indicator }: { ref: Ref<TooltipHandle>; indicator: Indicator | undefined }) {
  const [shown, setShown] = useState<Shown | null>(null)
  useImperativeHandle(
    ref,
    () => ({
      show: (target, at = { x: 0, y: 0, width: 0, height: 0 }) =>
        setShown(target ? { target, x: at.x, y: at.y, flipX: at.x > at.width * 0.6, flipY: at.y > at.height * 0.6 } : null),
    }),
    [],
  )
  if (!shown) return null
  return <TooltipBox shown={shown} indicator={indicator} />
}

function TooltipBox({ shown, indicator }: { shown: Shown; indicator: Indicator | undefined }) {
  // Only a visible tooltip follows the ticks.
  useLiveVersion()
  const { store } = useLive()
  const catalog = useCatalog()
  const { t, name, num } = useI18n()
  const { target, x, y, flipX, flipY } = shown
  const value = (ind: Indicator | undefined, region: string, station?: string) => {
    if (!ind) return t('data.none')
    const v = store.get(ind.code, region, station)
    if (!v) return t('map.noData')
    const unit = name(ind.unit)
    return `${num(v.value, ind.precision)}${unit ? ` ${unit}` : ''}`
  }
  let title: string
  const rows: Array<[string, string]> = []
  if (target.kind === 'region') {
    title = name(catalog.region(target.code)?.name)
    if (indicator) rows.push([name(indicator.name), value(indicator, target.code)])
    if (target.alerts > 0) rows.push([t('alerts.open'), String(target.alerts)])
  } else {
    const s = target.station
    title = name(s.name)
    if (s.kind === 'air') {
      const aqi = store.get(STATION_INDICATORS.aqi, s.region, s.code)
      // The band's name from the catalog's AQI scale (HJ 633's 优, 良…), as the dot is coloured.
      const aqiIndicator = catalog.indicator(STATION_INDICATORS.aqi)
      const scale = aqiIndicator ? fillScaleFor(aqiIndicator) : null
      const band = aqi && scale ? scale.bands[scale.bandOf(aqi.value)] : undefined
      rows.push(['AQI', aqi ? `${num(aqi.value, 0)}${band?.name ? ` · ${name(band.name)}` : ''}` : t('map.noData')])
    } else {
      rows.push([t('map.traffic.speed'), value(catalog.indicator(STATION_INDICATORS.speed), s.region, s.code)])
      rows.push([t('map.traffic.flow'), value(catalog.indicator(STATION_INDICATORS.flow), s.region, s.code)])
    }
  }
  return (
    <div className="region-map__tooltip" data-testid="region-map-tooltip" style={{ left: x, top: y, translate: `${flipX ? 'calc(-100% - 1em)' : '1em'} ${flipY ? 'calc(-100% - 1em)' : '1em'}` }}>
      <div className="rm-tooltip__title">{title}</div>
      {rows.map(([k, v]) => (
        <div key={k} className="rm-tooltip__row">
          <span>{k}</span>
          <b>{v}</b>
        </div>
      ))}
    </div>
  )
}
