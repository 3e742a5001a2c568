import { useCallback, useEffect, useState } from 'react'
import { caseReplySchema, feedbackViewReplySchema, type FeedbackViewReply } from '../../../common/api/dispatch-api'
import { errorReplySchema } from '../../../common/api/error-reply'
import { parseReply } from '../api/http'
import { useI18n } from '../i18n/i18n'
import type { MessageKey } from '../i18n/messages'
import './feedback.css'

/**
 * The department's page (`/r/<token>`), opened from the message a dispatch
 * sent, on a phone, with no account: what the case is about (the alert,
 * where, the value and threshold, the deadline), and two actions — accept
 * (签收) and report what was done (反馈). The token is the path's; it goes to
 * the server in a header or the body, never in an API URL.
 */

export function tokenOf(pathname: string): string {
  const m = /^\/r\/([^/?#]+)/.exec(pathname)
  return m ? decodeURIComponent(m[1]!) : ''
}

/** A refusal the page says in its own words (the server's message otherwise). */
const REFUSALS: Record<string, MessageKey> = {
  no_token: 'feedback.err.noToken',
  link_invalid: 'feedback.err.invalid',
  link_expired: 'feedback.err.expired',
  link_closed: 'feedback.err.closed',
  link_other_case: 'feedback.err.otherCase',
  conflict: 'feedback.err.conflict',
  rate_limited: 'feedback.err.tooMany',
}

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

function refusalText(e: unknown, t: (key: MessageKey) => string): string {
  return e instanceof Refusal && REFUSALS[e.code] ? t(REFUSALS[e.code]!) : e instanceof Error ? e.message : String(e)
}

async function request(url: string, init: RequestInit): Promise<unknown> {
  const res = await fetch(url, init)
  const body: unknown = await res.json().catch(() => null)
  if (!res.ok) {
    const envelope = errorReplySchema.safeParse(body)
    throw new Refusal(envelope.success ? envelope.data.error.code : 'http_error', envelope.success ? envelope.data.error.message : `HTTP ${res.status}`)
  }
  return body
}

export function FeedbackPage() {
  const { t, name, lang, setLang } = useI18n()
  const token = tokenOf(location.pathname)
  const [view, setView] = useState<FeedbackViewReply | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [text, setText] = useState('')
  const [sending, setSending] = useState(false)
  const [done, setDone] = useState<string | null>(null)

  const load = useCallback(() => {
    request('/api/feedback', { headers: { 'x-case-token': token, accept: 'application/json' } })
      .then((body) => setView(parseReply('GET', '/api/feedback', feedbackViewReplySchema, body)))
      .catch((e: unknown) => setError(refusalText(e, t)))
  }, [token, t])
  useEffect(load, [load])

  const send = (action: 'accept' | 'report') => {
    if (!view) return
    setSending(true)
    setError(null)
    request(`/api/cases/${encodeURIComponent(view.case.id)}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, action, text: action === 'report' ? text : '' }) })
      .then((body) => {
        parseReply('POST', '/api/cases/:id/feedback', caseReplySchema, body)
        setDone(action === 'accept' ? t('feedback.accepted') : t('feedback.reported'))
        setText('')
        load()
      })
      .catch((e: unknown) => setError(refusalText(e, t)))
      .finally(() => setSending(false))
  }

  const time = (ms: number) => new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' })
  const c = view?.case
  const overdue = c ? c.overdue || c.deadline < Date.now() : false
  return (
    <main className="feedback" data-testid="feedback" data-state={c?.state ?? ''}>
      <header className="feedback-head">
        <h1>{t('feedback.title')}</h1>
        <button type="button" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('lang.switch')}
        </button>
      </header>
      {error && (
        <p className="feedback-error" role="alert" data-testid="feedback-error">
          {error}
        </p>
      )}
      {done && (
        <p className="feedback-done" role="status" data-testid="feedback-done">
          {done}
        </p>
      )}
      {!view && !error && <p>{t('data.loading')}</p>}
      {view && c && (
        <>
          <section className="feedback-card">
            <p className="feedback-to">{t('feedback.to', { department: name(view.department) })}</p>
            <p className="feedback-message" data-testid="feedback-message">
              {view.message ? name(view.message) : name(view.indicator)}
            </p>
            <dl>
              <dt>{t('feedback.place')}</dt>
              <dd>
                {view.place.map((p) => name(p)).join(' › ')}
                {view.station ? ` · ${name(view.station)}` : ''}
              </dd>
              {view.value !== null && (
                <>
                  <dt>{t('feedback.value')}</dt>
                  <dd>
                    {name(view.indicator)} {view.value}
                    {name(view.unit)}
                    {view.threshold !== null ? ` · ${t('feedback.threshold', { threshold: view.threshold })}` : ''}
                  </dd>
                </>
              )}
              <dt>{t('feedback.deadline')}</dt>
              <dd className={overdue ? 'feedback-overdue' : undefined} data-testid="feedback-deadline">
                {time(c.deadline)}
                {overdue ? ` · ${t('feedback.overdue')}` : ''}
              </dd>
              <dt>{t('feedback.state')}</dt>
              <dd data-testid="feedback-state">{t(`feedback.state.${c.state}`)}</dd>
              {c.note && (
                <>
                  <dt>{t('feedback.note')}</dt>
                  <dd>{c.note}</dd>
                </>
              )}
            </dl>
          </section>
          {c.state === 'dispatched' && (
            <button type="button" className="feedback-primary" data-testid="feedback-accept" disabled={sending} onClick={() => send('accept')}>
              {t('feedback.accept')}
            </button>
          )}
          {(c.state === 'dispatched' || c.state === 'accepted' || c.state === 'returned') && (
            <section className="feedback-card">
              <label htmlFor="feedback-text">{t('feedback.whatDone')}</label>
              <textarea id="feedback-text" data-testid="feedback-text" value={text} onChange={(e) => setText(e.target.value)} rows={5} />
              <button type="button" className="feedback-primary" data-testid="feedback-report" disabled={sending || text.trim() === ''} onClick={() => send('report')}>
                {t('feedback.report')}
              </button>
            </section>
          )}
          <section className="feedback-card">
            <h2>{t('feedback.history')}</h2>
            <ol className="feedback-history">
              {view.events.map((e, i) => (
                <li key={i}>
                  {time(e.at)} · {t(`feedback.event.${e.type}`)}
                  {e.text ? `：${e.text}` : ''}
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </main>
  )
}
