import { describe, expect, it } from 'vitest'
import { normalisedNabScore, probationLength, scaledSigmoid, scoreNabFile, STANDARD_PROFILE } from './nab-score'

// 1 000 rows: probation is the first 150. One window of 101 rows, [400, 500].
const ROWS = 1000
const WINDOW = { left: 400, right: 500 }
const WIDTH = 101
const S = scaledSigmoid
const score = (detections: number[], windows = [WINDOW], rows = ROWS) => scoreNabFile({ rows, windows, detections })

describe('scaledSigmoid', () => {
  it.each([
    [-1, 2 / (1 + Math.exp(-5)) - 1],
    [-0.5, 0.8482836399575129],
    [0, 0],
    [1, -(2 / (1 + Math.exp(-5)) - 1)],
    [2.999, 2 / (1 + Math.exp(5 * 2.999)) - 1],
    [3, -1],
    [10, -1],
  ])('S(%d)', (y, expected) => {
    expect(S(y)).toBeCloseTo(expected, 12)
  })
})

describe('probationLength', () => {
  it.each([
    [1000, 150],
    [1127, 169],
    [2499, 374],
    [10_320, 750],
  ])('%d rows → %d', (rows, expected) => expect(probationLength(rows)).toBe(expected))
})

describe('scoreNabFile', () => {
  it('scores nothing as the null detector: −A_FN per window', () => {
    const s = score([])
    expect(s).toMatchObject({ raw: -1, null: -1, tp: 0, fn: 1, fp: 0 })
    expect(s.perfect).toBeCloseTo(1, 12)
  })

  it('a detection at the left edge earns the full A_TP', () => {
    expect(score([400]).raw).toBeCloseTo(1, 12)
  })

  it('a detection at the right edge earns S(-1/width)/S(-1), a little above 0', () => {
    const s = score([500])
    expect(s.raw).toBeCloseTo(S(-1 / WIDTH) / S(-1), 12)
    expect(s.raw).toBeGreaterThan(0)
    expect(s.raw).toBeLessThan(0.03)
  })

  it('only the first detection in a window counts, and later ones in it cost nothing', () => {
    const mid = score([450]).raw
    expect(mid).toBeCloseTo(S(-51 / WIDTH) / S(-1), 12)
    expect(score([450, 460, 499, 500]).raw).toBeCloseTo(mid, 12)
    expect(score([499, 450]).raw).toBeCloseTo(mid, 12)
  })

  it('a false positive before any window costs A_FP, each one', () => {
    expect(score([300]).raw).toBeCloseTo(-1 - 0.11, 12)
    expect(score([300, 399]).raw).toBeCloseTo(-1 - 0.22, 12)
    expect(score([300, 400]).raw).toBeCloseTo(1 - 0.11, 12)
    expect(score([300]).fp).toBe(1)
  })

  it('a false positive just after a window costs little, growing to A_FP from 3 widths on', () => {
    const tp = 1
    // y = (i − right) / (width − 1)
    expect(score([400, 501]).raw).toBeCloseTo(tp + 0.11 * S(1 / 100), 12)
    expect(score([400, 550]).raw).toBeCloseTo(tp + 0.11 * S(0.5), 12)
    expect(score([400, 600]).raw).toBeCloseTo(tp + 0.11 * S(1), 12)
    expect(score([400, 800]).raw).toBeCloseTo(tp - 0.11, 12)
    expect(score([400, 501]).raw).toBeGreaterThan(tp - 0.01)
  })

  it('a false positive is measured from the last window that ended before it', () => {
    const windows = [
      { left: 200, right: 250 },
      { left: 700, right: 750 },
    ]
    const s = scoreNabFile({ rows: ROWS, windows, detections: [200, 700, 260, 760] })
    expect(s.raw).toBeCloseTo(2 + 0.11 * S(10 / 50) + 0.11 * S(10 / 50), 12)
    expect(s).toMatchObject({ tp: 2, fn: 0, fp: 2 })
  })

  it('ignores detections in probation, which the null detector cannot be blamed for either', () => {
    expect(score([0, 10, 149]).raw).toBe(-1)
    expect(score([150]).raw).toBeCloseTo(-1 - 0.11, 12)
  })

  it('does not score a window wholly in probation, but measures later false positives from it', () => {
    const windows = [{ left: 50, right: 100 }, WINDOW]
    const s = scoreNabFile({ rows: ROWS, windows, detections: [60, 160] })
    expect(s.null).toBe(-1)
    expect(s.raw).toBeCloseTo(-1 + 0.11 * S(60 / 50), 12)
  })

  it('scores a window straddling probation from its first scored row', () => {
    const windows = [{ left: 100, right: 200 }]
    const s = scoreNabFile({ rows: ROWS, windows, detections: [120, 150] })
    const expected = S(-(200 - 150 + 1) / 101) / S(-1)
    expect(s.raw).toBeCloseTo(expected, 12)
    expect(s.perfect).toBeCloseTo(expected, 12)
  })

  it('rejects windows outside the file or out of order', () => {
    expect(() => score([], [{ left: 990, right: 1000 }])).toThrow(RangeError)
    expect(() => score([], [WINDOW, { left: 450, right: 600 }])).toThrow(RangeError)
    expect(() => score([1000])).toThrow(RangeError)
  })

  it('uses the profile it is given', () => {
    expect(scoreNabFile({ rows: ROWS, windows: [WINDOW], detections: [300] }, { ...STANDARD_PROFILE, fp: 0.22 }).raw).toBeCloseTo(-1.22, 12)
  })
})

describe('normalisedNabScore', () => {
  it('sums over files before normalising: null 0, perfect 100', () => {
    const a = score([])
    const b = score([400])
    expect(normalisedNabScore([a, a])).toBeCloseTo(0, 12)
    expect(normalisedNabScore([b, b])).toBeCloseTo(100, 12)
    expect(normalisedNabScore([a, b])).toBeCloseTo(50, 12)
  })
})
