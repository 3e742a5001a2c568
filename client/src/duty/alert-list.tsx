import { useEffect, useRef } from 'react'
import type { Alert } from '../../../common/alert-state'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { formatAgo, formatTime } from './duty-format'

/**
 * The live alert list: one compact card per alert (two lines, so a 1080-pixel
 * screen shows fifteen and more), most urgent first; a click selects. The
 * message is cut to its line here and shown whole in the detail (and on
 * hover). Firing is the usual state and goes unsaid; acknowledged and
 * resolved are marked. A critical alert that has just arrived flashes until
 * someone looks at it.
 */

interface Props {
  alerts: readonly Alert[]
  selected: string | null
  /** Alerts that arrived in this session and have not been selected yet. */
  fresh: ReadonlySet<string>
  now: number
  onSelect(id: string): void
}

export function AlertList({ alerts, selected, fresh, now, onSelect }: Props) {
  const { t, name, lang, num } = useI18n()
  const catalog = useCatalog()
  const listRef = useRef<HTMLOListElement>(null)
  // The keyboard moves the selection; the list follows it.
  useEffect(() => {
    if (!selected) return
    listRef.current?.querySelector(`[data-alert-id="${CSS.escape(selected)}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [selected])

  if (alerts.length === 0)
    return (
      <ol className="duty-list" data-testid="duty-list" ref={listRef}>
        <li className="duty-empty muted">{t('duty.list.empty')}</li>
      </ol>
    )
  return (
    <ol className="duty-list" data-testid="duty-list" ref={listRef} role="listbox" aria-label={t('alerts.title')}>
      {alerts.map((a) => {
        const indicator = catalog.indicator(a.indicator)
        const station = a.station ? catalog.station(a.station) : undefined
        const classes = ['duty-row', `sev-row-${a.severity}`, `state-${a.state}`]
        if (a.id === selected) classes.push('selected')
        if (fresh.has(a.id)) classes.push('fresh')
        return (
          <li
            key={a.id}
            className={classes.join(' ')}
            data-testid="duty-alert"
            data-alert-id={a.id}
            data-state={a.state}
            data-severity={a.severity}
            role="option"
            aria-selected={a.id === selected}
            onClick={() => onSelect(a.id)}
          >
            <div className="duty-row-top">
              <span className={`sev-badge sev-${a.severity}`}>{t(`alerts.severity.${a.severity}`)}</span>
              {a.state !== 'firing' && <span className={`state-badge state-${a.state}`}>{t(`alerts.state.${a.state}`)}</span>}
              <span className="duty-row-message" title={name(a.message)}>
                {name(a.message)}
              </span>
              <span className="duty-row-time" title={formatTime(a.raisedAt, lang)}>
                {formatAgo(a.raisedAt, now, lang)}
              </span>
            </div>
            <div className="duty-row-where muted">
              <span className="duty-row-place">
                {name(catalog.region(a.region)?.name) || a.region}
                {station && ` · ${name(station.name)}`}
                {indicator && ` · ${name(indicator.name)}`}
                {a.value !== null && indicator && ` · ${num(a.value, indicator.precision)} ${name(indicator.unit)}`}
              </span>
              {a.group && (
                <span className="tag tag-group" data-testid="group-tag">
                  {a.group === 'storm' ? t('alerts.group.storm', { count: a.members.length }) : t('alerts.group.flood', { count: a.suppressed })}
                </span>
              )}
              {a.silencedBy && <span className="tag">{t('alerts.silenced')}</span>}
              {a.assignee && <span className="tag">{t('duty.assignedTo', { name: a.assignee })}</span>}
            </div>
          </li>
        )
      })}
    </ol>
  )
}
