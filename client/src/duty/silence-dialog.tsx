import { useState } from 'react'
import type { Alert, SilenceMatchers } from '../../../common/alert-state'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'

/**
 * Silencing noise: matchers prefilled from the alert (its rule, region and
 * station), a duration, and a reason (required: the log says why). Esc or
 * Cancel closes it.
 */

/** Durations offered, in minutes: a maintenance window is usually hours. */
export const SILENCE_DURATIONS = [30, 60, 120, 240, 480, 1440, 4320] as const
/** The duration a new silence is offered with. */
export const DEFAULT_SILENCE_MINUTES = 120

/** The duration picker of a new silence (here and in the console's silences page). */
export function SilenceDurationSelect({ value, onChange, testId }: { value: number; onChange(minutes: number): void; testId: string }) {
  const { t } = useI18n()
  const duration = (m: number) => (m % 1440 === 0 ? t('duty.days', { n: m / 1440 }) : m % 60 === 0 ? t('duty.hours', { n: m / 60 }) : t('duty.minutes', { n: m }))
  return (
    <select data-testid={testId} value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {SILENCE_DURATIONS.map((m) => (
        <option key={m} value={m}>
          {duration(m)}
        </option>
      ))}
    </select>
  )
}

export function SilenceDialog({ alert, initialReason, busy, onSubmit, onClose }: { alert: Alert; initialReason: string; busy: boolean; onSubmit(matchers: SilenceMatchers, minutes: number, reason: string): void; onClose(): void }) {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  const [useRule, setUseRule] = useState(true)
  const [useRegion, setUseRegion] = useState(true)
  const [useStation, setUseStation] = useState(alert.station !== '')
  const [minutes, setMinutes] = useState<number>(DEFAULT_SILENCE_MINUTES)
  const [reason, setReason] = useState(initialReason)
  const matchers: SilenceMatchers = {
    ...(useRule ? { ruleId: alert.ruleId } : {}),
    ...(useRegion ? { region: alert.region } : {}),
    ...(useStation && alert.station ? { station: alert.station } : {}),
  }
  const valid = Object.keys(matchers).length > 0 && reason.trim() !== ''
  return (
    <div className="duty-dialog-backdrop" onClick={onClose}>
      <form
        className="duty-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="silence-title"
        data-testid="duty-silence-dialog"
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault()
          if (valid && !busy) onSubmit(matchers, minutes, reason.trim())
        }}
      >
        <h3 id="silence-title">{t('duty.silence.title')}</h3>
        <fieldset>
          <legend>{t('duty.silence.matchers')}</legend>
          <label>
            <input type="checkbox" checked={useRule} onChange={(e) => setUseRule(e.target.checked)} /> {t('duty.rule')}: <code>{alert.ruleId}</code>
          </label>
          <label>
            <input type="checkbox" checked={useRegion} onChange={(e) => setUseRegion(e.target.checked)} /> {t('duty.region')}: {name(catalog.region(alert.region)?.name)} {t('duty.silence.andBelow')}
          </label>
          {alert.station && (
            <label>
              <input type="checkbox" checked={useStation} onChange={(e) => setUseStation(e.target.checked)} /> {t('duty.station')}: {name(catalog.station(alert.station)?.name) || alert.station}
            </label>
          )}
        </fieldset>
        <label className="duty-dialog-field">
          <span>{t('duty.silence.duration')}</span>
          <SilenceDurationSelect value={minutes} onChange={setMinutes} testId="duty-silence-duration" />
        </label>
        <label className="duty-dialog-field">
          <span>{t('duty.silence.reason')}</span>
          <input data-testid="duty-silence-reason" autoFocus maxLength={500} placeholder={t('duty.silence.reasonPlaceholder')} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <div className="duty-action-row">
          <button type="submit" className="primary" data-testid="duty-silence-confirm" disabled={!valid || busy}>
            {t('duty.silence.confirm')}
          </button>
          <button type="button" onClick={onClose}>
            {t('duty.cancel')} <kbd>Esc</kbd>
          </button>
        </div>
      </form>
    </div>
  )
}
