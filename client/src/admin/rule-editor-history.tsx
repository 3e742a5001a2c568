import { useEffect, useMemo, useState } from 'react'
import { ruleHistoryReplySchema, type RuleHistoryReply } from '../../../common/api/rules-api'
import { getJson } from '../api/http'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import type { MessageKey } from '../i18n/messages'
import { serverError } from './form-errors'
import { ruleFieldChanges, ruleValueText, type CatalogNames } from './rule-editor-diff'
import { ruleFieldLabel } from './rule-fields'

/**
 * A rule's changes (GET /api/rules/:id/history), newest first: who, when,
 * what they did, and for an edit each field it changed, before → after, in
 * the page's language — "条件 · 解除值 180 → —", not two blobs of JSON.
 */

const ACTIONS: Record<RuleHistoryReply['changes'][number]['action'], MessageKey> = {
  created: 'wallEdit.action.created',
  updated: 'wallEdit.action.updated',
  deleted: 'wallEdit.action.deleted',
  enabled: 'ruleEdit.action.enabled',
  disabled: 'ruleEdit.action.disabled',
}

export function RuleHistory({ id }: { id: string }) {
  const { t, name, lang } = useI18n()
  const catalog = useCatalog()
  const [changes, setChanges] = useState<RuleHistoryReply['changes'] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    getJson(`/api/rules/${encodeURIComponent(id)}/history`, ruleHistoryReplySchema).then(
      (r) => current && setChanges(r.changes),
      (e: unknown) => current && setError(serverError(e, t)),
    )
    return () => {
      current = false
    }
  }, [id, t])
  const names = useMemo<CatalogNames>(
    () => ({
      indicator: (code) => {
        const indicator = catalog.indicator(code)
        return indicator ? name(indicator.name) : undefined
      },
      region: (code) => {
        const region = catalog.region(code)
        return region ? name(region.name) : undefined
      },
    }),
    [catalog, name],
  )

  if (error) return <p className="admin-error">{error}</p>
  if (!changes) return <p className="muted">{t('data.loading')}</p>
  if (changes.length === 0) return <p className="muted">{t('wallEdit.historyEmpty')}</p>
  return (
    <ol className="wall-edit-history rule-edit-history" data-testid="document-history">
      {changes.map((c) => {
        // Enabling and disabling say all in their action; a creation or a deletion has no "before" or "after" to set against.
        const fields = c.action === 'updated' ? ruleFieldChanges(c.before, c.after) : []
        const parts = [...new Set(fields.map((f) => f.part))]
        return (
          <li key={c.version} data-testid="history-entry" data-action={c.action} data-actor={c.actor} data-version={c.version}>
            <b>v{c.version}</b> {new Date(c.at).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB')} · {c.actor} · {t(ACTIONS[c.action])}
            {fields.length > 0 && (
              <table className="admin-table rule-edit-diff">
                <thead>
                  <tr>
                    <th>{t('ruleEdit.history.field')}</th>
                    <th>{t('ruleEdit.history.before')}</th>
                    <th />
                    <th>{t('ruleEdit.history.after')}</th>
                  </tr>
                </thead>
                {parts.map((part) => (
                  <tbody key={part} data-testid="history-diff" data-part={part}>
                    {fields
                      .filter((f) => f.part === part)
                      .map((f) => (
                        <tr key={f.path.join('.')} data-testid="history-field" data-field={f.path.join('.')}>
                          <td>{ruleFieldLabel(f.path, t)}</td>
                          <td>
                            <del>{ruleValueText(f.path, f.before, t, names)}</del>
                          </td>
                          <td aria-hidden="true">→</td>
                          <td>
                            <ins>{ruleValueText(f.path, f.after, t, names)}</ins>
                          </td>
                        </tr>
                      ))}
                  </tbody>
                ))}
              </table>
            )}
          </li>
        )
      })}
    </ol>
  )
}
