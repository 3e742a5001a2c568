import { useEffect, useMemo, useState } from 'react'
import { z } from 'zod'
import { SERIES_STEPS, seriesReplySchema, type SeriesReply } from '../../../common/api/query-api'
import { backtestReplySchema, type BacktestReply } from '../../../common/api/rules-api'
import type { RuleInput } from '../../../common/rule-schema'
import { ApiRequestError, getJson, postJson, query } from '../api/http'
import { CHART_COLORS, TIME_LABELS, type ChartOption } from '../charts/echarts'
import { useChart } from '../charts/use-chart'
import { useCatalog } from '../data/catalog'
import { stepTooFine } from '../explore/explore-state'
import { useI18n } from '../i18n/i18n'
import { serverError } from './form-errors'
import { serverProblemText } from './rule-fields'

/**
 * The edited rule, before it is saved, over the stored history of its scope
 * for a chosen range (default the last 30 days): how often it would have
 * fired, on which series, when, and one series drawn with its firings
 * marked. The firings are the server's engine run over that history
 * (POST /api/rules/backtest), never a guess of the page; the drawn series is
 * the same history (GET /api/series) at the backtest's own step, or the next
 * coarser one when a chart may not have that many points.
 */

/** The backtest's range when the page opens: the 30 days, as the API's own default. */
const DEFAULT_DAYS = 30
const DAY_MS = 86_400_000
/** Firings listed one by one; beyond this the table says how many it left out (the count above is all of them). */
const SHOWN_FIRINGS = 200

/** A backtest's reply with the definition it ran, to say when the form has moved on since. */
export interface Tested {
  reply: BacktestReply
  rule: string
}

interface Series {
  region: string
  station?: string
  times: number[]
}

/** A day in the browser's zone (the deployment's, on a wall PC) as a date input holds it. */
const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

/** A 400's problems from the envelope's details, when it lists them. */
const problemsSchema = z.object({ problems: z.array(z.string()) })

