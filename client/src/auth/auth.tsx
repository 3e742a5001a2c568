import { createContext, useCallback, useContext, useEffect, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react'
import { navigate } from '../navigation'
import type { Me } from '../../../common/auth'
import { doneReplySchema, loginReplySchema, meReplySchema } from '../../../common/api/auth-api'
import { ApiRequestError, getJson, postJson, UNAUTHENTICATED_EVENT } from '../api/http'
import { useI18n } from '../i18n/i18n'
import './auth.css'

/**
 * The signed-in account: asked of the server once (GET /api/me), shown as a
 * sign-in form while there is none, and again whenever the server answers
 * 401 (the session ended). The session itself is an HttpOnly cookie the
 * browser sends with every request and the socket's handshake.
 */

interface AuthState {
  me: Me
  logout(): Promise<void>
  /** Reads the account again (after its password changed: the first-start warning goes). */
  reload(): void
}

const AuthContext = createContext<AuthState | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined)
  const [expired, setExpired] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const load = useCallback(() => {
    getJson('/api/me', meReplySchema).then(
      (m) => {
        setMe(m)
        setError(null)
      },
      (err: unknown) => {
        if (err instanceof ApiRequestError && err.status === 401) setMe(null)
        else {
          // The server is not there yet: a wall keeps trying.
          setError((err as Error).message)
          setTimeout(load, 3000)
        }
      },
    )
  }, [])
  useEffect(load, [load])
  useEffect(() => {
    const onLost = () =>
      setMe((m) => {
        if (m) setExpired(true)
        return null
      })
    addEventListener(UNAUTHENTICATED_EVENT, onLost)
    return () => removeEventListener(UNAUTHENTICATED_EVENT, onLost)
  }, [])
  const logout = useCallback(async () => {
    await postJson('/api/logout', {}, doneReplySchema).catch(() => {})
    setExpired(false)
    setMe(null)
  }, [])
  if (me === undefined) return <div className="loading">{error ?? '…'}</div>
  if (me === null) return <LoginPage expired={expired} onSignedIn={(m) => (setExpired(false), setMe(m))} />
  // A new account means a new catalog, socket and state: everything below starts afresh.
  return (
    <AuthContext.Provider value={{ me, logout, reload: load }} key={me.name}>
      {children}
    </AuthContext.Provider>
  )
}

export function useAuth(): AuthState {
  const auth = useContext(AuthContext)
  if (!auth) throw new Error('useAuth outside AuthProvider')
  return auth
}

interface SignInFailure {
  key: 'auth.error.invalid' | 'auth.error.tooMany' | 'auth.error.busy' | 'auth.error.offline' | 'auth.error.other'
  status: number
}

/** What a failed sign-in means to the person at the form (the server's own words are English and for programs). */
function signInFailure(err: unknown): SignInFailure {
  if (!(err instanceof ApiRequestError)) return { key: 'auth.error.offline', status: 0 }
  const key =
    err.status === 401 ? 'auth.error.invalid' : err.status === 429 ? 'auth.error.tooMany' : err.status === 503 ? 'auth.error.busy' : 'auth.error.other'
  return { key, status: err.status }
}

function LoginPage({ expired, onSignedIn }: { expired: boolean; onSignedIn(me: Me): void }) {
  const { t, lang, setLang } = useI18n()
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  // Kept as what went wrong, not as text: the message follows the page's language, also after a switch.
  const [error, setError] = useState<SignInFailure | null>(null)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    postJson('/api/login', { name: name.trim(), password }, loginReplySchema).then(
      (r) => onSignedIn(r.me),
      (err: unknown) => {
        setError(signInFailure(err))
        setBusy(false)
      },
    )
  }
  return (
    <main className="login">
      <form className="login__form" onSubmit={submit} data-testid="login-form">
        <h1>
          {t('app.title')} · {t('auth.title')}
        </h1>
        {expired && <p className="login__note">{t('auth.expired')}</p>}
        <label>
          <span>{t('auth.name')}</span>
          <input name="name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required autoFocus data-testid="login-name" />
        </label>
        <label>
          <span>{t('auth.password')}</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="login-password" />
        </label>
        {error && (
          <p className="login__error" role="alert" data-testid="login-error" data-code={error.key}>
            {t(error.key, { status: error.status })}
          </p>
        )}
        <button type="submit" disabled={busy} data-testid="login-submit">
          {busy ? t('auth.signingIn') : t('auth.submit')}
        </button>
        <button type="button" className="login__lang" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('lang.switch')}
        </button>
      </form>
    </main>
  )
}

/** Who is signed in, with a way out; for the headers of every screen. */
export function AccountBadge() {
  const { me, logout } = useAuth()
  const { t } = useI18n()
  const go = (e: MouseEvent) => {
    e.preventDefault()
    navigate('/account')
  }
  return (
    <span className="account-badge" data-testid="account" data-role={me.role}>
      {/* Who is signed in, and the way to the account page (where the first-start password is changed). */}
      <a href="/account" onClick={go} data-testid="account-link" title={me.demo ? t('auth.demo') : t('account.title')}>
        {me.demo ? <span className="account-warn" data-testid="demo-warning">⚠ {t('auth.demoShort')} · </span> : null}
        {me.name} · {t(`auth.role.${me.role}`)}
      </a>
      <button type="button" onClick={() => void logout()} data-testid="logout">
        {t('auth.logout')}
      </button>
    </span>
  )
}
