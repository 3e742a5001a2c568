import { useEffect, useState } from 'react'
import type { Alert, SilenceMatchers } from '../../../common/alert-state'
import { alertListReplySchema } from '../../../common/api/alerts-api'
import { postJson } from '../api/http'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { serverError } from './form-errors'

/** How long the matchers must stay put before the preview is asked for: typing a reason or picking in a list sends one request, not one per change. */
const PREVIEW_SETTLE_MS = 300

/**
 * What a silence with these matchers would silence now: the open alerts the
 * server's own matching (POST /api/silences/preview) finds. Asked again when
 * the matchers change (pass them memoised: a new object is a change) and when
 * `version` does (a silence was created or ended).
 */
export function useSilencePreview(matchers: SilenceMatchers, version: number): { alerts: Alert[] | null; error: string | null } {
  const { t } = useI18n()
  // Kept with what it answers: a result for other matchers is not shown while the new one is on its way.
  const [result, setResult] = useState<{ matchers: SilenceMatchers; version: number; alerts: Alert[] | null; error: string | null } | null>(null)
  useEffect(() => {
    let current = true
    const timer = setTimeout(() => {
      postJson('/api/silences/preview', { matchers }, alertListReplySchema).then(
        (r) => current && setResult({ matchers, version, alerts: r.alerts, error: null }),
        (err: unknown) => current && setResult({ matchers, version, alerts: null, error: serverError(err, t) }),
      )
    }, PREVIEW_SETTLE_MS)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [matchers, version, t])
  return result && result.matchers === matchers && result.version === version ? { alerts: result.alerts, error: result.error } : { alerts: null, error: null }
}

/** The alerts a new silence would cover, each with its severity, where, and whether another silence covers it already. */
export function SilencePreview({ alerts, error }: { alerts: Alert[] | null; error: string | null }) {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  if (error)
    return (
      <p className="admin-error" role="alert">
        {error}
      </p>
    )
  if (alerts === null) return <p className="muted">{t('admin.silences.previewLoading')}</p>
  return (
    <div className="silences-preview" data-testid="silence-preview" data-count={alerts.length}>
      <h3>{t('admin.silences.preview', { count: alerts.length })}</h3>
      {alerts.length === 0 ? (
        <p className="muted">{t('admin.silences.previewNone')}</p>
      ) : (
        <ul>
          {alerts.map((a) => (
            <li key={a.id} data-alert={a.id}>
              <span className={`silences-sev silences-sev-${a.severity}`}>{t(`alerts.severity.${a.severity}`)}</span> {name(a.message)}
              <span className="muted">
                {' '}
                · {name(catalog.region(a.region)?.name) || a.region} · {t(`alerts.state.${a.state}`)}
              </span>
              {a.silencedBy && <span className="silences-tag">{t('alerts.silenced')}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
