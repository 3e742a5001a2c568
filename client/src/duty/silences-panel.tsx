import type { Silence } from '../../../common/alert-state'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { formatTime } from './duty-format'

/** Silences in force: what they match, until when, who and why; each can be ended early. */
export function SilencesPanel({ silences, busy, onEnd }: { silences: readonly Silence[]; busy: boolean; onEnd(id: string): void }) {
  const { t, name, lang } = useI18n()
  const catalog = useCatalog()
  if (silences.length === 0) return null
  return (
    <details className="duty-silences" data-testid="duty-silences">
      <summary>{t('duty.silence.active', { count: silences.length })}</summary>
      <ul>
        {silences.map((s) => {
          const m = s.matchers
          const what = [
            m.ruleId && `${t('duty.rule')} ${m.ruleId}`,
            m.region && name(catalog.region(m.region)?.name),
            m.station && (name(catalog.station(m.station)?.name) || m.station),
            m.indicator && name(catalog.indicator(m.indicator)?.name),
            m.severity && t(`alerts.severity.${m.severity}`),
          ].filter(Boolean)
          return (
            <li key={s.id}>
              <span>
                {what.join(' · ')} — {t('duty.silence.until', { time: formatTime(s.endsAt, lang) })} · {s.createdBy} · <q>{s.reason}</q>
              </span>
              <button type="button" disabled={busy} onClick={() => onEnd(s.id)}>
                {t('duty.silence.end')}
              </button>
            </li>
          )
        })}
      </ul>
    </details>
  )
}
