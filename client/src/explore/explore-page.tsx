import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ECharts } from 'echarts/core'
import type { CatalogIndex } from '../../../common/catalog-index'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { LiveProvider, useLiveValue } from '../live/live'
import { downloadBlob, downloadUrl } from '../ui/download'
import { ExploreChart, type ComparisonSeries } from './explore-chart'
import { ExploreControls } from './explore-controls'
import { exploreSearch, parseExploreState, resolveWindow, sameState, stepTooFine, MAX_SERIES_BUCKETS, type ExploreDefaults, type ExploreState } from './explore-state'
import { ExploreTable } from './explore-table'
import { ComparisonNote } from './comparison-note'
import { exportFileName } from '../../../common/series-csv'
import { query, UNAUTHENTICATED_EVENT } from '../api/http'
import { chartPng, pngHeader } from '../charts/png-export'
import { REFRESH_MS, useSeries } from './use-series'
import { ViewHeader } from '../ui/view-header'
import './explore.css'

/**
 * The analyst view (/explore): one indicator for one region over a time
 * range, optionally against the previous period or the same period last
 * year, as a chart and a table, exported as CSV or PNG. The URL holds the
 * whole state: loading it restores the view.
 */

const PREFERRED_INDICATOR = 'env.aqi'
const DAY_S = 86_400

function defaultsOf(catalog: CatalogIndex): ExploreDefaults {
  const first = catalog.indicator(PREFERRED_INDICATOR)?.code ?? catalog.catalog.indicators[0]!.code
  return {
    indicator: first,
    region: catalog.tree.root.code,
    // Daily and monthly indicators show a trend over a year; faster ones over a week.
    rangeFor: (code) => ((catalog.indicator(code)?.cadenceSeconds ?? 0) >= DAY_S ? '1y' : '7d'),
    isIndicator: (code) => catalog.indicator(code) !== undefined,
    isRegion: (code) => catalog.region(code) !== undefined,
  }
}

function urlLang(): string | null {
  return new URLSearchParams(location.search).get('lang')
}