export function RuleBacktest({ draft, valid, tested, onTested }: { draft: RuleInput; valid: boolean; tested: Tested | null; onTested(tested: Tested): void }) {
  const { t, name, lang } = useI18n()
  const catalog = useCatalog()
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - DEFAULT_DAYS * DAY_MS)))
  const [to, setTo] = useState(() => isoDay(new Date()))
  const [running, setRunning] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [problems, setProblems] = useState<string[]>([])
  const [picked, setPicked] = useState<string | null>(null)
  const current = JSON.stringify(draft)

  const run = () => {
    setError(null)
    setProblems([])
    if (from > to) return setError(t('ruleEdit.err.range'))
    setRunning(true)
    // The rule is sent as edited: the id is the path's business, not the backtest's.
    const { id: _id, ...rule } = draft
    // Whole days in the browser's zone; the end day is included, up to now for today.
    const start = new Date(`${from}T00:00`).getTime()
    const end = Math.min(Date.now(), new Date(`${to}T00:00`).getTime() + DAY_MS)
    postJson('/api/rules/backtest', { rule, from: start, to: end }, backtestReplySchema)
      .then(
        (reply) => {
          onTested({ reply, rule: current })
          setPicked(null)
        },
        (e: unknown) => {
          // A refused rule's problems name their fields under `rule.`; a range too large (422) says which bound.
          const details = e instanceof ApiRequestError ? problemsSchema.safeParse(e.details) : null
          if (details?.success) setProblems(details.data.problems.map((p) => serverProblemText(p.replace(/^rule\./, ''), t)))
          setError(serverError(e, t))
        },
      )
      .finally(() => setRunning(false))
  }

  const reply = tested?.reply
  const bySeries = useMemo(() => {
    const out = new Map<string, Series>()
    for (const a of reply?.alerts ?? []) {
      const key = `${a.region}|${a.station ?? ''}`
      const s = out.get(key) ?? { region: a.region, station: a.station, times: [] }
      s.times.push(a.ts)
      out.set(key, s)
    }
    return [...out.entries()].sort((a, b) => b[1].times.length - a[1].times.length)
  }, [reply])
  const chosen = bySeries.find(([k]) => k === picked) ?? bySeries[0]
  /** A series by its names in the catalog: a region, or a station with the region it stands in when its name does not already say it. */
  const where = (region: string, station?: string) => {
    const regionName = name(catalog.region(region)?.name) || region
    if (!station) return regionName
    const stationName = name(catalog.station(station)?.name) || station
    return stationName.includes(regionName) ? stationName : `${stationName} · ${regionName}`
  }
  const time = (ms: number) => new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' })

  return (
    <div data-testid="rule-backtest">
      <div className="admin-form">
        <label className="wall-edit-field">
          <span>{t('ruleEdit.from')}</span>
          <input type="date" name="backtest-from" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="wall-edit-field">
          <span>{t('ruleEdit.to')}</span>
          <input type="date" name="backtest-to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="button" data-testid="rule-backtest-run" disabled={!valid || running || from === '' || to === ''} onClick={run}>
          {running ? t('ruleEdit.running') : t('ruleEdit.run')}
        </button>
      </div>
      {error && (
        <div className="admin-error" role="alert" data-testid="form-error">
          {error}
          {problems.length > 0 && (
            <ul>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {reply && tested && (
        <div data-testid="rule-backtest-result" data-count={reply.alerts.length} data-series={reply.seriesCount} data-from={reply.from} data-to={reply.to}>
          {tested.rule !== current && <p className="admin-warn">{t('ruleEdit.stale')}</p>}
          <p data-testid="backtest-summary">
            {reply.alerts.length === 0 ? t('ruleEdit.noFirings') : t('ruleEdit.result', { count: reply.alerts.length, series: bySeries.length, evaluated: reply.evaluated, step: t(`explore.step.${reply.step}`) })}
          </p>
          {chosen && (
            <>
              <h4>{t('ruleEdit.bySeries')}</h4>
              <p className="muted">{t('ruleEdit.pickSeries')}</p>
              <table className="admin-table">
                <thead>
                  <tr>
                    <th>{t('ruleEdit.col.series')}</th>
                    <th>{t('ruleEdit.col.count')}</th>
                    <th>{t('ruleEdit.col.span')}</th>
                  </tr>
                </thead>
                <tbody>
                  {bySeries.map(([key, s]) => (
                    <tr key={key} data-testid="backtest-series" data-region={s.region} data-station={s.station ?? ''} data-count={s.times.length} aria-selected={key === chosen[0]}>
                      <td>
                        <button type="button" onClick={() => setPicked(key)}>
                          {where(s.region, s.station)}
                        </button>
                      </td>
                      <td>{s.times.length}</td>
                      <td>
                        {time(s.times[0]!)} – {time(s.times[s.times.length - 1]!)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h4 data-testid="backtest-chart-title">{t('ruleEdit.chartOf', { series: where(chosen[1].region, chosen[1].station) })}</h4>
              <FiringsChart reply={reply} indicator={draft.indicator} series={chosen[1]} />
              <h4>{t('ruleEdit.firings')}</h4>
              <table className="admin-table">
                <thead>
                  <tr>
                    <th>{t('ruleEdit.col.time')}</th>
                    <th>{t('ruleEdit.col.series')}</th>
                    <th>{t('ruleEdit.col.value')}</th>
                  </tr>
                </thead>
                <tbody>
                  {reply.alerts.slice(0, SHOWN_FIRINGS).map((a, i) => (
                    <tr key={i} data-testid="backtest-firing" data-ts={a.ts} data-region={a.region} data-station={a.station ?? ''}>
                      <td>{time(a.ts)}</td>
                      <td>{where(a.region, a.station)}</td>
                      <td>{a.value ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {reply.alerts.length > SHOWN_FIRINGS && <p className="muted">{t('ruleEdit.moreFirings', { n: SHOWN_FIRINGS })}</p>}
            </>
          )}
        </div>
      )}
    </div>
  )
}

/** One series over the backtest's range, with the moments the rule would have fired marked. */
function FiringsChart({ reply, indicator, series }: { reply: BacktestReply; indicator: string; series: Series }) {
  const { t, num } = useI18n()
  const [points, setPoints] = useState<SeriesReply['points'] | null>(null)
  // The backtest's own step when a series may have that many points, else the next coarser that fits: a week judged minute by minute is drawn by the hour.
  const step = SERIES_STEPS.slice(SERIES_STEPS.indexOf(reply.step)).find((s) => !stepTooFine(reply, s)) ?? '1d'
  useEffect(() => {
    let current = true
    setPoints(null)
    getJson(`/api/series${query({ indicator, region: series.region, station: series.station, from: reply.from, to: reply.to, step })}`, seriesReplySchema).then(
      (r) => current && setPoints(r.points),
      () => current && setPoints([]),
    )
    return () => {
      current = false
    }
  }, [indicator, series.region, series.station, reply.from, reply.to, step])
  const option = useMemo<ChartOption | null>(() => {
    if (!points) return null
    const marked = reply.alerts.filter((a) => a.region === series.region && (a.station ?? '') === (series.station ?? ''))
    return {
      animation: false,
      grid: { left: 60, right: 20, top: 20, bottom: 30 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', min: reply.from, max: reply.to, axisLabel: { color: CHART_COLORS.muted, formatter: TIME_LABELS } },
      yAxis: { type: 'value', scale: true, axisLabel: { color: CHART_COLORS.muted, formatter: (v: number) => num(v) }, splitLine: { lineStyle: { color: CHART_COLORS.grid } } },
      series: [
        { id: 'series', type: 'line', showSymbol: false, data: points.map((p) => [p.ts, p.value]), lineStyle: { color: CHART_COLORS.accent, width: 1.5 } },
        { id: 'firings', name: t('ruleEdit.firings'), type: 'scatter', symbolSize: 9, itemStyle: { color: CHART_COLORS.bad }, data: marked.map((a) => [a.ts, a.value]) },
      ],
    }
  }, [points, reply.alerts, reply.from, reply.to, series.region, series.station, num, t])
  const { ref } = useChart(option)
  return <div ref={ref} className="rule-edit-chart" data-testid="backtest-chart" data-step={step} data-marked={series.times.length} data-points={points?.length ?? 0} />
}
