import { useState, type FormEvent } from 'react'
import { doneReplySchema } from '../../../common/api/auth-api'
import { postJson } from '../api/http'
import { useAuth } from '../auth/auth'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { AppHeader } from '../ui/app-header'
import { FormMessages } from './admin-controls'
import { firstError, passwordError, requiredError, serverError } from './form-errors'
import './admin.css'

/**
 * Every account's own page (/account): who is signed in, with which role and
 * region, until when; and changing one's password — where the first-start
 * warning in the header leads.
 */
export function AccountPage() {
  const { me, reload } = useAuth()
  const { t, name, lang } = useI18n()
  const catalog = useCatalog()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [again, setAgain] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState(false)
  const [busy, setBusy] = useState(false)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const problem = firstError(
      requiredError(current, t('account.password.current'), t),
      passwordError(next, t('account.password.new'), t),
      next === again ? null : t('form.passwordMismatch', { field: t('account.password.confirm') }),
    )
    setError(problem)
    setDone(false)
    if (problem) return
    setBusy(true)
    postJson('/api/me/password', { current, password: next }, doneReplySchema)
      .then(() => {
        setDone(true)
        setCurrent('')
        setNext('')
        setAgain('')
        // The account's first-start flag is gone: the header's warning too.
        reload()
      })
      .catch((err: unknown) => setError(serverError(err, t)))
      .finally(() => setBusy(false))
  }

  return (
    <div className="view admin-view">
      <AppHeader current="account" title={t('account.title')} />
      <section className="admin-section" data-testid="account-page">
        {me.demo && (
          <p className="admin-warn" role="alert" data-testid="account-demo">
            {t('account.demo')}
          </p>
        )}
        <dl className="admin-facts">
          <dt>{t('account.name')}</dt>
          <dd data-testid="account-name">{me.name}</dd>
          <dt>{t('account.role')}</dt>
          <dd>{t(`auth.role.${me.role}`)}</dd>
          <dt>{t('account.region')}</dt>
          <dd>{name(catalog.region(me.region)?.name) || me.region}</dd>
          <dt>{t('account.session')}</dt>
          <dd>{new Date(me.expiresAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB')}</dd>
        </dl>
      </section>
      <section className="admin-section">
        <h2>{t('account.password.title')}</h2>
        <form className="admin-form" onSubmit={submit} data-testid="password-form" noValidate>
          <label>
            {t('account.password.current')}
            <input type="password" autoComplete="current-password" name="current" value={current} onChange={(e) => setCurrent(e.target.value)} />
          </label>
          <label>
            {t('account.password.new')}
            <input type="password" autoComplete="new-password" name="password" value={next} onChange={(e) => setNext(e.target.value)} />
          </label>
          <label>
            {t('account.password.confirm')}
            <input type="password" autoComplete="new-password" name="confirm" value={again} onChange={(e) => setAgain(e.target.value)} />
          </label>
          <button type="submit" disabled={busy}>
            {busy ? t('form.saving') : t('account.password.submit')}
          </button>
          <FormMessages error={error} done={done ? t('account.password.done') : null} />
        </form>
      </section>
    </div>
  )
}
