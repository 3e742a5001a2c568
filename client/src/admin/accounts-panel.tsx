import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { accountListReplySchema, accountReplySchema } from '../../../common/api/auth-api'
import { ROLES, type AccountView, type Role } from '../../../common/auth'
import { getJson, patchJson, postJson } from '../api/http'
import { useAuth } from '../auth/auth'
import { useI18n } from '../i18n/i18n'
import { FormMessages, RegionPicker } from './admin-controls'
import { firstError, nameError, passwordError, requiredError, serverError } from './form-errors'

/**
 * Accounts (/admin/accounts): the accounts of the admin's subtree, a form to
 * create one, and per account its role and region, enabling and disabling, and
 * a password reset. The server keeps an admin to its own subtree (a city admin
 * cannot make a provincial account); the region picker offers only that.
 */
export function AccountsPanel() {
  const { t } = useI18n()
  const { me } = useAuth()
  const [accounts, setAccounts] = useState<AccountView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const load = useCallback(() => {
    getJson('/api/users', accountListReplySchema).then(
      (r) => setAccounts(r.users.toSorted((a, b) => a.name.localeCompare(b.name))),
      (err: unknown) => setError(serverError(err, t)),
    )
  }, [t])
  useEffect(load, [load])

  const [form, setForm] = useState({ name: '', role: 'leader' as Role, region: me.region, password: '' })
  const create = (e: FormEvent) => {
    e.preventDefault()
    const problem = firstError(
      nameError(form.name, t('admin.accounts.name'), t),
      requiredError(form.region, t('admin.accounts.region'), t),
      passwordError(form.password, t('admin.accounts.password'), t),
    )
    setError(problem)
    setNotice(null)
    if (problem) return
    postJson('/api/users', form, accountReplySchema).then(
      (a) => {
        setNotice(t('admin.accounts.created', { name: a.name }))
        setForm({ ...form, name: '', password: '' })
        load()
      },
      (err: unknown) => setError(serverError(err, t)),
    )
  }
  const update = (account: string, patch: Partial<Pick<AccountView, 'role' | 'region' | 'disabled'>> | { password: string }) =>
    patchJson(`/api/users/${encodeURIComponent(account)}`, patch, accountReplySchema).then(
      () => {
        setError(null)
        setNotice(t('admin.accounts.saved', { name: account }))
        load()
      },
      (err: unknown) => setError(serverError(err, t)),
    )
  const reset = (account: string) => {
    const password = prompt(t('admin.accounts.resetPrompt', { name: account }))
    if (password === null) return
    const problem = passwordError(password, t('admin.accounts.password'), t)
    if (problem) return setError(problem)
    void update(account, { password })
  }

  const regionSelect = (value: string, onChange: (code: string) => void, label: string, testId: string) => <RegionPicker value={value} onChange={onChange} label={label} testId={testId} />
  const roleSelect = (value: Role, onChange: (role: Role) => void, label: string, testId: string) => (
    <select value={value} onChange={(e) => onChange(e.target.value as Role)} aria-label={label} data-testid={testId}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`auth.role.${r}`)}
        </option>
      ))}
    </select>
  )

  return (
    <>
      <section className="admin-section">
        <h2>{t('admin.accounts.create')}</h2>
        <form className="admin-form" onSubmit={create} data-testid="account-form" noValidate>
          <label>
            {t('admin.accounts.name')}
            <input name="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} autoComplete="off" />
          </label>
          <label>
            {t('admin.accounts.role')}
            {roleSelect(form.role, (role) => setForm({ ...form, role }), t('admin.accounts.role'), 'new-role')}
          </label>
          <label>
            {t('admin.accounts.region')}
            {regionSelect(form.region, (region) => setForm({ ...form, region }), t('admin.accounts.region'), 'new-region')}
          </label>
          <label>
            {t('admin.accounts.password')}
            <input name="password" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          </label>
          <button type="submit">{t('admin.accounts.create')}</button>
          <FormMessages error={error} done={notice} />
        </form>
      </section>
      <section className="admin-section">
        <table className="admin-table" data-testid="accounts">
          <thead>
            <tr>
              <th>{t('admin.accounts.name')}</th>
              <th>{t('admin.accounts.role')}</th>
              <th>{t('admin.accounts.region')}</th>
              <th>{t('admin.accounts.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(accounts ?? []).map((a) => (
              <tr key={a.name} data-account={a.name} data-disabled={a.disabled ? '' : undefined}>
                <td>
                  {a.name}
                  {a.demo && <span className="muted"> · {t('admin.accounts.demoPassword')}</span>}
                </td>
                <td>{roleSelect(a.role, (role) => void update(a.name, { role }), t('admin.accounts.role'), 'role')}</td>
                <td>{regionSelect(a.region, (region) => void update(a.name, { region }), t('admin.accounts.region'), 'region')}</td>
                <td>{a.disabled ? t('admin.accounts.disabled') : t('admin.accounts.enabled')}</td>
                <td>
                  <button type="button" data-testid="toggle" onClick={() => void update(a.name, { disabled: !a.disabled })} disabled={a.name === me.name}>
                    {a.disabled ? t('admin.accounts.enable') : t('admin.accounts.disable')}
                  </button>{' '}
                  <button type="button" data-testid="reset" onClick={() => reset(a.name)}>
                    {t('admin.accounts.reset')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {accounts?.length === 0 && <p className="muted">{t('admin.empty')}</p>}
        {accounts === null && <p className="muted">{t('data.loading')}</p>}
      </section>
    </>
  )
}
