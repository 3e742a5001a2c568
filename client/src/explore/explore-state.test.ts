import { describe, expect, it } from 'vitest'
import { comparisonWindow, exploreSearch, parseExploreState, resolveWindow, stepTooFine, type ExploreDefaults } from './explore-state'

const defaults: ExploreDefaults = {
  indicator: 'env.aqi',
  region: '440000',
  rangeFor: (code) => (code.startsWith('pov.') ? '1y' : '7d'),
  isIndicator: (code) => ['env.aqi', 'pov.at_risk_households', 'traffic.speed'].includes(code),
  isRegion: (code) => ['440000', '440100', '440106'].includes(code),
}

describe('parseExploreState', () => {
  it('falls back to the defaults for an empty or unknown URL', () => {
    expect(parseExploreState('', defaults)).toEqual({ indicator: 'env.aqi', region: '440000', range: { kind: 'preset', preset: '7d' }, step: 'auto', compare: 'none' })
    expect(parseExploreState('?indicator=nope&region=999999&range=2w&step=5m&compare=x', defaults)).toEqual(parseExploreState('', defaults))
  })

  it('picks the default range by indicator', () => {
    expect(parseExploreState('?indicator=pov.at_risk_households', defaults).range).toEqual({ kind: 'preset', preset: '1y' })
  })

  it.each([
    ['preset', { indicator: 'traffic.speed', region: '440106', range: { kind: 'preset', preset: '24h' }, step: '1m', compare: 'previous' }],
    ['custom', { indicator: 'env.aqi', region: '440100', range: { kind: 'custom', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 1, 1) }, step: '1d', compare: 'lastYear' }],
  ] as const)('round-trips a %s range through the URL', (_, state) => {
    expect(parseExploreState(exploreSearch(state, 'en'), defaults)).toEqual(state)
  })

  it('reads epoch milliseconds and ignores a reversed custom range', () => {
    expect(parseExploreState('?from=1000&to=2000', defaults).range).toEqual({ kind: 'custom', from: 1000, to: 2000 })
    expect(parseExploreState('?from=2000&to=1000', defaults).range).toEqual({ kind: 'preset', preset: '7d' })
  })

  it('keeps the language in the URL', () => {
    expect(new URLSearchParams(exploreSearch(parseExploreState('', defaults), 'en')).get('lang')).toBe('en')
  })
})

describe('windows', () => {
  const now = Date.UTC(2026, 10, 22, 12)
  it('resolves a preset relative to now', () => {
    expect(resolveWindow({ kind: 'preset', preset: '24h' }, now)).toEqual({ from: now - 86_400_000, to: now })
  })

  it('compares with the period just before', () => {
    const w = { from: now - 7 * 86_400_000, to: now }
    expect(comparisonWindow(w, 'previous')).toEqual({ from: now - 14 * 86_400_000, to: now - 7 * 86_400_000, offset: 7 * 86_400_000 })
  })

  it('compares with the same calendar period a year earlier', () => {
    const w = { from: Date.UTC(2026, 9, 1), to: Date.UTC(2026, 10, 1) }
    const c = comparisonWindow(w, 'lastYear')
    expect(new Date(c.from).getFullYear()).toBe(2025)
    expect(c.to - c.from).toBe(w.to - w.from)
    expect(c.from + c.offset).toBe(w.from)
  })
})

describe('stepTooFine', () => {
  it.each([
    ['1m', 24, false],
    ['1m', 34, true],
    ['1h', 24 * 80, false],
    ['1h', 24 * 90, true],
    ['1d', 24 * 3650, false],
    ['auto', 24 * 3650, false],
  ] as const)('step %s over %d hours: %s', (step, hours, expected) => {
    expect(stepTooFine({ from: 0, to: hours * 3_600_000 }, step)).toBe(expected)
  })
})
