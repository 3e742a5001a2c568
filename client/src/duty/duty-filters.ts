import type { Alert } from '../../../common/alert-state'
import type { Domain } from '../../../common/catalog-schema'
import { SEVERITIES, type Severity } from '../../../common/rule-schema'
import { compareAlerts, topLevelAlerts } from '../../../common/alert-state'

/**
 * The duty console's filters and selection, kept in the URL (so a console
 * reopens as it was and a link shows a colleague the same alert), and the
 * list's order. Pure; no DOM.
 */

/** `open` is firing and acknowledged: what still needs someone. */
export const STATE_FILTERS = ['open', 'firing', 'acknowledged', 'resolved', 'all'] as const
export type StateFilter = (typeof STATE_FILTERS)[number]

export interface DutyFilters {
  state: StateFilter
  severity: Severity | 'all'
  domain: Domain | 'all'
  /** Alerts in this region or below it; null: everywhere. */
  region: string | null
}

export interface DutyUrlState {
  filters: DutyFilters
  /** The selected alert. */
  alert: string | null
}

export const DEFAULT_FILTERS: DutyFilters = { state: 'open', severity: 'all', domain: 'all', region: null }

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value)
}

export function parseDutyUrl(search: string, isRegion: (code: string) => boolean, isDomain: (code: string) => boolean): DutyUrlState {
  const q = new URLSearchParams(search)
  const region = q.get('region')
  const alert = q.get('alert')
  return {
    filters: {
      state: oneOf(STATE_FILTERS, q.get('state')) ?? DEFAULT_FILTERS.state,
      severity: oneOf(SEVERITIES, q.get('severity')) ?? 'all',
      domain: [q.get('domain')].find((d): d is string => d !== null && isDomain(d)) ?? 'all',
      region: region !== null && isRegion(region) ? region : null,
    },
    alert: alert && /^[\w-]{1,80}$/.test(alert) ? alert : null,
  }
}

/** The query string for filters and selection; defaults are left out, `lang` kept. */
export function dutySearch({ filters, alert }: DutyUrlState, lang?: string | null): string {
  const q = new URLSearchParams()
  if (filters.state !== DEFAULT_FILTERS.state) q.set('state', filters.state)
  if (filters.severity !== 'all') q.set('severity', filters.severity)
  if (filters.domain !== 'all') q.set('domain', filters.domain)
  if (filters.region) q.set('region', filters.region)
  if (alert) q.set('alert', alert)
  if (lang) q.set('lang', lang)
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** The API's `state` list for a filter. */
export function statesOf(filter: StateFilter): Alert['state'][] {
  switch (filter) {
    case 'open':
      return ['firing', 'acknowledged']
    case 'all':
      return ['firing', 'acknowledged', 'resolved']
    default:
      return [filter]
  }
}

/** Whether the filter shows resolved alerts (which the live list only has from this session). */
export function wantsResolved(filter: StateFilter): boolean {
  return filter === 'resolved' || filter === 'all'
}

export interface AlertLookups {
  domainOf(indicator: string): Domain | undefined
  isWithin(region: string, ancestor: string): boolean
}

export function matchesFilters(a: Alert, f: DutyFilters, lookups: AlertLookups): boolean {
  return (
    statesOf(f.state).includes(a.state) &&
    (f.severity === 'all' || a.severity === f.severity) &&
    (f.domain === 'all' || lookups.domainOf(a.indicator) === f.domain) &&
    (f.region === null || lookups.isWithin(a.region, f.region))
  )
}

/**
 * One alert per id from several sources (the live store, the API's history,
 * replies to actions): the copy with the highest sequence number is the
 * newest, whichever source it came from.
 */
export function mergeAlerts(...sources: ReadonlyArray<Iterable<Alert>>): Map<string, Alert> {
  const out = new Map<string, Alert>()
  for (const source of sources)
    for (const a of source) {
      const have = out.get(a.id)
      if (!have || a.seq > have.seq) out.set(a.id, a)
    }
  return out
}

/** The list's rows: a group's members are shown through their group (topLevelAlerts), then the filters, in the screens' order. */
export function visibleAlerts(all: Iterable<Alert>, f: DutyFilters, lookups: AlertLookups): Alert[] {
  return topLevelAlerts(all)
    .filter((a) => matchesFilters(a, f, lookups))
    .sort(compareAlerts)
}
