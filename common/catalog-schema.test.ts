import { describe, expect, it } from 'vitest'
import { indicatorsFileSchema } from './catalog-schema'
import { describeZodError } from './zod-problems'

/** An indicator with a fill scale, as indicators.json holds it. */
function withScale(scale: unknown, overrides: Record<string, unknown> = {}) {
  return {
    code: 'env.aqi',
    domain: 'environment',
    name: { zh: '空气质量指数', en: 'AQI' },
    unit: { zh: '', en: '' },
    precision: 0,
    aggregation: { rule: 'mean' },
    temporal: 'mean',
    better: 'lower',
    cadenceSeconds: 3600,
    target: { kind: 'level', value: 100 },
    range: [0, 500],
    scale,
    ...overrides,
  }
}

const band = (upTo: number | null, color = '#00E400') => ({ upTo, color })

/** The problem the catalog loader would report (server/catalog/load-catalog.ts), or null when the file is valid. */
function problem(indicator: unknown): string | null {
  const parsed = indicatorsFileSchema.safeParse({ indicators: [indicator] })
  return parsed.success ? null : describeZodError(parsed.error, { root: '(root)', max: 1 })
}

describe('indicator fill scale in the catalog', () => {
  it('accepts bands, bands per level, and a target step', () => {
    expect(problem(withScale({ kind: 'bands', bands: [band(50), band(100, '#FFFF00'), band(null, '#7E0023')] }))).toBeNull()
    expect(problem(withScale({ kind: 'bands', bands: [band(50), band(null)], byLevel: { county: [band(10), band(null)] } }))).toBeNull()
    expect(problem(withScale({ kind: 'target', step: 20 }))).toBeNull()
    expect(problem(withScale(undefined))).toBeNull()
  })

  it.each([
    [{ kind: 'bands', bands: [band(100), band(50), band(null)] }, "indicators.0.scale.bands.1.upTo: must be above the previous band's upTo (100)"],
    [{ kind: 'bands', bands: [band(50), band(100)] }, 'indicators.0.scale.bands.1.upTo: the last band must be open'],
    [{ kind: 'bands', bands: [band(50), band(null), band(null)] }, 'indicators.0.scale.bands.1.upTo: only the last band may be open'],
    [{ kind: 'bands', bands: [band(50, 'green'), band(null)] }, 'indicators.0.scale.bands.0.color: must be a colour as #rrggbb'],
    [{ kind: 'bands', bands: [band(null)] }, 'indicators.0.scale.bands: needs at least two bands'],
    [{ kind: 'bands', bands: [band(50), band(900), band(null)] }, "indicators.0.scale.bands.1.upTo: must lie within the indicator's range [0, 500)"],
    [{ kind: 'bands', bands: [band(50), band(null)], byLevel: { county: [band(10)] } }, 'indicators.0.scale.byLevel.county: needs at least two bands'],
    [{ kind: 'bands', bands: [band(50), band(null)], byLevel: { town: [band(1), band(null)] } }, 'indicators.0.scale.byLevel'],
    [{ kind: 'target', step: 0 }, 'indicators.0.scale.step: must be above 0'],
    [{ kind: 'target', step: 5, bands: [] }, 'indicators.0.scale.bands: unknown field'],
    [{ kind: 'gradient' }, 'indicators.0.scale.kind'],
  ])('refuses %j, naming the field', (scale, message) => {
    expect(problem(withScale(scale))).toContain(message)
  })

  it('refuses a target scale for an indicator without a level target', () => {
    expect(problem(withScale({ kind: 'target', step: 5 }, { target: { kind: 'yoyChange', percent: 5 } }))).toContain('indicators.0.scale.kind: a "target" scale needs a level target')
  })
})
