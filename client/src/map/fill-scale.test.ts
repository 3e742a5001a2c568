import { describe, expect, it } from 'vitest'
import { indicatorSchema, type Indicator } from '../../../common/catalog-schema'
import { hexToRgba } from './color-scale'
import { bandLimits, fillScaleFor, NO_DATA_RGBA } from './fill-scale'

/** A valid indicator, with overrides (parsed, so a test cannot build one the catalog would refuse). */
function indicator(overrides: Partial<Indicator> = {}): Indicator {
  return indicatorSchema.parse({
    code: 'x.test',
    domain: 'environment',
    name: { zh: '测试', en: 'Test' },
    unit: { zh: '', en: '' },
    precision: 0,
    aggregation: { rule: 'mean' },
    temporal: 'mean',
    better: 'lower',
    cadenceSeconds: 60,
    target: null,
    range: [0, 500],
    ...overrides,
  })
}

/** HJ 633-2012 表 2 (as in sample-data/indicators.json). */
const AQI = indicator({
  target: { kind: 'level', value: 100 },
  scale: {
    kind: 'bands',
    bands: [
      { upTo: 50, color: '#00E400', name: { zh: '优', en: 'Good' } },
      { upTo: 100, color: '#FFFF00', name: { zh: '良', en: 'Moderate' } },
      { upTo: 150, color: '#FF7E00', name: { zh: '轻度污染', en: 'Lightly polluted' } },
      { upTo: 200, color: '#FF0000', name: { zh: '中度污染', en: 'Moderately polluted' } },
      { upTo: 300, color: '#99004C', name: { zh: '重度污染', en: 'Heavily polluted' } },
      { upTo: null, color: '#7E0023', name: { zh: '严重污染', en: 'Severely polluted' } },
    ],
  },
})

describe('fillScaleFor: catalog bands (AQI, HJ 633)', () => {
  const scale = fillScaleFor(AQI)
  it.each([
    [0, '#00E400'],
    [50, '#00E400'],
    [50.4, '#FFFF00'], // AQI is rounded up: 50.4 is 51
    [51, '#FFFF00'],
    [100, '#FFFF00'],
    [101, '#FF7E00'],
    [200, '#FF0000'],
    [300, '#99004C'],
    [301, '#7E0023'],
    [500, '#7E0023'],
  ] as const)('colours AQI %d %s', (aqi, hex) => {
    expect(scale.color(aqi)).toEqual(hexToRgba(hex))
  })

  it('is fixed: the same value has the same colour whatever else is on screen', () => {
    expect(fillScaleFor(AQI).color(250)).toEqual(scale.color(250))
    expect(scale.kind).toBe('bands')
  })

  it('gives no value the no-data colour, which is no band', () => {
    expect(scale.bandOf(Number.NaN)).toBe(-1)
    expect(scale.color(Number.NaN)).toBe(NO_DATA_RGBA)
    expect(scale.bands.map((b) => b.rgba)).not.toContainEqual(NO_DATA_RGBA)
  })

  it('reads as the standard says: 0–50, 51–100, …, > 300', () => {
    const limits = scale.bands.map((b) => bandLimits(b, AQI.range, 0))
    expect(limits[0]).toEqual({ kind: 'between', from: 0, to: 50 })
    expect(limits[1]).toEqual({ kind: 'between', from: 51, to: 100 })
    expect(limits[4]).toEqual({ kind: 'between', from: 201, to: 300 })
    expect(limits[5]).toEqual({ kind: 'above', from: 300, inclusive: false })
  })
})

describe('fillScaleFor: bands of the shown level', () => {
  const counts = indicator({
    better: 'neither',
    range: [0, 1_000_000],
    scale: {
      kind: 'bands',
      bands: [
        { upTo: 1000, color: '#111111' },
        { upTo: null, color: '#222222' },
      ],
      byLevel: {
        county: [
          { upTo: 100, color: '#333333' },
          { upTo: null, color: '#444444' },
        ],
      },
    },
  })
  it('uses a level’s own bands where the catalog gives them, else the general ones', () => {
    expect(fillScaleFor(counts, 'county').color(500)).toEqual(hexToRgba('#444444'))
    expect(fillScaleFor(counts, 'city').color(500)).toEqual(hexToRgba('#111111'))
    expect(fillScaleFor(counts).color(5000)).toEqual(hexToRgba('#222222'))
  })
})

