import { useCallback, useEffect, useState } from 'react'
import type { Alert } from '../../../common/alert-state'
import { caseListReplySchema, caseReplySchema, departmentListReplySchema, dispatchReplySchema, routeReplySchema, type DepartmentListReply } from '../../../common/api/dispatch-api'
import type { Case } from '../../../common/dispatch-schema'
import { getJson, postJson } from '../api/http'
import { useI18n } from '../i18n/i18n'
import { formatTime } from './duty-format'

/**
 * 一键触达 on the duty console: the selected alert's case, or the form that
 * dispatches it — the routed department proposed (the officer may choose
 * another within the region), the deadline by severity, a note — and, once
 * the department has reported, verifying it: close, or return with a reason.
 * The link the department answers through is shown once, to copy, beside
 * the channels that carry it.
 */

/** How often the case is read again while the alert is selected. */
const CASE_RELOAD_MS = 15_000

export function DispatchPanel({ alert }: { alert: Alert }) {
  const { t, name, lang } = useI18n()
  const [departments, setDepartments] = useState<DepartmentListReply['departments']>([])
  const [current, setCurrent] = useState<Case | null>(null)
  const [department, setDepartment] = useState('')
  const [minutes, setMinutes] = useState('')
  const [note, setNote] = useState('')
  const [comment, setComment] = useState('')
  const [link, setLink] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const loadCase = useCallback(() => {
    getJson(`/api/cases?alert=${encodeURIComponent(alert.id)}`, caseListReplySchema).then(
      (r) => setCurrent(r.cases[0] ?? null),
      () => {},
    )
  }, [alert.id])
  useEffect(() => {
    setLink(null)
    setError(null)
    setCurrent(null)
    loadCase()
    const timer = setInterval(loadCase, CASE_RELOAD_MS)
    getJson('/api/departments', departmentListReplySchema).then((r) => setDepartments(r.departments), () => {})
    getJson(`/api/alerts/${encodeURIComponent(alert.id)}/route`, routeReplySchema).then(
      (r) => {
        setDepartment(r.department ?? '')
        setMinutes(String(r.deadlineMinutes))
      },
      () => {},
    )
    return () => clearInterval(timer)
  }, [alert.id, loadCase])

  const run = (work: Promise<unknown>) => {
    setBusy(true)
    setError(null)
    work.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e))).finally(() => setBusy(false))
  }
  const dispatch = () =>
    run(
      postJson(`/api/alerts/${encodeURIComponent(alert.id)}/dispatch`, { department, deadlineMinutes: Number(minutes), note }, dispatchReplySchema).then((c) => {
        setCurrent(c)
        setLink(new URL(c.link, location.origin).toString())
        setNote('')
      }),
    )
  const verify = (ok: boolean) =>
    run(
      postJson(`/api/cases/${encodeURIComponent(current!.id)}/verify`, { ok, comment }, caseReplySchema).then((c) => {
        setCurrent(c)
        setComment('')
      }),
    )
  const departmentName = (code: string) => name(departments.find((d) => d.code === code)?.name) || code
  const open = current && current.state !== 'closed'

  return (
    <section className="duty-dispatch" data-testid="duty-dispatch" data-case={current?.id ?? ''} data-case-state={current?.state ?? ''}>
      <h3>{t('dispatch.title')}</h3>
      {current && (
        <dl className="duty-facts">
          <dt>{t('dispatch.department')}</dt>
          <dd data-testid="dispatch-department">{departmentName(current.department)}</dd>
          <dt>{t('dispatch.state')}</dt>
          <dd>
            <span className={`tag case-${current.state}${current.overdue ? ' case-overdue' : ''}`} data-testid="dispatch-state">
              {t(`dispatch.state.${current.state}`)}
              {current.overdue && current.state !== 'closed' ? ` · ${t('dispatch.overdue')}` : ''}
            </span>
          </dd>
          <dt>{t('dispatch.deadline')}</dt>
          <dd>{formatTime(current.deadline, lang)}</dd>
        </dl>
      )}
      {link && (
        <p className="duty-dispatch-link">
          {t('dispatch.link')} <input readOnly value={link} data-testid="dispatch-link" onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => void navigator.clipboard?.writeText(link)}>
            {t('dispatch.copy')}
          </button>
        </p>
      )}
      {open && current.state === 'reported' && (
        <div className="duty-action-row">
          <input data-testid="verify-comment" placeholder={t('dispatch.verifyComment')} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
          <button type="button" className="primary" data-testid="verify-ok" disabled={busy} onClick={() => verify(true)}>
            {t('dispatch.close')}
          </button>
          <button type="button" data-testid="verify-return" disabled={busy || comment.trim() === ''} onClick={() => verify(false)}>
            {t('dispatch.return')}
          </button>
        </div>
      )}
      {!open && alert.state !== 'resolved' && (
        <div className="duty-action-row">
          <select data-testid="dispatch-to" aria-label={t('dispatch.department')} value={department} onChange={(e) => setDepartment(e.target.value)}>
            <option value="">{t('dispatch.choose')}</option>
            {departments.map((d) => (
              <option key={d.code} value={d.code}>
                {name(d.name)}
              </option>
            ))}
          </select>
          <label>
            {t('dispatch.minutes')} <input type="number" min={1} data-testid="dispatch-minutes" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
          </label>
          <input data-testid="dispatch-note" placeholder={t('dispatch.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
          <button type="button" className="primary" data-testid="dispatch-send" disabled={busy || department === '' || !(Number(minutes) > 0)} onClick={dispatch}>
            {t('dispatch.send')}
          </button>
        </div>
      )}
      {error && (
        <p className="duty-feedback error" role="alert" data-testid="dispatch-error">
          {error}
        </p>
      )}
    </section>
  )
}
