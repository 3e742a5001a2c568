/**
 * The analyst view's state and its URL: indicator, region, time range (a
 * preset relative to now, or a fixed from/to), step and comparison. The URL
 * holds all of it, so a link reproduces the view. Pure; no DOM.
 */

export const RANGE_PRESETS = ['24h', '7d', '30d', '1y'] as const
export type RangePreset = (typeof RANGE_PRESETS)[number]

export const STEPS = ['auto', '1m', '1h', '1d'] as const
/** `auto` leaves the step to the server (the finest that gives at most 2,000 points). */
export type StepChoice = (typeof STEPS)[number]

export const COMPARES = ['none', 'previous', 'lastYear'] as const
export type Compare = (typeof COMPARES)[number]

export type ExploreRange = { kind: 'preset'; preset: RangePreset } | { kind: 'custom'; from: number; to: number }

export interface ExploreState {
  indicator: string
  region: string
  range: ExploreRange
  step: StepChoice
  compare: Compare
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

export const PRESET_SPAN_MS: Record<RangePreset, number> = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '1y': 365 * DAY_MS,
}

export interface Window {
  from: number
  to: number
}

/** What to show when the URL does not say: the indicator, region and range that fit the catalog. */
export interface ExploreDefaults {
  indicator: string
  region: string
  /** The default range for an indicator (daily and monthly ones need a year to show a trend). */
  rangeFor(indicator: string): RangePreset
  isIndicator(code: string): boolean
  isRegion(code: string): boolean
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value)
}

/** An instant from the URL: epoch ms or an ISO-8601 date-time. */
export function parseInstant(text: string | null): number | undefined {
  if (text === null || text === '') return undefined
  if (/^-?\d{1,15}$/.test(text)) return Number(text)
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/** The state a query string describes; anything missing or unknown falls back to the defaults. */
export function parseExploreState(search: string, defaults: ExploreDefaults): ExploreState {
  const q = new URLSearchParams(search)
  const rawIndicator = q.get('indicator')
  const indicator = rawIndicator !== null && defaults.isIndicator(rawIndicator) ? rawIndicator : defaults.indicator
  const rawRegion = q.get('region')
  const region = rawRegion !== null && defaults.isRegion(rawRegion) ? rawRegion : defaults.region
  const from = parseInstant(q.get('from'))
  const to = parseInstant(q.get('to'))
  const preset = oneOf(RANGE_PRESETS, q.get('range'))
  let range: ExploreRange
  if (preset) range = { kind: 'preset', preset }
  else if (from !== undefined && to !== undefined && from < to) range = { kind: 'custom', from, to }
  else range = { kind: 'preset', preset: defaults.rangeFor(indicator) }
  return {
    indicator,
    region,
    range,
    step: oneOf(STEPS, q.get('step')) ?? 'auto',
    compare: oneOf(COMPARES, q.get('compare')) ?? 'none',
  }
}

/** The query string for a state, every part spelled out (keeps `lang` when given). */
export function exploreSearch(state: ExploreState, lang?: string | null): string {
  const q = new URLSearchParams()
  q.set('indicator', state.indicator)
  q.set('region', state.region)
  if (state.range.kind === 'preset') q.set('range', state.range.preset)
  else {
    q.set('range', 'custom')
    q.set('from', new Date(state.range.from).toISOString())
    q.set('to', new Date(state.range.to).toISOString())
  }
  q.set('step', state.step)
  q.set('compare', state.compare)
  if (lang) q.set('lang', lang)
  return `?${q.toString()}`
}

/** The time window a range covers at `now`. */
export function resolveWindow(range: ExploreRange, now: number): Window {
  if (range.kind === 'custom') return { from: range.from, to: range.to }
  return { from: now - PRESET_SPAN_MS[range.preset], to: now }
}

/** The same instant one calendar year earlier (29 February becomes 28 February... or 1 March, as Date decides). */
export function yearEarlier(ms: number): number {
  const d = new Date(ms)
  d.setFullYear(d.getFullYear() - 1)
  return d.getTime()
}

/**
 * The window to compare with, and the offset that moves its points onto the
 * main window's time axis (so both series are drawn aligned).
 */
export function comparisonWindow(window: Window, compare: Exclude<Compare, 'none'>): Window & { offset: number } {
  if (compare === 'previous') {
    const span = window.to - window.from
    return { from: window.from - span, to: window.from, offset: span }
  }
  const from = yearEarlier(window.from)
  return { from, to: yearEarlier(window.to), offset: window.from - from }
}

export function sameState(a: ExploreState, b: ExploreState): boolean {
  return exploreSearch(a) === exploreSearch(b)
}

/** The server's limit on one series (server/http/query-router.ts MAX_SERIES_BUCKETS): about one point per pixel of a wide chart. */
export const MAX_SERIES_BUCKETS = 2_000

const STEP_MS: Record<Exclude<StepChoice, 'auto'>, number> = { '1m': 60_000, '1h': HOUR_MS, '1d': DAY_MS }

/**
 * Whether the server would refuse this step for this window (too many
 * points): checked before asking, so the analyst gets the advice without a
 * failed request. Daily steps are always answered.
 */
export function stepTooFine(window: Window, step: StepChoice): boolean {
  if (step === 'auto' || step === '1d') return false
  return Math.ceil((window.to - window.from) / STEP_MS[step]) > MAX_SERIES_BUCKETS
}
