import { useMemo, type MouseEvent } from 'react'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import type { MessageKey } from '../i18n/messages'
import { COMPARES, RANGE_PRESETS, STEPS, resolveWindow, type Compare, type ExploreState, type StepChoice } from './explore-state'
import { indent, regionOptions } from '../ui/region-options'

/** The analyst's pickers: indicator, region (with its lineage to go back up), time range, step, comparison. */

const COMPARE_LABEL: Record<Compare, MessageKey> = { none: 'explore.compare.none', previous: 'explore.compare.previous', lastYear: 'explore.compare.lastYear' }
const STEP_LABEL: Record<StepChoice, MessageKey> = { auto: 'explore.step.auto', '1m': 'explore.step.1m', '1h': 'explore.step.1h', '1d': 'explore.step.1d' }

/** `datetime-local` works in the browser's zone, without one in its value. */
function toLocalInput(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}

function fromLocalInput(text: string): number | undefined {
  const ms = new Date(text).getTime()
  return text && Number.isFinite(ms) ? ms : undefined
}

export function ExploreControls({ state, onChange }: { state: ExploreState; onChange: (next: Partial<ExploreState>) => void }) {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  const regions = useMemo(() => regionOptions(catalog.tree), [catalog])
  const lineage = useMemo(() => catalog.tree.lineage(state.region).reverse(), [catalog, state.region])
  const children = catalog.tree.children(state.region)
  const pick = (code: string) => (e: MouseEvent) => {
    e.preventDefault()
    onChange({ region: code })
  }
  const custom = state.range.kind === 'custom' ? state.range : null

  return (
    <section className="explore-controls" aria-label={t('explore.controls')}>
      <label>
        <span>{t('explore.indicator')}</span>
        <select data-testid="explore-indicator" value={state.indicator} onChange={(e) => onChange({ indicator: e.target.value })}>
          {catalog.domainList.map((domain) => (
            <optgroup key={domain.code} label={name(domain.name)}>
              {catalog
                .indicatorsOf(domain.code)
                .map((i) => (
                  <option key={i.code} value={i.code}>
                    {name(i.name)}
                    {name(i.unit) ? ` (${name(i.unit)})` : ''}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label>
        <span>{t('explore.region')}</span>
        <select data-testid="explore-region" value={state.region} onChange={(e) => onChange({ region: e.target.value })}>
          {regions.map(({ region, depth }) => (
            <option key={region.code} value={region.code}>
              {indent(depth)}
              {name(region.name)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('explore.range')}</span>
        <select
          data-testid="explore-range"
          value={state.range.kind === 'preset' ? state.range.preset : 'custom'}
          onChange={(e) => {
            const preset = RANGE_PRESETS.find((p) => p === e.target.value)
            if (preset) onChange({ range: { kind: 'preset', preset } })
            // A custom range starts as the window on screen, to be edited.
            else onChange({ range: { kind: 'custom', ...resolveWindow(state.range, Date.now()) } })
          }}
        >
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={p}>
              {t(`range.${p}`)}
            </option>
          ))}
          <option value="custom">{t('explore.range.custom')}</option>
        </select>
      </label>
      {custom && (
        <>
          <label>
            <span>{t('explore.from')}</span>
            <input
              type="datetime-local"
              data-testid="explore-from"
              value={toLocalInput(custom.from)}
              max={toLocalInput(custom.to)}
              onChange={(e) => {
                const from = fromLocalInput(e.target.value)
                if (from !== undefined && from < custom.to) onChange({ range: { ...custom, from } })
              }}
            />
          </label>
          <label>
            <span>{t('explore.to')}</span>
            <input
              type="datetime-local"
              data-testid="explore-to"
              value={toLocalInput(custom.to)}
              min={toLocalInput(custom.from)}
              onChange={(e) => {
                const to = fromLocalInput(e.target.value)
                if (to !== undefined && to > custom.from) onChange({ range: { ...custom, to } })
              }}
            />
          </label>
        </>
      )}
      <label>
        <span>{t('explore.step')}</span>
        <select data-testid="explore-step" value={state.step} onChange={(e) => onChange({ step: STEPS.find((s) => s === e.target.value) ?? 'auto' })}>
          {STEPS.map((s) => (
            <option key={s} value={s}>
              {t(STEP_LABEL[s])}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('explore.compare')}</span>
        <select data-testid="explore-compare" value={state.compare} onChange={(e) => onChange({ compare: COMPARES.find((c) => c === e.target.value) ?? 'none' })}>
          {COMPARES.map((c) => (
            <option key={c} value={c}>
              {t(COMPARE_LABEL[c])}
            </option>
          ))}
        </select>
      </label>
      <nav className="explore-crumbs" aria-label={t('explore.region')} data-testid="explore-breadcrumb">
        {lineage.map((r, i) => (
          <span key={r.code}>
            {i > 0 && <span className="crumb-sep">›</span>}
            {r.code === state.region ? (
              <b>{name(r.name)}</b>
            ) : (
              <a href="#" onClick={pick(r.code)}>
                {name(r.name)}
              </a>
            )}
          </span>
        ))}
        {children.length > 0 && (
          <span className="crumb-children">
            <span className="crumb-sep">›</span>
            {children.map((c) => (
              <a key={c.code} href="#" onClick={pick(c.code)}>
                {name(c.name)}
              </a>
            ))}
          </span>
        )}
      </nav>
    </section>
  )
}
