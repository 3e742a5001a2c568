import type { Indicator } from '../../../common/catalog-schema'
import type { MessageKey } from '../i18n/messages'
import { useI18n } from '../i18n/i18n'
import { useFreshness } from '../live/live'
import { bandLimits, NO_DATA_COLOR, type FillScaleView, type ScaleBand, type TargetBandMeaning } from './fill-scale'
import type { LegendCorner } from './fit-view'
import { SPEED_DOMAIN, SPEED_STOPS } from './station-style'

/**
 * The map's legend: the indicator (not in the compact legend, whose panel names it) and its fill scale's bands (each with its colour, meaning and
 * values), a no-data key when a region shown has no value, what the station
 * dots mean, the alert pulse, and a warning when the live feed has gone
 * quiet (the colours are then not live). Sized by the map's font
 * (region-map.css), so it reads from across the room on the wall.
 */

export interface MapLegendProps {
  indicator: Indicator
  scale: FillScaleView
  /** The AQI indicator and its scale, which colour the air stations' dots (null: none shown). */
  air: { indicator: Indicator; scale: FillScaleView } | null
  traffic: boolean
  openAlerts: number
  /** Regions shown without a value. */
  noData: number
  /** Only the fills, the dots and the alerts, in a column: for a map that shares its screen with much else (the wall). */
  compact?: boolean
  corner?: LegendCorner
}

const MEANING_LABEL: Record<TargetBandMeaning, MessageKey> = {
  wellBeyond: 'map.band.wellBeyond',
  onTarget: 'map.band.onTarget',
  short: 'map.band.short',
  farShort: 'map.band.farShort',
}

export function MapLegend({ indicator, scale, air, traffic, openAlerts, noData, compact = false, corner = 'bottom-left' }: MapLegendProps) {
  const { t, name, num } = useI18n()
  const { stale } = useFreshness()
  const unit = name(indicator.unit)
  // The dots use the fills' own bands when the map shows AQI: one key says both.
  const dotsShareFills = air !== null && air.indicator.code === indicator.code
  const limits = (band: ScaleBand, ind: Indicator) => {
    const l = bandLimits(band, ind.range, ind.precision)
    if (l.kind === 'between') return `${num(l.from, ind.precision)}–${num(l.to, ind.precision)}`
    if (l.kind === 'below') return `< ${num(l.to, ind.precision)}`
    return `${l.inclusive ? '≥' : '>'} ${num(l.from, ind.precision)}`
  }
  const meaning = (band: ScaleBand) => (band.name ? name(band.name) : band.meaning ? t(MEANING_LABEL[band.meaning]) : '')
  return (
    <div className={`region-map__legend region-map__legend--${corner}${compact ? ' region-map__legend--compact' : ''}`} data-testid="region-map-legend" data-corner={corner}>
      {/* On the wall the panel's heading names the indicator: the compact legend says its unit only. */}
      {compact ? (
        unit && <div className="rm-legend__unit">{unit}</div>
      ) : (
        <div className="rm-legend__title">
          {name(indicator.name)}
          {unit && <span className="rm-legend__unit"> · {unit}</span>}
        </div>
      )}
      {!compact && indicator.better !== 'neither' && <div className="rm-legend__hint">{t(indicator.better === 'higher' ? 'map.better.higher' : 'map.better.lower')}</div>}
      {stale && (
        <div className="rm-legend__hint badge-stale" data-testid="region-map-stale">
          {t('data.stale')}
        </div>
      )}
      {compact ? (
        <CompactBands scale={scale} indicator={indicator} noData={noData} />
      ) : (
        <div className="rm-legend__bands" data-testid="region-map-legend-bands" data-kind={scale.kind}>
          {[...scale.bands].reverse().map((b) => (
            <span key={b.color + String(b.hi)} className="rm-legend__row" data-color={b.color}>
              <i className="rm-legend__swatch" style={{ background: b.color }} />
              {meaning(b) && <span className="rm-legend__name">{meaning(b)}</span>}
              <span className="rm-legend__limits">{limits(b, indicator)}</span>
            </span>
          ))}
          {noData > 0 && <NoDataKey count={noData} />}
        </div>
      )}
      {dotsShareFills && <div className="rm-legend__hint">● {t('map.air.sameBands')}</div>}
      {air && !dotsShareFills && (
        <section className="rm-legend__section" data-testid="region-map-legend-dots">
          <div className="rm-legend__subtitle">{t('map.air.title')}</div>
          <div className="rm-legend__bands rm-legend__bands--dots">
            {air.scale.bands.map((b) => (
              <span key={b.color} className="rm-legend__row" title={limits(b, air.indicator)}>
                <i className="rm-legend__dot" style={{ background: b.color }} />
                {!compact && meaning(b)}
              </span>
            ))}
            {compact && air.scale.bands.length > 1 && (
              <span className="rm-legend__hint">
                {meaning(air.scale.bands[0]!)} → {meaning(air.scale.bands[air.scale.bands.length - 1]!)}
              </span>
            )}
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

function NoDataKey({ count }: { count: number }) {
  const { t } = useI18n()
  return (
    <span className="rm-legend__row" data-testid="region-map-legend-nodata" data-count={count}>
      <i className="rm-legend__swatch rm-legend__swatch--no-data" style={{ background: NO_DATA_COLOR }} />
      <span className="rm-legend__name">{t('map.noData')}</span>
    </span>
  )
}

/**
 * The bands as one stepped bar, low values left, with the values where one
 * band gives way to the next beneath the joins: the wall's legend stands in a
 * corner of a map that shares the screen, and must leave it the room.
 */
/** The ticks' text size in the legend's: region-map.css .rm-legend__step-ticks (on the wall 36 px, its smallest text). */
const TICK_FONT_SHARE = 0.8

function CompactBands({ scale, indicator, noData }: { scale: FillScaleView; indicator: Indicator; noData: number }) {
  const { num, name, t } = useI18n()
  const n = scale.bands.length
  // What the ends mean, low values first (优 → 严重污染, 远未达标 → 远超目标): the colours between go from one to the other.
  const said = (b: ScaleBand | undefined) => (b?.name ? name(b.name) : b?.meaning ? t(MEANING_LABEL[b.meaning]) : '')
  const ends = said(scale.bands[0]) && said(scale.bands[n - 1]) ? [said(scale.bands[0]), said(scale.bands[n - 1])] : null
  const ticks = scale.bands.slice(0, -1).map((b) => num(b.hi!, indicator.precision))
  // Wide enough that neighbouring values never touch: a digit is about half an em of the ticks' font.
  const column = TICK_FONT_SHARE * (0.55 * Math.max(1, ...ticks.map((t) => t.length)) + 0.6)
  return (
    <div className="rm-legend__steps" data-testid="region-map-legend-bands" data-kind={scale.kind}>
      <div className="rm-legend__step-bar" style={{ gridTemplateColumns: `repeat(${n}, minmax(${column.toFixed(2)}em, 1fr))` }}>
        {scale.bands.map((b) => (
          <i key={b.color + String(b.hi)} data-color={b.color} title={b.name ? name(b.name) : undefined} style={{ background: b.color }} />
        ))}
      </div>
      <div className="rm-legend__step-ticks">
        {ticks.map((tick, i) => (
          <span key={i} style={{ left: `${((i + 1) / n) * 100}%` }}>
            {tick}
          </span>
        ))}
      </div>
      {ends && (
        <div className="rm-legend__hint rm-legend__step-ends">
          {ends[0]} → {ends[1]}
        </div>
      )}
      {noData > 0 && <NoDataKey count={noData} />}
    </div>
  )
}
