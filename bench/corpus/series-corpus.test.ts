import { describe, expect, it } from 'vitest'
import { probationLength } from '../nab-score'
import { STEP_BACK_MS } from './feed-shapes'
import { nabWindowRows, nabWindows } from './nab-windows'
import { corpusSeries, generateCorpus, SHAPES, type ShapeName } from './series-corpus'

const SHAPE_NAMES = Object.keys(SHAPES) as ShapeName[]

describe('nabWindows', () => {
  it.each([
    // rows, anomalies, expected windows
    [1000, [500], [{ left: 450, right: 550 }]],
    [1000, [300, 700], [{ left: 275, right: 325 }, { left: 675, right: 725 }]],
    [1000, [20], [{ left: 0, right: 70 }]],
    [1000, [990], [{ left: 940, right: 999 }]],
    // Windows that meet are merged, as NAB merges them.
    [1000, [500, 520], [{ left: 475, right: 545 }]],
  ])('%i rows, anomalies at %j', (rows, anomalies, expected) => {
    expect(nabWindows(rows, anomalies)).toEqual(expected)
  })

  it('shares a tenth of the rows among the anomalies', () => {
    expect(nabWindowRows(4032, 2)).toBe(201)
    expect(nabWindowRows(4032, 0)).toBe(403)
  })
})

describe('the generated corpus', () => {
  it('is a pure function of its seed', () => {
    expect(corpusSeries('bursty_counts', 2, 5)).toEqual(corpusSeries('bursty_counts', 2, 5))
    expect(corpusSeries('bursty_counts', 2, 5).values).not.toEqual(corpusSeries('bursty_counts', 2, 6).values)
  })

  const corpus = generateCorpus(13, 2)

  it.each(SHAPE_NAMES)('%s: 1k–20k finite rows at a cadence from 5 s to 1 h, labelled anomalies after probation in NAB windows', (shape) => {
    for (const s of corpus.filter((c) => c.shape === shape)) {
      expect(s.ts.length).toBe(s.values.length)
      expect(s.ts.length).toBeGreaterThanOrEqual(1000)
      expect(s.ts.length).toBeLessThanOrEqual(21_000)
      expect([5, 60, 300, 600, 3600]).toContain(s.cadenceSeconds)
      expect(s.values.every(Number.isFinite)).toBe(true)
      expect(s.anomalies.length).toBeGreaterThanOrEqual(1)
      for (const a of s.anomalies) expect(a).toBeGreaterThanOrEqual(probationLength(s.ts.length))
      expect(s.windows).toEqual(nabWindows(s.ts.length, s.anomalies))
      const covered = s.windows.reduce((sum, w) => sum + w.right - w.left + 1, 0)
      expect(covered / s.ts.length).toBeGreaterThan(0.08)
      expect(covered / s.ts.length).toBeLessThanOrEqual(0.11)
    }
  })

  it('has rows out of order only where the shape says so: late rows, batches sent again, a clock stepping back 55 minutes', () => {
    const stepsBack = (ts: number[]) => ts.filter((t, i) => i > 0 && t < Math.max(...ts.slice(Math.max(0, i - 30), i))).length
    for (const s of corpus) {
      if (s.shape === 'out_of_order') {
        expect(stepsBack(s.ts)).toBeGreaterThan(0)
        expect(Math.max(...s.ts.map((t, i) => (i > 0 ? s.ts[i - 1]! - t : 0)))).toBeLessThanOrEqual(STEP_BACK_MS)
      } else {
        expect(stepsBack(s.ts)).toBe(0)
      }
    }
  })
})
