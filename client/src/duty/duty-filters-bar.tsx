import { useMemo } from 'react'
import { SEVERITIES } from '../../../common/rule-schema'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { indent, regionOptions } from '../ui/region-options'
import { STATE_FILTERS, type DutyFilters } from './duty-filters'

/** State, severity, domain and region filters of the alert list. */
export function DutyFiltersBar({ filters, onChange }: { filters: DutyFilters; onChange(patch: Partial<DutyFilters>): void }) {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  const regions = useMemo(() => regionOptions(catalog.tree), [catalog])
  return (
    <div className="duty-filters" role="group" aria-label={t('duty.filters')}>
      <label>
        <span>{t('duty.filter.state')}</span>
        <select data-testid="duty-filter-state" value={filters.state} onChange={(e) => onChange({ state: STATE_FILTERS.find((s) => s === e.target.value) ?? 'open' })}>
          {STATE_FILTERS.map((s) => (
            <option key={s} value={s}>
              {s === 'open' ? t('duty.filter.open') : s === 'all' ? t('duty.filter.all') : t(`alerts.state.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('duty.filter.severity')}</span>
        <select data-testid="duty-filter-severity" value={filters.severity} onChange={(e) => onChange({ severity: SEVERITIES.find((s) => s === e.target.value) ?? 'all' })}>
          <option value="all">{t('duty.filter.all')}</option>
          {[...SEVERITIES].reverse().map((s) => (
            <option key={s} value={s}>
              {t(`alerts.severity.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('duty.filter.domain')}</span>
        <select data-testid="duty-filter-domain" value={filters.domain} onChange={(e) => onChange({ domain: catalog.domain(e.target.value)?.code ?? 'all' })}>
          <option value="all">{t('duty.filter.all')}</option>
          {catalog.domainList.map((d) => (
            <option key={d.code} value={d.code}>
              {name(d.name)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('duty.filter.region')}</span>
        <select data-testid="duty-filter-region" value={filters.region ?? ''} onChange={(e) => onChange({ region: e.target.value === '' || e.target.value === catalog.tree.root.code ? null : e.target.value })}>
          {regions.map(({ region, depth }) => (
            <option key={region.code} value={depth === 0 ? '' : region.code}>
              {indent(depth)}
              {name(region.name)}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