export function ExplorePage() {
  const catalog = useCatalog()
  const defaults = useMemo(() => defaultsOf(catalog), [catalog])
  const [state, setState] = useState<ExploreState>(() => parseExploreState(location.search, defaults))

  // The URL always spells out the whole state (a shared link needs no defaults).
  useEffect(() => {
    const search = exploreSearch(state, urlLang())
    if (search !== location.search) history.replaceState(history.state, '', `${location.pathname}${search}`)
  }, [state])

  // Back and forward move between views the analyst has looked at.
  useEffect(() => {
    const onPop = () => {
      if (!location.pathname.startsWith('/explore')) return
      const next = parseExploreState(location.search, defaults)
      setState((s) => (sameState(s, next) ? s : next))
    }
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [defaults])

  const change = useCallback((patch: Partial<ExploreState>) => {
    setState((s) => {
      const next = { ...s, ...patch }
      // A longer range keeps working: a step too fine for it gives way to auto (a step chosen as such still gets the advice).
      if (patch.range && !patch.step && stepTooFine(resolveWindow(next.range, Date.now()), next.step)) next.step = 'auto'
      if (!sameState(s, next)) history.pushState(null, '', `${location.pathname}${exploreSearch(next, urlLang())}`)
      return next
    })
  }, [])

  return (
    <LiveProvider room={{ region: state.region, indicators: [state.indicator], stations: false }}>
      <ExploreView state={state} onChange={change} />
    </LiveProvider>
  )
}

function ExploreView({ state, onChange }: { state: ExploreState; onChange: (patch: Partial<ExploreState>) => void }) {
  const { t, name, num, lang } = useI18n()
  const catalog = useCatalog()
  const indicator = catalog.indicator(state.indicator)!
  const region = catalog.region(state.region)!
  const tooFine = stepTooFine(resolveWindow(state.range, Date.now()), state.step)
  const { data, error, loading } = useSeries(state, !tooFine)
  const live = useLiveValue(state.indicator, state.region)
  const chartRef = useRef<ECharts | null>(null)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5_000)
    return () => clearInterval(timer)
  }, [])

  const compareLabel = state.compare === 'previous' ? t('explore.compare.previous') : t('explore.compare.lastYear')
  const comparison = useMemo<ComparisonSeries | null>(
    () => (data?.compare ? { label: compareLabel, offset: data.compare.offset, points: data.compare.body.points, step: data.compare.body.step } : null),
    [data, compareLabel],
  )
  const points = data?.main.points ?? []
  // Old numbers are marked: the last re-read failed, or none succeeded for two rounds.
  const stale = data !== null && (error !== null || (state.range.kind === 'preset' && now - data.fetchedAt > 2 * REFRESH_MS))
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB'
  const time = (ms: number) => new Date(ms).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' })

  useEffect(() => {
    document.title = `${name(indicator.name)} · ${name(region.name)} · ${t('app.title')}`
  }, [indicator, region, name, t])

  // The export comes from the server (format=csv: an analyst's right, checked there), for exactly the window shown.
  const exportCsv = () => {
    if (!data) return
    const m = data.main
    // The comparison the view shows goes into the file as its own columns.
    const c = data.compare?.body
    const compare = c ? { compareFrom: c.from, compareTo: c.to, compareStep: c.step } : {}
    const url = `/api/series${query({ indicator: m.indicator, region: m.region, from: m.from, to: m.to, step: m.step, format: 'csv', lang, ...compare })}`
    fetch(url)
      .then(async (res) => {
        if (res.status === 401) dispatchEvent(new Event(UNAUTHENTICATED_EVENT))
        if (!res.ok) throw new Error(`HTTP ${res.status}`)
        // The bytes as sent: text() would drop the byte-order mark that tells Excel the file is UTF-8.
        downloadBlob(new Blob([await res.arrayBuffer()], { type: 'text/csv;charset=utf-8' }), exportFileName(m, 'csv'))
      })
      .catch((err: unknown) => console.warn('CSV export failed', err))
  }
  // The picture says what it is: indicator, region, period and how current the data was; no zoom slider.
  const exportPng = () => {
    const chart = chartRef.current
    if (!data || !chart) return
    const m = data.main
    const asOf = m.points.length > 0 ? Math.max(...m.points.map((p) => p.ts)) : null
    const header = pngHeader({ indicator: name(indicator.name), unit: name(indicator.unit), region: name(region.name), from: m.from, to: m.to, asOf: live && live.ts > (asOf ?? 0) ? live.ts : asOf, lang })
    chartPng(chart, header)
      .then((url) => downloadUrl(url, exportFileName(m, 'png')))
      .catch((err: unknown) => console.warn('PNG export failed', err))
  }

  return (
    <div className="view explore-view">
      <ViewHeader current="explore" title={t('explore.title')}>
        <button type="button" data-testid="explore-export-csv" onClick={exportCsv} disabled={!data}>
          {t('explore.exportCsv')}
        </button>
        <button type="button" data-testid="explore-export-png" onClick={exportPng} disabled={!data}>
          {t('explore.exportPng')}
        </button>
      </ViewHeader>
      <ExploreControls state={state} onChange={onChange} />
      <section className="explore-summary" aria-live="polite">
        <h2>
          {name(indicator.name)} · {name(region.name)}
        </h2>
        {live && (
          <span className="explore-live" title={time(live.ts)}>
            {t('explore.latest')} <b>{num(live.value, indicator.precision)}</b> {name(indicator.unit)}
          </span>
        )}
        {data && (
          <span className="muted">
            {t('explore.window', { from: time(data.main.from), to: time(data.main.to), step: t(`explore.step.${data.main.step}`), count: data.main.points.length })}
          </span>
        )}
        {data && <span className="muted">{t('explore.fetchedAt', { time: new Date(data.fetchedAt).toLocaleTimeString(locale) })}</span>}
        {stale && <span className="badge-stale">{t('data.stale')}</span>}
        {loading && <span className="muted">{t('data.loading')}</span>}
      </section>
      {tooFine && (
        <div className="explore-error" role="alert" data-testid="explore-error">
          {t('explore.stepTooFine', { step: t(`explore.step.${state.step === 'auto' ? '1d' : state.step}`), max: MAX_SERIES_BUCKETS })}{' '}
          <button type="button" onClick={() => onChange({ step: 'auto' })}>
            {t('explore.useAuto')}
          </button>
        </div>
      )}
      {error && (
        <div className="explore-error" role="alert" data-testid="explore-error">
          {t('explore.error', { message: error })}
        </div>
      )}
      {data?.compare && <ComparisonNote compare={data.compare} />}
      <ExploreChart indicator={indicator} points={points} step={data?.main.step ?? '1h'} partialFrom={data?.main.partialFrom ?? null} comparison={comparison} stale={stale} chartRef={chartRef} />
      {data && points.length === 0 && <p className="muted explore-empty">{t('explore.empty')}</p>}
      <ExploreTable indicator={indicator} body={data?.main ?? null} comparison={comparison} stale={stale} />
    </div>
  )
}
