import { useCallback, useEffect, useState } from 'react'
import { z } from 'zod'
import { departmentListReplySchema, departmentReplySchema, routingReplySchema, type DepartmentListReply } from '../../../common/api/dispatch-api'
import { CHANNEL_KINDS, type ChannelKind, type Route } from '../../../common/dispatch-schema'
import { SEVERITIES } from '../../../common/rule-schema'
import { ApiRequestError, deleteJson, getJson, putJson } from '../api/http'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { Field, FormMessages, RegionPicker, Section } from './admin-controls'
import { serverError } from './form-errors'
import './departments-admin.css'

/**
 * Departments and routing (/admin/departments): the departments of the
 * admin's region with their supervisor and channels (a secret is never shown:
 * it is kept unless a new one is typed), and the routes that name the
 * department answering for a domain, indicator or rule in a region, with the
 * default deadlines by severity.
 */

type PublicDepartment = DepartmentListReply['departments'][number]
/** A channel as the form edits it: a new secret typed, or none (keep the stored one). */
interface ChannelDraft {
  kind: ChannelKind
  url: string
  to: string
  secret: string
  secretSet: boolean
}
interface DepartmentDraft {
  code: string
  name: { zh: string; en: string }
  region: string
  supervisor: string
  channels: ChannelDraft[]
  version: number | undefined
}

const deletedSchema = z.object({ id: z.string(), deleted: z.literal(true), version: z.number() })

