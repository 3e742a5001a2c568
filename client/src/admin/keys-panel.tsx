import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { createKeyReplySchema, keyListReplySchema, keyReplySchema } from '../../../common/api/auth-api'
import type { KeyView } from '../../../common/auth'
import { getJson, postJson } from '../api/http'
import { useAuth } from '../auth/auth'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { FormMessages, RegionPicker } from './admin-controls'
import { firstError, requiredError, serverError } from './form-errors'

/**
 * Ingest keys (/admin/keys): create one for a source (the indicators and
 * regions it may write; the secret is shown once, with a copy button), list
 * them, revoke one. Keys are kept to the admin's subtree by the server.
 */
export function KeysPanel() {
  const { t, name, lang } = useI18n()
  const { me } = useAuth()
  const catalog = useCatalog()
  const [keys, setKeys] = useState<KeyView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  const load = useCallback(() => {
    getJson('/api/keys', keyListReplySchema).then(
      (r) => setKeys(r.keys.toSorted((a, b) => b.createdAt - a.createdAt)),
      (err: unknown) => setError(serverError(err, t)),
    )
  }, [t])
  useEffect(load, [load])

  const [keyName, setKeyName] = useState('')
  const [allIndicators, setAllIndicators] = useState(true)
  const [indicators, setIndicators] = useState<string[]>([])
  const [region, setRegion] = useState(me.region)
  const create = (e: FormEvent) => {
    e.preventDefault()
    const problem = firstError(
      requiredError(keyName, t('admin.keys.name'), t),
      allIndicators || indicators.length > 0 ? null : t('form.required', { field: t('admin.keys.indicators') }),
    )
    setError(problem)
    setSecret(null)
    if (problem) return
    // A provincial admin's "whole province" is every region; anyone else's is their subtree.
    const regionList = region === catalog.tree.root.code ? ['*'] : [region]
    postJson('/api/keys', { name: keyName.trim(), indicators: allIndicators ? ['*'] : indicators, regions: regionList }, createKeyReplySchema).then(
      (r) => {
        setSecret(r.key)
        setCopied(false)
        setKeyName('')
        load()
      },
      (err: unknown) => setError(serverError(err, t)),
    )
  }
  const revoke = (k: KeyView) => {
    if (!confirm(t('admin.keys.confirmRevoke', { name: k.name }))) return
    postJson(`/api/keys/${encodeURIComponent(k.id)}/revoke`, {}, keyReplySchema).then(load, (err: unknown) => setError(serverError(err, t)))
  }
  const copy = () => {
    if (!secret) return
    navigator.clipboard?.writeText(secret).then(
      () => setCopied(true),
      () => setCopied(false),
    )
  }
  const scopeText = (list: readonly string[], nameOf: (code: string) => string) => (list.includes('*') ? t('admin.keys.all') : list.map(nameOf).join('、'))

  return (
    <>
      <section className="admin-section">
        <h2>{t('admin.keys.create')}</h2>
        <form className="admin-form" onSubmit={create} data-testid="key-form" noValidate>
          <label>
            {t('admin.keys.name')}
            <input name="name" value={keyName} onChange={(e) => setKeyName(e.target.value)} autoComplete="off" />
          </label>
          <label>
            {t('admin.keys.regions')}
            <RegionPicker value={region} onChange={setRegion} label={t('admin.keys.regions')} testId="key-region" />
          </label>
          <label>
            {t('admin.keys.indicators')}
            <span className="admin-checks">
              <label>
                <input type="checkbox" checked={allIndicators} onChange={(e) => setAllIndicators(e.target.checked)} data-testid="key-all-indicators" />
                {t('admin.keys.all')}
              </label>
              {!allIndicators &&
                catalog.catalog.indicators.map((i) => (
                  <label key={i.code}>
                    <input
                      type="checkbox"
                      value={i.code}
                      checked={indicators.includes(i.code)}
                      onChange={(e) => setIndicators(e.target.checked ? [...indicators, i.code] : indicators.filter((c) => c !== i.code))}
                    />
                    {name(i.name)}
                  </label>
                ))}
            </span>
          </label>
          <button type="submit">{t('admin.keys.create')}</button>
          <FormMessages error={error} />
        </form>
        {secret && (
          <div className="admin-secret" role="status">
            <span>{t('admin.keys.secret')}</span>
            <code data-testid="key-secret">{secret}</code>
            <button type="button" onClick={copy} data-testid="key-copy">
              {copied ? t('admin.keys.copied') : t('admin.keys.copy')}
            </button>
          </div>
        )}
      </section>
      <section className="admin-section">
        <table className="admin-table" data-testid="keys">
          <thead>
            <tr>
              <th>{t('admin.keys.name')}</th>
              <th>{t('admin.keys.indicators')}</th>
              <th>{t('admin.keys.regions')}</th>
              <th>{t('admin.keys.createdBy')}</th>
              <th>{t('admin.accounts.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(keys ?? []).map((k) => (
              <tr key={k.id} data-key={k.id} data-name={k.name} data-revoked={k.revoked ? '' : undefined}>
                <td>{k.name}</td>
                <td>{scopeText(k.indicators, (c) => name(catalog.indicator(c)?.name) || c)}</td>
                <td>{scopeText(k.regions, (c) => name(catalog.region(c)?.name) || c)}</td>
                <td>
                  {k.createdBy} · {new Date(k.createdAt).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB')}
                </td>
                <td>{k.revoked ? t('admin.keys.revoked') : t('admin.keys.active')}</td>
                <td>
                  {!k.revoked && (
                    <button type="button" data-testid="revoke" onClick={() => revoke(k)}>
                      {t('admin.keys.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {keys?.length === 0 && <p className="muted">{t('admin.empty')}</p>}
      </section>
    </>
  )
}
