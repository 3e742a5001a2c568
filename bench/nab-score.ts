/**
 * The Numenta Anomaly Benchmark's scoring (NAB v1.x, `nab/sweeper.py`),
 * reimplemented as pure functions over row indices so the `anomaly_nab`
 * benchmark can score the project's own detector without Python.
 *
 * A file's rows are scored by position, not by time: a window is the inclusive
 * row range between its two labelled timestamps, and "width" is its row count.
 */

/** Weights of one NAB application profile. */
export interface NabProfile {
  /** Reward for a detection at a window's left edge. */
  readonly tp: number
  /** Cost of a false positive well away from any window. */
  readonly fp: number
  /** Cost of a window with no detection. */
  readonly fn: number
}

/** NAB's "standard" profile (`config/profiles.json`). */
export const STANDARD_PROFILE: NabProfile = { tp: 1, fp: 0.11, fn: 1 }

/** Share of each file's rows that is probation, and its cap in rows (NAB: 15 % of at most 5 000 rows). */
const PROBATION_SHARE = 0.15
const PROBATION_MAX_ROWS = 750

/** Rows at the start of a file whose detections NAB ignores: the detector is still learning. */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(PROBATION_SHARE * rows), PROBATION_MAX_ROWS)
}

/**
 * NAB's scaled sigmoid: about +0.987 at a window's left edge (y = -1), 0 at
 * its right edge (y = 0), falling towards -1 past it; exactly -1 from y = 3 on.
 */
export function scaledSigmoid(y: number): number {
  if (y >= 3) return -1
  return 2 / (1 + Math.exp(5 * y)) - 1
}

/** A labelled anomaly window as inclusive row indices. */
export interface NabWindow {
  readonly left: number
  readonly right: number
}

export interface NabFileInput {
  /** Number of rows in the file. */
  readonly rows: number
  /** Windows in row order, not overlapping. */
  readonly windows: readonly NabWindow[]
  /** Row indices of the detections (any order; duplicates are harmless). */
  readonly detections: readonly number[]
}

export interface NabFileScore {
  /** The detector's raw score. */
  readonly raw: number
  /** What detecting nothing scores. */
  readonly null: number
  /** What detecting each window at its earliest scored row scores. */
  readonly perfect: number
  /** Windows detected, windows missed, and detections outside every window (after probation). */
  readonly tp: number
  readonly fn: number
  readonly fp: number
}

/**
 * Scores one file as NAB's sweeper does at a fixed threshold:
 * - detections in probation are ignored, and so is a window lying wholly in it;
 * - in a window only the best (first) detection counts, earning
 *   `tp · S(y) / S(-1)` with `y = -(right - i + 1) / width`;
 * - a window without one costs `fn`;
 * - a detection outside every window adds `fp · S(y)` with
 *   `y = |i - prevRight| / (prevWidth - 1)` from the last window that ended
 *   before it, or `-fp` if none has.
 */
export function scoreNabFile(input: NabFileInput, profile: NabProfile = STANDARD_PROFILE): NabFileScore {
  const { rows, windows } = input
  const probation = probationLength(rows)
  const maxTp = scaledSigmoid(-1)
  for (let k = 0; k < windows.length; k++) {
    const w = windows[k]!
    if (!(Number.isInteger(w.left) && Number.isInteger(w.right) && 0 <= w.left && w.left <= w.right && w.right < rows)) {
      throw new RangeError(`window ${k} [${w.left}, ${w.right}] is not within rows 0..${rows - 1}`)
    }
    if (k > 0 && w.left <= windows[k - 1]!.right) throw new RangeError(`window ${k} overlaps or precedes window ${k - 1}`)
  }
  const tpScore = (w: NabWindow, i: number) => (profile.tp * scaledSigmoid(-(w.right - i + 1) / (w.right - w.left + 1))) / maxTp

  const scored = windows.filter((w) => w.right >= probation)
  const best = new Map<NabWindow, number>()
  let fpScore = 0
  let fp = 0
  const detections = [...new Set(input.detections)].sort((a, b) => a - b)
  let next = 0 // first window not yet ended before the current detection
  for (const i of detections) {
    if (!Number.isInteger(i) || i < 0 || i >= rows) throw new RangeError(`detection ${i} is not a row index 0..${rows - 1}`)
    if (i < probation) continue
    while (next < windows.length && windows[next]!.right < i) next++
    const w = windows[next]
    if (w && w.left <= i) {
      if (!best.has(w)) best.set(w, tpScore(w, i))
      continue
    }
    fp++
    const prev = windows[next - 1]
    if (!prev) {
      fpScore -= profile.fp
    } else {
      const width = prev.right - prev.left + 1
      // A one-row window has no scale to measure distance by: NAB's y is then infinite.
      const y = width > 1 ? (i - prev.right) / (width - 1) : Infinity
      fpScore += profile.fp * scaledSigmoid(y)
    }
  }
  let tpTotal = 0
  for (const s of best.values()) tpTotal += s
  const fn = scored.length - best.size
  return {
    raw: tpTotal + fpScore - fn * profile.fn,
    null: -scored.length * profile.fn,
    perfect: scored.reduce((sum, w) => sum + tpScore(w, Math.max(w.left, probation)), 0),
    tp: best.size,
    fn,
    fp,
  }
}

/**
 * NAB's normalised score over several files together: raw, null and perfect
 * scores are summed over the files first, then `100 · (raw − null) / (perfect − null)`.
 */
export function normalisedNabScore(files: readonly Pick<NabFileScore, 'raw' | 'null' | 'perfect'>[]): number {
  let raw = 0
  let nul = 0
  let perfect = 0
  for (const f of files) {
    raw += f.raw
    nul += f.null
    perfect += f.perfect
  }
  if (perfect === nul) throw new RangeError('no scored windows: the normalised score is undefined')
  return (100 * (raw - nul)) / (perfect - nul)
}
