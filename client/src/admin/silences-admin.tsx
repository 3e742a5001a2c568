import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react'
import type { Silence, SilenceMatchers } from '../../../common/alert-state'
import { silenceListReplySchema, silenceReplySchema, type CreateSilenceBody } from '../../../common/api/alerts-api'
import { ruleListReplySchema } from '../../../common/api/rules-api'
import { SEVERITIES, type Rule, type Severity } from '../../../common/rule-schema'
import { getJson, postJson } from '../api/http'
import { useAuth } from '../auth/auth'
import { useCatalog } from '../data/catalog'
import { formatTime } from '../duty/duty-format'
import { DEFAULT_SILENCE_MINUTES, SilenceDurationSelect } from '../duty/silence-dialog'
import { useSilenceMatchersText } from '../duty/silences-panel'
import { useI18n } from '../i18n/i18n'
import { FormMessages, RegionPicker } from './admin-controls'
import { requiredError, serverError } from './form-errors'
import { SilencePreview, useSilencePreview } from './silences-preview'
import { silenceEndable, silenceStatus } from './silences-status'

/**
 * Silences (/admin/silences): a form of matchers (rule, indicator, region and
 * below, station, severity) with the open alerts they would silence now, shown
 * before the silence is made; and every silence of the admin's region, in
 * force or over (ended early, expired, or ended as its alerts resolved), each
 * in force one with a button to end it now. The duty console's silence dialog
 * shares its duration picker and the words for matchers.
 */