export function DepartmentsAdmin() {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  const [departments, setDepartments] = useState<PublicDepartment[] | null>(null)
  const [draft, setDraft] = useState<DepartmentDraft | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const load = useCallback(() => {
    getJson('/api/departments', departmentListReplySchema).then((r) => setDepartments(r.departments), (e: unknown) => setError(serverError(e, t)))
  }, [t])
  useEffect(load, [load])

  const edit = (code: string) =>
    getJson(`/api/departments/${encodeURIComponent(code)}`, departmentReplySchema).then(
      (r) =>
        setDraft({
          code: r.definition.code,
          name: r.definition.name,
          region: r.definition.region,
          supervisor: r.definition.supervisor ?? '',
          channels: r.definition.channels.map((c) => ({ kind: c.kind, url: c.url ?? '', to: (c.to ?? []).join(', '), secret: '', secretSet: c.secretSet })),
          version: r.version,
        }),
      (e: unknown) => setError(serverError(e, t)),
    )
  const save = () => {
    if (!draft) return
    const channels = draft.channels.map((c) => {
      if (c.kind === 'email' || c.kind === 'sms') return { kind: c.kind, to: c.to.split(/[,，\s]+/).filter(Boolean) }
      // An empty secret field keeps the stored secret (the server fills it in).
      return { kind: c.kind, url: c.url.trim(), ...(c.secret ? { secret: c.secret } : {}) }
    })
    const definition = { code: draft.code.trim(), name: draft.name, region: draft.region, supervisor: draft.supervisor || null, channels }
    putJson(`/api/departments/${encodeURIComponent(definition.code)}`, { definition, version: draft.version }, departmentReplySchema).then(
      (r) => {
        setDraft(null)
        setDone(t('dept.saved', { code: r.definition.code, version: r.version }))
        setError(null)
        load()
      },
      (e: unknown) => setError(serverError(e, t)),
    )
  }
  const remove = (d: PublicDepartment) => {
    if (!confirm(t('dept.deleteConfirm', { name: name(d.name) }))) return
    deleteJson(`/api/departments/${encodeURIComponent(d.code)}`, deletedSchema).then(
      () => {
        setDone(t('dept.deleted', { code: d.code }))
        load()
      },
      (e: unknown) => setError(e instanceof ApiRequestError && e.code === 'in_use' ? t('dept.inUse', { reason: e.message }) : serverError(e, t)),
    )
  }
  const byCode = new Map((departments ?? []).map((d) => [d.code, d]))

  return (
    <>
      {(error || done) && (
        <section className="admin-section">
          <FormMessages error={error} done={done} />
        </section>
      )}
      {draft ? (
        <Section title={draft.version === undefined ? t('dept.new') : `${t('dept.edit')} ${draft.code}`}>
          <div className="admin-form" data-testid="dept-form">
            <Field label={t('dept.code')} error={null}>
              <input name="dept-code" value={draft.code} disabled={draft.version !== undefined} onChange={(e) => setDraft({ ...draft, code: e.target.value })} />
            </Field>
            <Field label={t('dept.nameZh')} error={null}>
              <input name="dept-name-zh" value={draft.name.zh} onChange={(e) => setDraft({ ...draft, name: { ...draft.name, zh: e.target.value } })} />
            </Field>
            <Field label={t('dept.nameEn')} error={null}>
              <input name="dept-name-en" value={draft.name.en} onChange={(e) => setDraft({ ...draft, name: { ...draft.name, en: e.target.value } })} />
            </Field>
            <Field label={t('dept.region')} error={null}>
              <RegionPicker value={draft.region} onChange={(region) => setDraft({ ...draft, region })} label={t('dept.region')} testId="dept-region" />
            </Field>
            <Field label={t('dept.supervisor')} error={null}>
              <select name="dept-supervisor" value={draft.supervisor} onChange={(e) => setDraft({ ...draft, supervisor: e.target.value })}>
                <option value="">{t('dept.noSupervisor')}</option>
                {(departments ?? [])
                  .filter((d) => d.code !== draft.code)
                  .map((d) => (
                    <option key={d.code} value={d.code}>
                      {name(d.name)}
                    </option>
                  ))}
                {draft.supervisor && !byCode.has(draft.supervisor) && <option value={draft.supervisor}>{draft.supervisor}</option>}
              </select>
            </Field>
          </div>
          <h4>{t('dept.channels')}</h4>
          <ol className="dept-channels">
            {draft.channels.map((c, i) => {
              const set = (patch: Partial<ChannelDraft>) => setDraft({ ...draft, channels: draft.channels.map((x, j) => (j === i ? { ...x, ...patch } : x)) })
              return (
                <li key={i} data-testid="dept-channel">
                  <select aria-label={t('dept.channelKind')} value={c.kind} onChange={(e) => set({ kind: CHANNEL_KINDS.find((k) => k === e.target.value) ?? 'webhook' })}>
                    {CHANNEL_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {t(`dept.kind.${k}`)}
                      </option>
                    ))}
                  </select>
                  {c.kind === 'email' || c.kind === 'sms' ? (
                    <input aria-label={t('dept.to')} placeholder={t(c.kind === 'email' ? 'dept.toEmail' : 'dept.toPhone')} value={c.to} onChange={(e) => set({ to: e.target.value })} />
                  ) : (
                    <>
                      <input aria-label={t('dept.url')} placeholder="https://…" value={c.url} onChange={(e) => set({ url: e.target.value })} />
                      {c.kind !== 'wecom' && (
                        <input type="password" autoComplete="new-password" aria-label={t('dept.secret')} placeholder={c.secretSet ? t('dept.secretKept') : t('dept.secret')} value={c.secret} onChange={(e) => set({ secret: e.target.value })} />
                      )}
                    </>
                  )}
                  <button type="button" onClick={() => setDraft({ ...draft, channels: draft.channels.filter((_, j) => j !== i) })}>
                    ✕
                  </button>
                </li>
              )
            })}
          </ol>
          <button type="button" onClick={() => setDraft({ ...draft, channels: [...draft.channels, { kind: 'webhook', url: '', to: '', secret: '', secretSet: false }] })}>
            ＋ {t('dept.addChannel')}
          </button>
          <div className="wall-edit-bar">
            <button type="button" onClick={() => setDraft(null)}>
              {t('dept.cancel')}
            </button>
            <button type="button" className="primary" data-testid="dept-save" onClick={save}>
              {t('dept.save')}
            </button>
          </div>
        </Section>
      ) : (
        <Section title={t('admin.departments')}>
          <button type="button" data-testid="dept-new" onClick={() => setDraft({ code: '', name: { zh: '', en: '' }, region: catalog.tree.root.code, supervisor: '', channels: [], version: undefined })}>
            ＋ {t('dept.new')}
          </button>
          <table className="admin-table" data-testid="departments">
            <tbody>
              {(departments ?? []).map((d) => (
                <tr key={d.code} data-department={d.code}>
                  <td>
                    {name(d.name)} <span className="muted">{d.code}</span>
                  </td>
                  <td>{name(catalog.region(d.region)?.name) || d.region}</td>
                  <td>{d.supervisor ? name(byCode.get(d.supervisor)?.name) || d.supervisor : '—'}</td>
                  <td>{d.channels.length > 0 ? d.channels.map((c) => t(`dept.kind.${c.kind}`)).join('、') : t('dept.noChannels')}</td>
                  <td className="wall-edit-actions">
                    <button type="button" data-testid="dept-edit" onClick={() => void edit(d.code)}>
                      {t('dept.edit')}
                    </button>
                    <button type="button" data-testid="dept-delete" onClick={() => remove(d)}>
                      {t('dept.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      <RoutingEditor departments={departments ?? []} />
    </>
  )
}

/** The routes within the admin's region, and the deadlines by severity. */
function RoutingEditor({ departments }: { departments: PublicDepartment[] }) {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  const [routes, setRoutes] = useState<Route[] | null>(null)
  const [deadlines, setDeadlines] = useState<Record<string, number>>({})
  const [version, setVersion] = useState<number | undefined>(undefined)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const load = useCallback(() => {
    getJson('/api/routing', routingReplySchema).then(
      (r) => {
        setRoutes(r.definition.routes)
        setDeadlines(r.definition.deadlines)
        setVersion(r.version === 0 ? undefined : r.version)
      },
      (e: unknown) => setError(serverError(e, t)),
    )
  }, [t])
  useEffect(load, [load])
  if (!routes) return null
  const set = (i: number, patch: Partial<Route>) => setRoutes(routes.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  const matchKind = (r: Route) => (r.rule !== undefined ? 'rule' : r.indicator !== undefined ? 'indicator' : 'domain')
  const save = () =>
    putJson('/api/routing', { definition: { id: 'default', routes, deadlines }, version }, routingReplySchema).then(
      (r) => {
        setVersion(r.version)
        setDone(t('dept.routingSaved', { version: r.version }))
        setError(null)
      },
      (e: unknown) => setError(serverError(e, t)),
    )
  return (
    <Section title={t('dept.routing')}>
      <FormMessages error={error} done={done} />
      <div className="admin-form">
        {SEVERITIES.map((s) => (
          <Field key={s} label={t('dept.deadline', { severity: t(`alerts.severity.${s}`) })} error={null}>
            <input type="number" min={1} name={`deadline-${s}`} value={deadlines[s] ?? ''} onChange={(e) => setDeadlines({ ...deadlines, [s]: Number(e.target.value) })} />
          </Field>
        ))}
      </div>
      <table className="admin-table" data-testid="routes">
        <tbody>
          {routes.map((r, i) => (
            <tr key={i} data-testid="route">
              <td>
                <RegionPicker value={r.region} onChange={(region) => set(i, { region })} label={t('dept.region')} testId={`route-${i}-region`} />
              </td>
              <td>
                <select
                  aria-label={t('dept.matchKind')}
                  value={matchKind(r)}
                  onChange={(e) => {
                    const { domain: _d, indicator: _i, rule: _r, ...rest } = r
                    const kind = e.target.value
                    setRoutes(routes.map((x, j) => (j === i ? { ...rest, ...(kind === 'rule' ? { rule: '' } : kind === 'indicator' ? { indicator: catalog.catalog.indicators[0]!.code } : { domain: catalog.domainList[0]!.code }) } : x)))
                  }}
                >
                  <option value="domain">{t('dept.match.domain')}</option>
                  <option value="indicator">{t('dept.match.indicator')}</option>
                  <option value="rule">{t('dept.match.rule')}</option>
                </select>
                {matchKind(r) === 'domain' && (
                  <select aria-label={t('dept.match.domain')} value={r.domain} onChange={(e) => set(i, { domain: e.target.value })}>
                    {catalog.domainList.map((d) => (
                      <option key={d.code} value={d.code}>
                        {name(d.name)}
                      </option>
                    ))}
                  </select>
                )}
                {matchKind(r) === 'indicator' && (
                  <select aria-label={t('dept.match.indicator')} value={r.indicator} onChange={(e) => set(i, { indicator: e.target.value })}>
                    {catalog.catalog.indicators.map((x) => (
                      <option key={x.code} value={x.code}>
                        {name(x.name)}
                      </option>
                    ))}
                  </select>
                )}
                {matchKind(r) === 'rule' && <input aria-label={t('dept.match.rule')} value={r.rule} onChange={(e) => set(i, { rule: e.target.value })} />}
              </td>
              <td>
                <select aria-label={t('dispatch.department')} value={r.department} onChange={(e) => set(i, { department: e.target.value })}>
                  {departments.map((d) => (
                    <option key={d.code} value={d.code}>
                      {name(d.name)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <button type="button" onClick={() => setRoutes(routes.filter((_, j) => j !== i))}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="wall-edit-bar">
        <button type="button" disabled={departments.length === 0} onClick={() => setRoutes([...routes, { region: catalog.tree.root.code, domain: catalog.domainList[0]!.code, department: departments[0]!.code }])}>
          ＋ {t('dept.addRoute')}
        </button>
        <button type="button" className="primary" data-testid="routing-save" onClick={save}>
          {t('dept.save')}
        </button>
      </div>
    </Section>
  )
}
