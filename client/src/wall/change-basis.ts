import type { ChangeBasis } from '../../../common/api/query-api'
import type { RunningPeriod } from '../../../common/running-period'
import type { MessageKey } from '../i18n/messages'

/**
 * What a change figure compares, in words a reader can check (its title on
 * the KPI card and the ranking): "近30天 11-05–12-04 日均，较 10-06–11-04 日均",
 * or for a running value "12-05 00:00–12:00，较 12-04 00:00–12:00（同期）".
 * Times are the server's windows shown in the browser's zone, which is the
 * wall's (the server's zone is the deployment's).
 */

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

const DAY_MS = 86_400_000
const two = (n: number) => String(n).padStart(2, '0')

/** A window of whole days: first and last day, month-day (the year when it is not the current one). */
function daySpan(from: number, to: number, now: number): string {
  const last = new Date(to - DAY_MS / 2)
  const first = new Date(from)
  const md = (d: Date) => `${d.getFullYear() === new Date(now).getFullYear() ? '' : `${d.getFullYear()}-`}${two(d.getMonth() + 1)}-${two(d.getDate())}`
  return `${md(first)}–${md(last)}`
}

/** A window within a period: its first day and the clock time it ends at ("12-04 00:00–12:00"). */
function clockSpan(from: number, to: number, now: number): string {
  const a = new Date(from)
  const b = new Date(to)
  const md = (d: Date) => `${d.getFullYear() === new Date(now).getFullYear() ? '' : `${d.getFullYear()}-`}${two(d.getMonth() + 1)}-${two(d.getDate())}`
  const hm = (d: Date) => `${two(d.getHours())}:${two(d.getMinutes())}`
  const sameDay = a.toDateString() === b.toDateString() || to - from <= DAY_MS
  return sameDay ? `${md(a)} ${hm(a)}–${hm(b)}` : `${md(a)} ${hm(a)}–${md(b)} ${hm(b)}`
}

/** The title of a change: what it compares, or why there is none. */
export function changeTitle(basis: ChangeBasis | null, base: 'mom' | 'yoy', running: RunningPeriod | null, t: Translate, now = Date.now()): string {
  if (!basis) return running === 'year' && base === 'mom' ? t('change.title.notApplicable') : t('change.title.none')
  if (basis.kind === 'days') return t('change.title.days', { current: daySpan(basis.current.from, basis.current.to, now), base: daySpan(basis.base.from, basis.base.to, now) })
  return t('change.title.sameElapsed', { current: clockSpan(basis.current.from, basis.current.to, now), base: clockSpan(basis.base.from, basis.base.to, now) })
}

/** The short label of a change: 环比 and 同比, but "较昨日" for today so far (a day's 环比 is yesterday). */
export function changeLabel(base: 'mom' | 'yoy', running: RunningPeriod | null, t: Translate): string {
  if (base === 'mom' && running === 'day') return t('change.mom.day')
  return t(base === 'mom' ? 'kpi.mom' : 'kpi.yoy')
}

/** The label that says a value is running ("今日累计"); null for a value that is not. */
export function runningLabel(running: RunningPeriod | null | undefined, t: Translate): string | null {
  return running ? t(`period.running.${running}`) : null
}
