import { useEffect, useMemo, useRef, useState } from 'react'
import { conflictDetailsSchema, problemDetailsSchema, wallReplySchema } from '../../../common/api/walls-api'
import { MAP_LAYERS, TREND_WINDOWS, WALL_LIMITS, wallProblems, wallSchema, type FieldProblem, type Wall } from '../../../common/wall-schema'
import { ApiRequestError, putJson } from '../api/http'
import { useAuth } from '../auth/auth'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { downloadBlob } from '../ui/download'
import { indent, regionOptions } from '../ui/region-options'
import { WallView } from '../wall/wall-page'
import { Field, Section } from './admin-controls'
import { serverError } from './form-errors'
import { DocumentHistory } from './document-history'
import { describeFieldProblem, issueProblem, moved, pathKey, problemText } from './wall-fields'

/**
 * The wall editor (/admin/walls): a wall as a form, no JSON needed. Cards
 * and indicators are picked from the catalog, columns and cards reordered,
 * trend windows and the tour chosen; the draft is checked as it changes by
 * the wall's own schema and catalog checks (each problem beside its field
 * and listed in words), previewed live at 1920×1080, and published with the
 * version it started from: a save on top of someone else's newer version is
 * shown as such, to load theirs or overwrite with one's own. JSON import and
 * export are there for those who want them.
 */

export interface WallDraft {
  wall: Wall
  /** The stored version the edit started from; undefined for a new wall. */
  version: number | undefined
}

/** The preview's screen: the briefing-room size the issue names. */
const PREVIEW = { width: 1920, height: 1080 }

/** A new wall: one column of the first domain, its first cards. */
export function blankWall(catalog: ReturnType<typeof useCatalog>, id: string): Wall {
  const domain = catalog.domainList[0]!
  const indicators = catalog.indicatorsOf(domain.code)
  const first = indicators[0]!.code
  return wallSchema.parse({
    id,
    title: { zh: '新大屏', en: 'New wall' },
    root: null,
    columns: [{ domain: domain.code, kpis: indicators.slice(0, 4).map((i) => i.code), trend: { indicator: first }, ranking: first }],
    map: { indicator: first },
  })
}

