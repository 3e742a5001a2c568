import { useEffect, useState, type FormEvent } from 'react'
import { AUDIT_KINDS, auditReplySchema, type AuditEntry, type AuditReply } from '../../../common/api/audit-api'
import { accountListReplySchema } from '../../../common/api/auth-api'
import { getJson } from '../api/http'
import { useCatalog } from '../data/catalog'
import { localeOf } from '../duty/duty-format'
import { useI18n } from '../i18n/i18n'
import { FormMessages } from './admin-controls'
import { auditActionKey, auditQuery, NO_AUDIT_FILTERS, type AuditFilters } from './audit-query'
import { serverError } from './form-errors'

/**
 * The audit trail (/admin/audit): sign-ins, account and key changes, rule
 * changes and what people did to alerts and silences, in one list newest
 * first, filtered by account, kind and time, and exported as CSV with the
 * same filters. The server keeps a city's admin to its city.
 */
export function AuditPanel() {
  const { t } = useI18n()
  const [filters, setFilters] = useState<AuditFilters>(NO_AUDIT_FILTERS)
  /** The query of the list shown: the CSV exports exactly that. */
  const [applied, setApplied] = useState(auditQuery(NO_AUDIT_FILTERS))
  /** Bumped by every search, so the same query asked again reads the log again. */
  const [searches, setSearches] = useState(0)
  const [reply, setReply] = useState<{ query: string; body: AuditReply } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [accounts, setAccounts] = useState<string[]>([])

  useEffect(() => {
    getJson('/api/users', accountListReplySchema).then(
      (r) => setAccounts(r.users.map((u) => u.name).toSorted()),
      () => {
        // Only a convenience for the account field: typing a name works without it.
      },
    )
  }, [])
  useEffect(() => {
    let current = true
    getJson(`/api/audit${applied}`, auditReplySchema).then(
      (body) => {
        if (!current) return
        setReply({ query: applied, body })
        setError(null)
      },
      (err: unknown) => current && setError(serverError(err, t)),
    )
    return () => {
      current = false
    }
  }, [applied, searches, t])

  const search = (e: FormEvent) => {
    e.preventDefault()
    setApplied(auditQuery(filters))
    setSearches((n) => n + 1)
  }
  const toggleKind = (kind: (typeof AUDIT_KINDS)[number], on: boolean) => setFilters({ ...filters, what: on ? [...filters.what, kind] : filters.what.filter((k) => k !== kind) })
  const loading = reply?.query !== applied

  return (
    <>
      <section className="admin-section">
        <form className="admin-form" onSubmit={search} data-testid="audit-filters" noValidate>
          <label>
            {t('admin.audit.who')}
            <input name="who" list="audit-accounts" placeholder={t('admin.audit.whoPlaceholder')} value={filters.who} onChange={(e) => setFilters({ ...filters, who: e.target.value })} autoComplete="off" />
            <datalist id="audit-accounts">
              {accounts.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </label>
          <fieldset className="audit-kinds">
            <legend>{t('admin.audit.what')}</legend>
            {AUDIT_KINDS.map((k) => (
              <label key={k}>
                <input type="checkbox" name="what" value={k} checked={filters.what.includes(k)} onChange={(e) => toggleKind(k, e.target.checked)} /> {t(`admin.audit.kind.${k}`)}
              </label>
            ))}
          </fieldset>
          <label>
            {t('admin.audit.from')}
            <input name="from" type="datetime-local" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} title={t('admin.audit.defaultRange')} />
          </label>
          <label>
            {t('admin.audit.to')}
            <input name="to" type="datetime-local" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} />
          </label>
          <button type="submit">{t('admin.audit.search')}</button>
          <a className="audit-export" href={`/api/audit.csv${applied}`} download data-testid="audit-csv">
            {t('admin.audit.export')}
          </a>
          <FormMessages error={error} />
        </form>
      </section>
      <section className="admin-section">
        {reply && (
          <p className="muted" data-testid="audit-count">
            {reply.body.more ? t('admin.audit.more', { count: reply.body.entries.length }) : t('admin.audit.count', { count: reply.body.entries.length })}
          </p>
        )}
        <AuditTable entries={reply?.body.entries ?? []} loading={loading} />
        {!loading && reply?.body.entries.length === 0 && <p className="muted">{t('admin.empty')}</p>}
        {loading && <p className="muted">{t('data.loading')}</p>}
      </section>
    </>
  )
}

function AuditTable({ entries, loading }: { entries: readonly AuditEntry[]; loading: boolean }) {
  const { t, name, lang } = useI18n()
  const catalog = useCatalog()
  const time = (ms: number) => new Date(ms).toLocaleString(localeOf(lang), { dateStyle: 'short', timeStyle: 'medium' })
  const action = (e: AuditEntry) => {
    const key = auditActionKey(e)
    return key ? t(key) : e.action
  }
  return (
    <table className="admin-table audit-table" data-testid="audit" aria-busy={loading}>
      <thead>
        <tr>
          <th>{t('admin.audit.time')}</th>
          <th>{t('admin.audit.kind')}</th>
          <th>{t('admin.audit.action')}</th>
          <th>{t('admin.audit.actor')}</th>
          <th>{t('admin.audit.subject')}</th>
          <th>{t('admin.audit.region')}</th>
          <th>{t('admin.audit.detail')}</th>
          <th>{t('admin.audit.address')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e, i) => (
          <tr key={`${e.at}-${e.kind}-${e.action}-${e.subject}-${i}`} data-kind={e.kind} data-action={e.action} data-subject={e.subject} data-actor={e.actor}>
            <td>{time(e.at)}</td>
            <td>{t(`admin.audit.kind.${e.kind}`)}</td>
            <td>{action(e)}</td>
            <td>{e.actor || <span className="muted">{t('admin.audit.nobody')}</span>}</td>
            <td>
              <code>{e.subject}</code>
            </td>
            <td>{e.region === null ? '' : name(catalog.region(e.region)?.name) || e.region}</td>
            <td className="audit-detail">{e.detail}</td>
            <td>{e.address}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
