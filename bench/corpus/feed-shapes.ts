import { between, intBetween, pick, type Rng } from './noise'
import { anomalyRows, background, HOUR, MINUTE, rounded, type ShapeSeries } from './shape-series'

/**
 * Shapes of what feeds do to rows rather than to values: gaps in time and
 * irregular sampling, and rows out of order or sent twice. The labelled
 * anomalies are ordinary ones (spikes, dips); the feed's faults are not
 * anomalies and should not raise alerts.
 */

/** A clock change or a late batch: how far real feeds step back. */
export const STEP_BACK_MS = 55 * MINUTE

/**
 * Gaps of 1 to 36 hours (a link down, a sensor off), and for some series
 * irregular sampling too. Anomalies are spikes or dips between the gaps.
 */
export function gaps(rng: Rng): ShapeSeries {
  const b = background(rng, { cadences: [60, 300, 600] })
  const full = b.ts.length
  const keep = new Uint8Array(full).fill(1)
  const cadenceMs = b.cadenceSeconds * 1000
  for (let g = intBetween(rng, 3, 6); g > 0; g--) {
    const length = Math.min(Math.floor(0.08 * full), Math.round((between(rng, 1, 36) * HOUR) / cadenceMs))
    const from = intBetween(rng, Math.floor(0.1 * full), full - length - 1)
    keep.fill(0, from, from + length)
  }
  const irregular = rng() < 0.35
  const ts: number[] = []
  const values: number[] = []
  const afterGap: boolean[] = []
  let gapBefore = false
  for (let i = 0; i < full; i++) {
    if (!keep[i] || (irregular && rng() < 0.15)) {
      gapBefore ||= !keep[i]
      continue
    }
    ts.push(b.ts[i]! + (irregular ? Math.round((rng() - 0.5) * 0.8 * cadenceMs) : 0))
    values.push(b.values[i]!)
    afterGap.push(gapBefore)
    gapBefore = false
  }
  const n = ts.length
  const anomalies = anomalyRows(rng, n, intBetween(rng, 1, 2)).map((r) => {
    // Not on the first rows after a gap: what comes back after a gap is the gap's question, not this one.
    let row = r
    while (row < n - 1 && afterGap.slice(Math.max(0, row - 3), row + 1).some(Boolean)) row++
    return row
  })
  for (const r of anomalies) {
    const size = (rng() < 0.5 ? 1 : -1) * Math.min(between(rng, 7, 12) * b.sigma, 0.9 * b.level)
    const width = intBetween(rng, 1, 6)
    for (let i = r; i < Math.min(n, r + width); i++) values[i] = values[i]! + size
  }
  return { cadenceSeconds: b.cadenceSeconds, ts, values: rounded(values, 3), anomalies }
}

/**
 * Rows out of order and sent twice, as real feeds have them: a single late
 * row from 55 minutes back, a batch of rows re-sent, or the clock stepping
 * back 55 minutes and carrying on from there. Anomalies are dips or spikes
 * away from those places.
 */
export function outOfOrder(rng: Rng): ShapeSeries {
  const b = background(rng, { cadences: [60, 300], season: 'daily' })
  const n = b.ts.length
  const anomalies = anomalyRows(rng, n, intBetween(rng, 1, 2))
  const values = Array.from(b.values)
  for (const r of anomalies) {
    const size = (rng() < 0.5 ? 1 : -1) * Math.min(between(rng, 7, 12) * b.sigma, 0.9 * b.level)
    const width = intBetween(rng, 1, 6)
    for (let i = r; i < Math.min(n, r + width); i++) values[i] = values[i]! + size
  }
  const stepRows = Math.ceil(STEP_BACK_MS / (b.cadenceSeconds * 1000))
  const nearAnomaly = (i: number) => anomalies.some((r) => i > r - 2 * stepRows - 30 && i < r + 30)
  const rows: Array<{ ts: number; value: number; labelled: boolean }> = []
  let shift = 0
  let clockStepped = false
  let next = intBetween(rng, 200, 1000)
  for (let i = 0; i < n; i++) {
    rows.push({ ts: b.ts[i]! - shift, value: values[i]!, labelled: anomalies.includes(i) })
    if (i < next) continue
    next = i + intBetween(rng, 200, 1000)
    if (nearAnomaly(i)) continue
    const kind = pick(rng, ['late', 'resend', 'clock'] as const)
    if (kind === 'late' && i >= stepRows) {
      rows.push({ ts: b.ts[i]! - shift - STEP_BACK_MS, value: values[i - stepRows]!, labelled: false })
    } else if (kind === 'resend') {
      const count = intBetween(rng, 5, 20)
      for (let k = Math.max(0, i - count + 1); k <= i; k++) rows.push({ ts: b.ts[k]! - shift, value: values[k]!, labelled: false })
    } else if (kind === 'clock' && !clockStepped) {
      clockStepped = true
      shift = STEP_BACK_MS
    }
  }
  const out = { ts: rows.map((r) => r.ts), values: rounded(rows.map((r) => r.value), 3) }
  const labelled = rows.flatMap((r, i) => (r.labelled ? [i] : []))
  return { cadenceSeconds: b.cadenceSeconds, ...out, anomalies: labelled }
}