describe('fillScaleFor: bands around a target', () => {
  const rate = indicator({ better: 'higher', precision: 1, range: [0, 100], target: { kind: 'level', value: 90 }, scale: { kind: 'target', step: 5 } })
  const meaning = (ind: Indicator, v: number) => {
    const s = fillScaleFor(ind)
    return s.bands[s.bandOf(v)]?.meaning
  }

  it.each([
    [100, 'wellBeyond'],
    [95, 'wellBeyond'],
    [94.9, 'onTarget'],
    [90, 'onTarget'], // meeting the target counts
    [89.9, 'short'],
    [85, 'short'],
    [84.9, 'farShort'],
    [0, 'farShort'],
  ] as const)('higher is better, target 90, step 5: %d is %s', (v, expected) => {
    expect(meaning(rate, v)).toBe(expected)
  })

  const days = indicator({ better: 'lower', precision: 2, range: [0, 60], target: { kind: 'level', value: 1 }, scale: { kind: 'target', step: 0.5 } })
  it.each([
    [0.5, 'wellBeyond'],
    [0.51, 'onTarget'],
    [1, 'onTarget'], // at the target: met
    [1.01, 'short'],
    [1.5, 'short'],
    [1.51, 'farShort'],
  ] as const)('lower is better, target 1, step 0.5: %d is %s', (v, expected) => {
    expect(meaning(days, v)).toBe(expected)
  })

  it('colours good green and bad red, whichever way is better', () => {
    const green = ([r, g]: readonly number[]) => g! > r!
    expect(green(fillScaleFor(rate).color(99))).toBe(true)
    expect(green(fillScaleFor(rate).color(40))).toBe(false)
    expect(green(fillScaleFor(days).color(0.3))).toBe(true)
    expect(green(fillScaleFor(days).color(9))).toBe(false)
  })

  it('drops a band the range leaves no room for, and derives a step of a tenth of the target', () => {
    // Target 99 of 100: nothing can be 9.9 points beyond it.
    const s = fillScaleFor(indicator({ better: 'higher', precision: 1, range: [0, 100], target: { kind: 'level', value: 99 } }))
    expect(s.kind).toBe('target')
    expect(s.bands.map((b) => b.meaning)).toEqual(['farShort', 'short', 'onTarget'])
    expect(s.bands[0]!.hi).toBeCloseTo(89.1)
    expect(s.bandOf(100)).toBe(2)
  })

  it('says the limits at the indicator’s precision: "< 85", "85–89.9", "≥ 95"', () => {
    const s = fillScaleFor(rate)
    expect(s.bands.map((b) => bandLimits(b, rate.range, 1))).toEqual([
      { kind: 'below', to: 85 },
      { kind: 'between', from: 85, to: 89.9 },
      { kind: 'between', from: 90, to: 94.9 },
      { kind: 'above', from: 95, inclusive: true },
    ])
  })

  it('is not used for an indicator that is neither good nor bad', () => {
    expect(fillScaleFor(indicator({ better: 'neither', target: { kind: 'level', value: 100 } })).kind).toBe('range')
  })
})

describe('fillScaleFor: without bands or a target', () => {
  it('spreads fixed bands over the range, not over the values', () => {
    const s = fillScaleFor(indicator({ better: 'neither', range: [0, 500] }))
    expect(s.kind).toBe('range')
    expect(s.bands).toHaveLength(5)
    expect(s.bandOf(99)).toBe(0)
    expect(s.bandOf(101)).toBe(1)
    expect(s.bandOf(499)).toBe(4)
  })
})
