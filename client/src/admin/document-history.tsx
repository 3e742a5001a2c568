import { useEffect, useState } from 'react'
import { documentHistoryReplySchema, type DocumentChange } from '../../../common/api/walls-api'
import { getJson } from '../api/http'
import { useI18n } from '../i18n/i18n'
import { serverError } from './form-errors'
import { changedParts } from './wall-fields'

const ACTIONS = {
  created: 'wallEdit.action.created',
  updated: 'wallEdit.action.updated',
  deleted: 'wallEdit.action.deleted',
} as const

/**
 * A wall's or playlist's changes, newest first: who, when, what they did,
 * and which parts changed (title, root, a column, the map, the tour…), each
 * before → after on demand. Read again when `version` moves (a save).
 */
export function DocumentHistory({ url, version }: { url: string; version: number | undefined }) {
  const { t, lang } = useI18n()
  const [changes, setChanges] = useState<DocumentChange[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    getJson(url, documentHistoryReplySchema).then(
      (r) => setChanges(r.changes),
      (e: unknown) => setError(serverError(e, t)),
    )
  }, [url, version, t])
  if (error) return <p className="admin-error">{error}</p>
  if (!changes) return <p className="muted">{t('data.loading')}</p>
  if (changes.length === 0) return <p className="muted">{t('wallEdit.historyEmpty')}</p>
  return (
    <ol className="wall-edit-history" data-testid="document-history">
      {changes.map((c) => {
        const parts = changedParts(c.before, c.after)
        return (
          <li key={c.version} data-testid="history-entry" data-action={c.action} data-actor={c.actor}>
            <b>v{c.version}</b> {new Date(c.at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB')} · {c.actor} · {t(ACTIONS[c.action])}
            {c.action === 'updated' && parts.length > 0 && (
              <details>
                <summary>{t('wallEdit.changed', { parts: parts.map((p) => p.part).join('、') })}</summary>
                {parts.map((p) => (
                  <div key={p.part} className="wall-edit-diff" data-testid="history-diff" data-part={p.part}>
                    <span>{p.part}</span>
                    <del>{p.before}</del>
                    <ins>{p.after}</ins>
                  </div>
                ))}
              </details>
            )}
          </li>
        )
      })}
    </ol>
  )
}