export function SilencesAdmin() {
  const { t } = useI18n()
  const { me } = useAuth()
  const catalog = useCatalog()
  const [rules, setRules] = useState<Rule[]>([])
  const [silences, setSilences] = useState<Silence[] | null>(null)
  /** Bumped by every create and end: the preview and the history are read again. */
  const [version, setVersion] = useState(0)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  useEffect(() => {
    getJson('/api/rules', ruleListReplySchema).then(
      (r) => setRules(r.rules.toSorted((a, b) => a.id.localeCompare(b.id))),
      (err: unknown) => setError(serverError(err, t)),
    )
  }, [t])
  // Every silence, ended ones too (all=1); read again after each create and end (version).
  useEffect(() => {
    getJson('/api/silences?all=1', silenceListReplySchema).then(
      (r) => setSilences(r.silences),
      (err: unknown) => setError(serverError(err, t)),
    )
  }, [t, version])

  const [form, setForm] = useState({ ruleId: '', indicator: '', region: me.region, station: '', severity: '' as Severity | '', minutes: DEFAULT_SILENCE_MINUTES, reason: '' })
  const matchers = useMemo<SilenceMatchers>(
    () => ({
      ...(form.ruleId && { ruleId: form.ruleId }),
      ...(form.indicator && { indicator: form.indicator }),
      region: form.region,
      ...(form.station && { station: form.station }),
      ...(form.severity && { severity: form.severity }),
    }),
    [form.ruleId, form.indicator, form.region, form.station, form.severity],
  )
  const preview = useSilencePreview(matchers, version)
  const stations = useMemo(() => catalog.catalog.stations.filter((s) => catalog.tree.isWithin(s.region, form.region)), [catalog, form.region])

  const create = (e: FormEvent) => {
    e.preventDefault()
    const problem = requiredError(form.reason, t('admin.silences.reason'), t)
    setError(problem)
    setNotice(null)
    if (problem) return
    const body: CreateSilenceBody = { matchers, durationMinutes: form.minutes, reason: form.reason.trim() }
    postJson('/api/silences', body, silenceReplySchema).then(
      (s) => {
        setNotice(t('admin.silences.created', { count: s.silenced.length }))
        setForm({ ...form, reason: '' })
        setVersion((v) => v + 1)
      },
      (err: unknown) => setError(serverError(err, t)),
    )
  }
  const end = (s: Silence) => {
    if (!confirm(t('admin.silences.confirmEnd'))) return
    postJson(`/api/silences/${encodeURIComponent(s.id)}/end`, {}, silenceReplySchema).then(
      () => {
        setError(null)
        setNotice(t('admin.silences.ended'))
        setVersion((v) => v + 1)
      },
      (err: unknown) => setError(serverError(err, t)),
    )
  }

  const any = <option value="">{t('admin.silences.any')}</option>
  return (
    <>
      <section className="admin-section">
        <h2>{t('admin.silences.create')}</h2>
        <form className="admin-form" onSubmit={create} data-testid="silence-form" noValidate>
          <label>
            {t('admin.silences.rule')}
            <select name="ruleId" value={form.ruleId} onChange={(e) => setForm({ ...form, ruleId: e.target.value })}>
              {any}
              {rules.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id} · {r.name.zh}
                </option>
              ))}
            </select>
          </label>
          <IndicatorSelect value={form.indicator} onChange={(indicator) => setForm({ ...form, indicator })} any={any} />
          <label>
            {t('admin.silences.region')}
            <RegionPicker
              value={form.region}
              onChange={(region) => setForm({ ...form, region, station: stations.some((s) => s.code === form.station && catalog.tree.isWithin(s.region, region)) ? form.station : '' })}
              label={t('admin.silences.region')}
              testId="silence-region"
            />
          </label>
          <StationSelect value={form.station} stations={stations} onChange={(station) => setForm({ ...form, station })} any={any} />
          <label>
            {t('admin.silences.severity')}
            <select name="severity" value={form.severity} onChange={(e) => setForm({ ...form, severity: SEVERITIES.find((s) => s === e.target.value) ?? '' })}>
              {any}
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`alerts.severity.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('admin.silences.duration')}
            <SilenceDurationSelect value={form.minutes} onChange={(minutes) => setForm({ ...form, minutes })} testId="silence-duration" />
          </label>
          <label className="silences-reason">
            {t('admin.silences.reason')}
            <input name="reason" maxLength={500} placeholder={t('admin.silences.reasonPlaceholder')} value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
          </label>
          <button type="submit">{t('admin.silences.submit')}</button>
          <FormMessages error={error} done={notice} />
        </form>
        <SilencePreview alerts={preview.alerts} error={preview.error} />
      </section>
      <SilenceHistory silences={silences} onEnd={end} />
    </>
  )
}

function IndicatorSelect({ value, onChange, any }: { value: string; onChange(code: string): void; any: ReactNode }) {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  return (
    <label>
      {t('admin.silences.indicator')}
      <select name="indicator" value={value} onChange={(e) => onChange(e.target.value)}>
        {any}
        {catalog.catalog.indicators.map((i) => (
          <option key={i.code} value={i.code}>
            {name(i.name)}
          </option>
        ))}
      </select>
    </label>
  )
}

function StationSelect({ value, stations, onChange, any }: { value: string; stations: ReadonlyArray<{ code: string; name: { zh: string; en: string } }>; onChange(code: string): void; any: ReactNode }) {
  const { t, name } = useI18n()
  return (
    <label>
      {t('admin.silences.station')}
      <select name="station" value={value} onChange={(e) => onChange(e.target.value)}>
        {any}
        {stations.map((s) => (
          <option key={s.code} value={s.code}>
            {name(s.name)}
          </option>
        ))}
      </select>
    </label>
  )
}

/** Every silence of the admin's region, newest first: what it matched, when, who, why, what it silenced, and how it ended. */
function SilenceHistory({ silences, onEnd }: { silences: Silence[] | null; onEnd(s: Silence): void }) {
  const { t, lang } = useI18n()
  const what = useSilenceMatchersText()
  const now = Date.now()
  return (
    <section className="admin-section">
      <h2>{t('admin.silences.history')}</h2>
      <table className="admin-table" data-testid="silences">
        <thead>
          <tr>
            <th>{t('admin.silences.state')}</th>
            <th>{t('admin.silences.matchers')}</th>
            <th>{t('admin.silences.period')}</th>
            <th>{t('admin.silences.createdBy')}</th>
            <th>{t('admin.silences.reason')}</th>
            <th>{t('admin.silences.silenced')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(silences ?? []).map((s) => {
            const { status, endedBy } = silenceStatus(s, now)
            return (
              <tr key={s.id} data-silence={s.id} data-state={status}>
                <td>
                  {t(`admin.silences.state.${status}`)}
                  {s.endedAt !== null && (
                    <div className="muted">{endedBy ? t('admin.silences.endedBy', { name: endedBy, time: formatTime(s.endedAt, lang) }) : t('admin.silences.endedAt', { time: formatTime(s.endedAt, lang) })}</div>
                  )}
                </td>
                <td>{what(s.matchers)}</td>
                <td>
                  {formatTime(s.startsAt, lang)} – {formatTime(s.endsAt, lang)}
                </td>
                <td>{s.createdBy}</td>
                <td>{s.reason}</td>
                <td>{t('admin.silences.count', { count: s.silenced.length })}</td>
                <td>
                  {silenceEndable(s, now) && (
                    <button type="button" data-testid="end-silence" onClick={() => onEnd(s)}>
                      {t('admin.silences.end')}
                    </button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {silences?.length === 0 && <p className="muted">{t('admin.empty')}</p>}
      {silences === null && <p className="muted">{t('data.loading')}</p>}
    </section>
  )
}
