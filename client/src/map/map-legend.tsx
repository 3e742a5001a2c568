import type { Indicator } from '../../../common/catalog-schema'
import { useI18n } from '../i18n/i18n'
import { useFreshness } from '../live/live'
import { NO_DATA_COLOR, type ChoroplethScale } from './color-scale'
import { AQI_BANDS, SPEED_DOMAIN, SPEED_STOPS } from './station-style'

/**
 * The map's legend: the choropleth's ramp with its domain and direction, and
 * keys for the station layers and the alert pulse shown, and a warning when
 * the live feed has gone quiet (the colours are then not live). Sized by the
 * map's font (region-map.css), so it reads from across the room on the wall.
 */

export interface MapLegendProps {
  indicator: Indicator
  scale: ChoroplethScale
  air: boolean
  traffic: boolean
  openAlerts: number
  /** Only the choropleth's ramp and the alerts: for a map that shares its screen with much else (the wall). */
  compact?: boolean
}

export function MapLegend({ indicator, scale, air, traffic, openAlerts, compact = false }: MapLegendProps) {
  const { t, name, num } = useI18n()
  const { stale } = useFreshness()
  const unit = name(indicator.unit)
  const [lo, hi] = scale.domain
  const digits = Math.min(indicator.precision, hi - lo >= 10 ? 0 : indicator.precision)
  return (
    <div className="region-map__legend" data-testid="region-map-legend">
      <div className="rm-legend__title">
        {name(indicator.name)}
        {unit && <span className="rm-legend__unit"> · {unit}</span>}
      </div>
      {!compact && indicator.better !== 'neither' && <div className="rm-legend__hint">{t(indicator.better === 'higher' ? 'map.better.higher' : 'map.better.lower')}</div>}
      {stale && (
        <div className="rm-legend__hint badge-stale" data-testid="region-map-stale">
          {t('data.stale')}
        </div>
      )}
      <div className="rm-legend__ramp" style={{ background: `linear-gradient(to right, ${scale.stops.join(', ')})` }} />
      <div className="rm-legend__ticks">
        <span data-testid="region-map-legend-min">{num(lo, digits)}</span>
        <span data-testid="region-map-legend-mid">
          {scale.midIsTarget ? `${t('kpi.target')} ` : ''}
          {num(scale.mid, digits)}
        </span>
        <span data-testid="region-map-legend-max">{num(hi, digits)}</span>
      </div>
      {!compact && (
        <div className="rm-legend__row">
          <i className="rm-legend__swatch" style={{ background: NO_DATA_COLOR }} />
          {t('map.noData')}
        </div>
      )}
      {air && !compact && (
        <section className="rm-legend__section">
          <div className="rm-legend__subtitle">{t('map.air.title')}</div>
          <div className="rm-legend__bands">
            {AQI_BANDS.map((b) => (
              <span key={b.label} className="rm-legend__row">
                <i className="rm-legend__dot" style={{ background: b.color }} />
                {t(b.label)}
              </span>
            ))}
          </div>
        </section>
      )}
      {traffic && !compact && (
        <section className="rm-legend__section">
          <div className="rm-legend__subtitle">
            {t('map.traffic.title')} · {t('map.traffic.speed')}
          </div>
          <div className="rm-legend__ramp rm-legend__ramp--thin" style={{ background: `linear-gradient(to right, ${SPEED_STOPS.join(', ')})` }} />
          <div className="rm-legend__ticks">
            <span>≤{SPEED_DOMAIN[0]}</span>
            <span>{t('map.traffic.sizeByFlow')}</span>
            <span>≥{SPEED_DOMAIN[1]} km/h</span>
          </div>
        </section>
      )}
      {openAlerts > 0 && (
        <div className="rm-legend__row rm-legend__alerts" data-testid="region-map-legend-alerts" data-count={openAlerts}>
          <i className="rm-legend__ring" />
          {t('map.alerts.open', { count: openAlerts })}
        </div>
      )}
    </div>
  )
}
