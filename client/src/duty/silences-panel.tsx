import type { Silence, SilenceMatchers } from '../../../common/alert-state'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { formatTime } from './duty-format'

/** What a silence's matchers cover, in words: `规则 aqi-high · 东区 · 警告` (here and in the console's silences page). */
export function useSilenceMatchersText(): (m: SilenceMatchers) => string {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  return (m) =>
    [
      m.ruleId && `${t('duty.rule')} ${m.ruleId}`,
      m.region && name(catalog.region(m.region)?.name),
      m.station && (name(catalog.station(m.station)?.name) || m.station),
      m.indicator && name(catalog.indicator(m.indicator)?.name),
      m.severity && t(`alerts.severity.${m.severity}`),
    ]
      .filter(Boolean)
      .join(' · ')
}

/** Silences in force: what they match, until when, who and why; each can be ended early. */
export function SilencesPanel({ silences, busy, onEnd }: { silences: readonly Silence[]; busy: boolean; onEnd(id: string): void }) {
  const { t, lang } = useI18n()
  const what = useSilenceMatchersText()
  if (silences.length === 0) return null
  return (
    <details className="duty-silences" data-testid="duty-silences">
      <summary>{t('duty.silence.active', { count: silences.length })}</summary>
      <ul>
        {silences.map((s) => (
          <li key={s.id}>
            <span>
              {what(s.matchers)} — {t('duty.silence.until', { time: formatTime(s.endsAt, lang) })} · {s.createdBy} · <q>{s.reason}</q>
            </span>
            <button type="button" disabled={busy} onClick={() => onEnd(s.id)}>
              {t('duty.silence.end')}
            </button>
          </li>
        ))}
      </ul>
    </details>
  )
}