export function WallEditor({ draft, onDone }: { draft: WallDraft; onDone(message: string | null): void }) {
  const { t, name, lang } = useI18n()
  const { me } = useAuth()
  const catalog = useCatalog()
  const [wall, setWall] = useState<Wall>(draft.wall)
  const [base, setBase] = useState(draft.version)
  const [serverProblems, setServerProblems] = useState<FieldProblem[]>([])
  const [conflict, setConflict] = useState<{ current: { definition: unknown; version: number; updated: number; updatedBy: string } | null } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const isNew = draft.version === undefined

  // Checked as it changes, by the schema and the catalog checks the server runs at save.
  const problems = useMemo(() => {
    const parsed = wallSchema.safeParse(wall)
    if (!parsed.success) return parsed.error.issues.map(issueProblem)
    // The page's catalog is the admin's own subtree: a region it lacks lies outside it, as far as the page can tell.
    return wallProblems(parsed.data, catalog, me.region).map((p) => (p.code === 'unknown_region' ? { ...p, code: 'outside_scope', params: { ...p.params, scope: me.region } } : p))
  }, [wall, catalog, me.region])
  const shown = problems.length > 0 ? problems : serverProblems
  const byField = useMemo(() => new Map(shown.map((p) => [pathKey(p.path), p])), [shown])
  // The preview shows the last draft that can be shown.
  const lastGood = useRef<Wall>(draft.wall)
  if (problems.length === 0) lastGood.current = wall

  const edit = (change: (w: Wall) => void) => {
    setWall((w) => {
      const copy = structuredClone(w)
      change(copy)
      return copy
    })
    setServerProblems([])
    setNote(null)
  }
  const err = (...path: Array<string | number>) => {
    const p = byField.get(pathKey(path))
    return p ? (
      <span className="wall-edit-err" role="alert" data-testid="field-error" data-field={pathKey(path)}>
        {problemText(p, t)}
      </span>
    ) : null
  }

  const publish = (version: number | undefined) => {
    setSaving(true)
    setError(null)
    putJson(`/api/walls/${encodeURIComponent(wall.id)}`, { definition: wall, version }, wallReplySchema)
      .then(
        (reply) => onDone(t('wallEdit.published', { id: reply.definition.id, version: reply.version })),
        (e: unknown) => {
          if (e instanceof ApiRequestError && e.status === 409 && e.code === 'conflict') setConflict(conflictDetailsSchema.parse(e.details ?? { current: null }))
          else if (e instanceof ApiRequestError && e.status === 400) {
            const details = problemDetailsSchema.safeParse(e.details)
            if (details.success) setServerProblems(details.data.problems)
            setError(serverError(e, t))
          } else setError(serverError(e, t))
        },
      )
      .finally(() => setSaving(false))
  }

  const takeTheirs = () => {
    const theirs = wallSchema.safeParse(conflict?.current?.definition)
    if (theirs.success && conflict?.current) {
      setWall(theirs.data)
      setBase(conflict.current.version)
    }
    setConflict(null)
  }
  const keepMine = () => {
    const newer = conflict?.current?.version
    setConflict(null)
    setBase(newer)
    publish(newer)
  }

  const exportJson = () => downloadBlob(new Blob([JSON.stringify(wall, null, 2)], { type: 'application/json' }), `${wall.id}.json`)
  const importText = (text: string) => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      setError(t('wallEdit.importBad', { message: (e as Error).message }))
      return
    }
    const parsed = wallSchema.safeParse(json)
    if (!parsed.success) {
      setError(t('wallEdit.importBad', { message: parsed.error.issues.map((i) => describeFieldProblem(issueProblem(i), t)).join('；') }))
      return
    }
    // An import edits this wall: the id stays the one being edited.
    setWall({ ...parsed.data, id: isNew ? parsed.data.id : wall.id })
    setError(null)
    setNote(t('wallEdit.imported'))
  }
  const [pasted, setPasted] = useState('')

  const regions = regionOptions(catalog.tree).filter((o) => catalog.tree.isWithin(o.region.code, me.region))
  const top = regions[0]?.depth ?? 0
  const usedDomains = new Set(wall.columns.map((c) => c.domain))
  const indicatorOptions = (domain?: string) =>
    (domain ? catalog.indicatorsOf(domain) : catalog.catalog.indicators).map((i) => (
      <option key={i.code} value={i.code}>
        {name(i.name)}
      </option>
    ))

  return (
    <div className="wall-edit" data-testid="wall-editor">
      <section className="admin-section">
        <div className="wall-edit-bar">
          <button type="button" onClick={() => onDone(null)}>
            ‹ {t('wallEdit.back')}
          </button>
          <h2>{name(wall.title) || wall.id}</h2>
          <button type="button" className="primary" data-testid="wall-publish" disabled={saving || problems.length > 0} onClick={() => publish(base)}>
            {t('wallEdit.publish')}
          </button>
        </div>
        {shown.length > 0 && (
          <div className="admin-error" role="alert" data-testid="wall-problems">
            {t('wallEdit.invalid', { count: shown.length })}
            <ul>
              {shown.map((p) => (
                <li key={pathKey(p.path) + p.message}>{describeFieldProblem(p, t)}</li>
              ))}
            </ul>
          </div>
        )}
        {error && (
          <p className="admin-error" role="alert" data-testid="form-error">
            {error}
          </p>
        )}
        {note && (
          <p className="admin-ok" role="status" data-testid="form-done">
            {note}
          </p>
        )}
        {conflict && (
          <div className="admin-warn" role="alert" data-testid="wall-conflict">
            <p>
              {conflict.current
                ? t('wallEdit.conflict', { who: conflict.current.updatedBy, when: new Date(conflict.current.updated).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB'), version: conflict.current.version, base: base ?? 0 })
                : t('wallEdit.conflictDeleted')}
            </p>
            {conflict.current && (
              <button type="button" data-testid="take-theirs" onClick={takeTheirs}>
                {t('wallEdit.takeTheirs')}
              </button>
            )}
            <button type="button" data-testid="keep-mine" onClick={keepMine}>
              {t('wallEdit.keepMine')}
            </button>
          </div>
        )}
      </section>

      <Section title={t('wallEdit.section.basics')}>
        <div className="admin-form">
          <Field label={t('wallEdit.field.id')} error={err('id')}>
            <input name="id" value={wall.id} disabled={!isNew} onChange={(e) => edit((w) => void (w.id = e.target.value.trim()))} />
          </Field>
          <Field label={t('wallEdit.field.titleZh')} error={err('title', 'zh')}>
            <input name="title-zh" value={wall.title.zh} onChange={(e) => edit((w) => void (w.title.zh = e.target.value))} />
          </Field>
          <Field label={t('wallEdit.field.titleEn')} error={err('title', 'en')}>
            <input name="title-en" value={wall.title.en} onChange={(e) => edit((w) => void (w.title.en = e.target.value))} />
          </Field>
          <Field label={t('wallEdit.field.root')} error={err('root')}>
            <select name="root" value={wall.root ?? ''} onChange={(e) => edit((w) => void (w.root = e.target.value === '' ? null : e.target.value))}>
              <option value="">{t('wallEdit.ownRegion')}</option>
              {regions.map((o) => (
                <option key={o.region.code} value={o.region.code}>
                  {indent(o.depth - top)}
                  {name(o.region.name)}
                </option>
              ))}
              {wall.root !== null && !regions.some((o) => o.region.code === wall.root) && <option value={wall.root}>{wall.root}</option>}
            </select>
          </Field>
        </div>
      </Section>

      <Section title={t('wallEdit.section.columns')}>
        <div className="wall-edit-columns">
          {wall.columns.map((column, i) => (
            <fieldset key={i} className="wall-edit-column" data-testid={`edit-column-${i}`}>
              <legend>{t('wallEdit.field.column', { n: i + 1 })}</legend>
              <div className="wall-edit-row">
                <button type="button" aria-label={`${t('wallEdit.field.column', { n: i + 1 })} ${t('wallEdit.left')}`} disabled={i === 0} onClick={() => edit((w) => void (w.columns = moved(w.columns, i, -1)))}>
                  ◀
                </button>
                <button type="button" aria-label={`${t('wallEdit.field.column', { n: i + 1 })} ${t('wallEdit.right')}`} disabled={i === wall.columns.length - 1} onClick={() => edit((w) => void (w.columns = moved(w.columns, i, 1)))}>
                  ▶
                </button>
                <button type="button" data-testid="remove-column" disabled={wall.columns.length === 1} onClick={() => edit((w) => void w.columns.splice(i, 1))}>
                  {t('wallEdit.removeColumn')}
                </button>
              </div>
              <Field label={t('wallEdit.field.domain')} error={err('columns', i, 'domain')}>
                <select
                  name={`column-${i}-domain`}
                  value={column.domain}
                  onChange={(e) =>
                    edit((w) => {
                      const domain = e.target.value
                      const first = catalog.indicatorsOf(domain)
                      w.columns[i] = { domain, kpis: first.slice(0, 4).map((x) => x.code), trend: { indicator: first[0]?.code ?? '', window: 'auto' }, ranking: first[0]?.code ?? '' }
                    })
                  }
                >
                  {catalog.domainList.map((d) => (
                    <option key={d.code} value={d.code}>
                      {name(d.name)}
                    </option>
                  ))}
                  {!catalog.domain(column.domain) && <option value={column.domain}>{column.domain}</option>}
                </select>
              </Field>
              <div className="wall-edit-cards">
                <span className="wall-edit-label">{t('wallEdit.field.cards')}</span>
                {err('columns', i, 'kpis')}
                <ol>
                  {column.kpis.map((code, j) => (
                    <li key={`${code}-${j}`} data-testid="edit-card" data-indicator={code}>
                      <span className="wall-edit-card-name">{name(catalog.indicator(code)?.name) || code}</span>
                      <button type="button" aria-label={`${t('wallEdit.field.card', { n: j + 1 })} ${t('wallEdit.up')}`} disabled={j === 0} onClick={() => edit((w) => void (w.columns[i]!.kpis = moved(w.columns[i]!.kpis, j, -1)))}>
                        ▲
                      </button>
                      <button type="button" aria-label={`${t('wallEdit.field.card', { n: j + 1 })} ${t('wallEdit.down')}`} disabled={j === column.kpis.length - 1} onClick={() => edit((w) => void (w.columns[i]!.kpis = moved(w.columns[i]!.kpis, j, 1)))}>
                        ▼
                      </button>
                      <button type="button" aria-label={`${t('wallEdit.field.card', { n: j + 1 })} ${t('wallEdit.remove')}`} onClick={() => edit((w) => void w.columns[i]!.kpis.splice(j, 1))}>
                        ✕
                      </button>
                      {err('columns', i, 'kpis', j)}
                    </li>
                  ))}
                </ol>
                {column.kpis.length < WALL_LIMITS.cards && (
                  <select
                    name={`column-${i}-add-card`}
                    aria-label={`${t('wallEdit.field.column', { n: i + 1 })} ${t('wallEdit.addCard')}`}
                    value=""
                    onChange={(e) => e.target.value && edit((w) => void w.columns[i]!.kpis.push(e.target.value))}
                  >
                    <option value="">＋ {t('wallEdit.addCard')}</option>
                    {catalog
                      .indicatorsOf(column.domain)
                      .filter((x) => !column.kpis.includes(x.code))
                      .map((x) => (
                        <option key={x.code} value={x.code}>
                          {name(x.name)}
                        </option>
                      ))}
                  </select>
                )}
              </div>
              <Field label={t('wallEdit.field.trend')} error={err('columns', i, 'trend', 'indicator')}>
                <select name={`column-${i}-trend`} value={column.trend.indicator} onChange={(e) => edit((w) => void (w.columns[i]!.trend.indicator = e.target.value))}>
                  {indicatorOptions(column.domain)}
                </select>
              </Field>
              <Field label={t('wallEdit.field.trendWindow')} error={err('columns', i, 'trend', 'window')}>
                <select name={`column-${i}-window`} value={column.trend.window} onChange={(e) => edit((w) => void (w.columns[i]!.trend.window = TREND_WINDOWS.find((x) => x === e.target.value) ?? 'auto'))}>
                  {TREND_WINDOWS.map((x) => (
                    <option key={x} value={x}>
                      {t(`wallEdit.window.${x}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('wallEdit.field.ranking')} error={err('columns', i, 'ranking')}>
                <select name={`column-${i}-ranking`} value={column.ranking} onChange={(e) => edit((w) => void (w.columns[i]!.ranking = e.target.value))}>
                  {indicatorOptions(column.domain)}
                </select>
              </Field>
            </fieldset>
          ))}
        </div>
        {wall.columns.length < WALL_LIMITS.columns && catalog.domainList.some((d) => !usedDomains.has(d.code)) && (
          <button
            type="button"
            data-testid="add-column"
            onClick={() =>
              edit((w) => {
                const domain = catalog.domainList.find((d) => !w.columns.some((c) => c.domain === d.code))!
                const first = catalog.indicatorsOf(domain.code)
                w.columns.push({ domain: domain.code, kpis: first.slice(0, 4).map((x) => x.code), trend: { indicator: first[0]!.code, window: 'auto' }, ranking: first[0]!.code })
              })
            }
          >
            ＋ {t('wallEdit.addColumn')}
          </button>
        )}
      </Section>

      <Section title={t('wallEdit.section.map')}>
        <div className="admin-form">
          <Field label={t('wallEdit.field.mapIndicator')} error={err('map', 'indicator')}>
            <select name="map-indicator" value={wall.map.indicator} onChange={(e) => edit((w) => void (w.map.indicator = e.target.value))}>
              {catalog.domainList.map((d) => (
                <optgroup key={d.code} label={name(d.name)}>
                  {indicatorOptions(d.code)}
                </optgroup>
              ))}
            </select>
          </Field>
          <fieldset className="admin-checks">
            <legend>{t('wallEdit.field.layers')}</legend>
            {MAP_LAYERS.map((layer) => (
              <label key={layer}>
                <input
                  type="checkbox"
                  name={`layer-${layer}`}
                  checked={wall.map.layers.includes(layer)}
                  onChange={(e) => edit((w) => void (w.map.layers = e.target.checked ? MAP_LAYERS.filter((l) => l === layer || w.map.layers.includes(l)) : w.map.layers.filter((l) => l !== layer)))}
                />
                {t(`wallEdit.layer.${layer}`)}
              </label>
            ))}
          </fieldset>
        </div>
      </Section>

      <Section title={t('wallEdit.section.tour')}>
        <div className="admin-form">
          <Field label={t('wallEdit.field.dwell')} error={err('tour', 'dwellSeconds')}>
            <input name="tour-dwell" type="number" min={WALL_LIMITS.minDwell} max={WALL_LIMITS.maxDwell} value={wall.tour.dwellSeconds} onChange={(e) => edit((w) => void (w.tour.dwellSeconds = Number(e.target.value)))} />
          </Field>
          <label>
            <input type="checkbox" name="tour-autostart" checked={wall.tour.autostart} onChange={(e) => edit((w) => void (w.tour.autostart = e.target.checked))} />
            {t('wallEdit.field.autostart')}
          </label>
        </div>
        {wall.tour.steps.length === 0 && <p className="muted">{t('wallEdit.stepsAuto')}</p>}
        <ol className="wall-edit-steps">
          {wall.tour.steps.map((step, k) => (
            <li key={k}>
              <select name={`step-${k}-domain`} aria-label={t('wallEdit.field.step', { n: k + 1 })} value={step.domain} onChange={(e) => edit((w) => void (w.tour.steps[k]!.domain = e.target.value))}>
                {wall.columns.map((c) => (
                  <option key={c.domain} value={c.domain}>
                    {name(catalog.domain(c.domain)?.name) || c.domain}
                  </option>
                ))}
                {!usedDomains.has(step.domain) && <option value={step.domain}>{step.domain}</option>}
              </select>
              <label>
                <input type="checkbox" checked={step.drill} onChange={(e) => edit((w) => void (w.tour.steps[k]!.drill = e.target.checked))} />
                {t('wallEdit.drill')}
              </label>
              <button type="button" aria-label={`${t('wallEdit.field.step', { n: k + 1 })} ${t('wallEdit.up')}`} disabled={k === 0} onClick={() => edit((w) => void (w.tour.steps = moved(w.tour.steps, k, -1)))}>
                ▲
              </button>
              <button type="button" aria-label={`${t('wallEdit.field.step', { n: k + 1 })} ${t('wallEdit.remove')}`} onClick={() => edit((w) => void w.tour.steps.splice(k, 1))}>
                ✕
              </button>
              {err('tour', 'steps', k, 'domain')}
            </li>
          ))}
        </ol>
        {wall.tour.steps.length < WALL_LIMITS.tourSteps && (
          <button type="button" onClick={() => edit((w) => void w.tour.steps.push({ domain: w.columns[0]!.domain, drill: false }))}>
            ＋ {t('wallEdit.addStep')}
          </button>
        )}
      </Section>

      <Section title={t('wallEdit.section.preview')}>
        <WallPreview wall={lastGood.current} />
      </Section>

      <Section title={t('wallEdit.section.json')}>
        <div className="admin-form">
          <button type="button" data-testid="wall-export" onClick={exportJson}>
            {t('wallEdit.export')}
          </button>
          <label>
            {t('wallEdit.importFile')}{' '}
            <input type="file" accept="application/json,.json" data-testid="wall-import-file" onChange={(e) => void e.target.files?.[0]?.text().then(importText)} />
          </label>
        </div>
        <div className="admin-form">
          <textarea className="wall-edit-json" aria-label={t('wallEdit.importText')} data-testid="wall-import-text" value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder={t('wallEdit.importText')} />
          <button type="button" data-testid="wall-import" disabled={pasted.trim() === ''} onClick={() => importText(pasted)}>
            {t('wallEdit.import')}
          </button>
        </div>
      </Section>

      {!isNew && (
        <Section title={t('wallEdit.history')}>
          <DocumentHistory url={`/api/walls/${encodeURIComponent(wall.id)}/history`} version={base} />
        </Section>
      )}
    </div>
  )
}

/** The draft as a 1920×1080 screen would show it, scaled down to the panel's width, with live data. */
function WallPreview({ wall }: { wall: Wall }) {
  const box = useRef<HTMLDivElement>(null)
  const [scale, setScale] = useState(0.5)
  useEffect(() => {
    const el = box.current
    if (!el) return
    const fit = () => setScale(Math.min(1, el.clientWidth / PREVIEW.width))
    fit()
    const observer = new ResizeObserver(fit)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  return (
    <div ref={box} className="wall-edit-preview" data-testid="wall-preview" style={{ height: PREVIEW.height * scale }}>
      <div style={{ width: PREVIEW.width, height: PREVIEW.height, transform: `scale(${scale})`, transformOrigin: '0 0' }}>
        <WallView wall={wall} preview={PREVIEW} />
      </div>
    </div>
  )
}
