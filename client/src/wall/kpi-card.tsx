import { memo } from 'react'
import { FitText } from '../ui/fit-text'
import type { Indicator } from '../../../common/catalog-schema'
import { useI18n, type I18n } from '../i18n/i18n'
import { useLiveValue } from '../live/live'
import { lightOf } from './traffic-light'
import type { IndicatorChange } from '../../../common/api/query-api'
import { useWallTime, valueStale } from './wall-time'
import { changeLabel, changeTitle, runningLabel } from './change-basis'
import { inCurrentPeriod } from './running-value'

export interface KpiCardProps {
  indicator: Indicator
  region: string
  /** Its MoM and YoY for the region (the wall reads every card's in one request); undefined until they come. */
  change: IndicatorChange | undefined
  /** The map draws this indicator. */
  onMap: boolean
  onPick(indicator: string): void
}

/**
 * One indicator of the selected region: the live value (its own store
 * subscription, so a tick re-renders only the cards whose value changed),
 * unit, target, a red/amber/green light, MoM and YoY. A value that stopped
 * updating (older than 3 cadences) is greyed and says since when, in place
 * of its changes, rather than passing for live; when the whole feed stops,
 * values are greyed and the domain's title says so once.
 */
export const KpiCard = memo(function KpiCard({ indicator, region, change, onMap, onPick }: KpiCardProps) {
  const i18n = useI18n()
  const { t, name } = i18n
  const reported = useLiveValue(indicator.code, region)
  const { now, feedStale } = useWallTime()
  // A running value reported in an earlier period (yesterday's total at 00:08) is not this period's.
  const live = inCurrentPeriod(reported, indicator.running, now)
  const earlier = live === undefined ? reported : undefined
  // Its own value stopped (the source is quiet), or the whole feed did (the domain says so).
  const ownStale = live !== undefined && valueStale(live.ts, indicator.cadenceSeconds, now)
  const stale = live !== undefined && (ownStale || feedStale)
  const light = stale ? 'unknown' : lightOf(indicator, live?.value, change?.yoy)
  const unit = name(indicator.unit)
  const running = runningLabel(indicator.running, t)
  const basisRunning = change?.running ?? indicator.running ?? null
  return (
    <div
      className={`wall-kpi${stale ? ' wall-kpi--stale' : ''}${onMap ? ' wall-kpi--on-map' : ''}`}
      data-testid={`kpi-${indicator.code}`}
      data-value={live === undefined ? '' : String(live.value)}
      data-region={region}
      data-light={light}
      data-mom={change?.mom ?? ''}
      data-yoy={change?.yoy ?? ''}
      data-running={indicator.running ?? ''}
      onClick={() => onPick(indicator.code)}
    >
      <div className="wall-kpi-name">
        <span className={`wall-light wall-light--${light}`} aria-label={light} />
        <FitText text={name(indicator.name)} />
      </div>
      <div className="wall-kpi-value">
        {live !== undefined ? (
          <span className="wall-kpi-number">{i18n.num(live.value, indicator.precision)}</span>
        ) : earlier !== undefined ? (
          <span className="wall-kpi-none" data-earlier={earlier.value} title={t('period.notYet', { value: `${i18n.num(earlier.value, indicator.precision)} ${unit}`.trim() })}>
            {t('period.none')}
          </span>
        ) : (
          <span className="wall-kpi-none">{t('data.none')}</span>
        )}
        {live !== undefined && unit && <span className="wall-kpi-unit wall-ellipsis">{unit}</span>}
        {running && (
          <span className="wall-kpi-running" data-running-label="">
            {running}
          </span>
        )}
      </div>
      <div className="wall-kpi-meta wall-ellipsis">{targetText(indicator, i18n)}</div>
      <div className="wall-kpi-meta wall-kpi-changes">
        {ownStale ? (
          <span className="badge-stale wall-ellipsis">{t('wall.staleSince', { time: shortTime(live.ts) })}</span>
        ) : (
          <>
            <Change base="mom" label={changeLabel('mom', basisRunning, t)} pct={change?.mom} title={change && changeTitle(change.momBasis, 'mom', basisRunning, t)} better={indicator.better} />
            <Change base="yoy" label={changeLabel('yoy', basisRunning, t)} pct={change?.yoy} title={change && changeTitle(change.yoyBasis, 'yoy', basisRunning, t)} better={indicator.better} />
          </>
        )}
      </div>
    </div>
  )
})

function targetText(indicator: Indicator, { t, name, num }: I18n): string {
  const target = indicator.target
  if (!target) return `${t('kpi.target')} —`
  if (target.kind === 'yoyChange') return `${t('kpi.target')} ${t('kpi.yoy')} ${target.percent > 0 ? '+' : ''}${num(target.percent)}%`
  const op = indicator.better === 'lower' ? '≤' : indicator.better === 'higher' ? '≥' : ''
  return `${t('kpi.target')} ${op} ${num(target.value, indicator.precision)} ${name(indicator.unit)}`.trim()
}

/**
 * One change figure. Not yet loaded (undefined) and not computable (null: no
 * history to compare with) look different: "…" while loading, "—" for none.
 * Its title says what it compares (the windows), or why there is nothing.
 */
function Change({ base, label, pct, title, better }: { base: 'mom' | 'yoy'; label: string; pct: number | null | undefined; title: string | undefined; better: Indicator['better'] }) {
  const { t } = useI18n()
  if (pct === undefined)
    return (
      <span className="wall-chg wall-chg--loading" data-state="loading" data-base={base} title={t('data.loading')}>
        {label} …
      </span>
    )
  if (pct === null || !Number.isFinite(pct))
    return (
      <span className="wall-chg" data-state="none" data-base={base} title={title}>
        {label} —
      </span>
    )
  const good = (pct > 0 && better === 'higher') || (pct < 0 && better === 'lower')
  const bad = (pct < 0 && better === 'higher') || (pct > 0 && better === 'lower')
  const arrow = pct > 0 ? '▲' : pct < 0 ? '▼' : ''
  return (
    <span className={`wall-chg${good ? ' wall-chg--good' : bad ? ' wall-chg--bad' : ''}`} data-state="value" data-base={base} title={title}>
      {label} {arrow}
      {Math.abs(pct).toFixed(1)}%
    </span>
  )
}

/** When a stale value was last current: month-day and time, the same in both languages. */
function shortTime(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`
}
