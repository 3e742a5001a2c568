import type { NabWindow } from '../nab-score'

/**
 * NAB's labelling rule for anomaly windows: a tenth of a file's rows is shared
 * equally among its labelled anomalies, each window centred on its anomaly's
 * row and cut at the file's ends; windows that touch are merged.
 */

/** Share of a file's rows that its windows cover together (NAB: 10 %). */
export const WINDOW_SHARE = 0.1

/** Rows in each window of a file of `rows` rows with `anomalies` labelled anomalies. */
export function nabWindowRows(rows: number, anomalies: number): number {
  return Math.floor((WINDOW_SHARE * rows) / Math.max(1, anomalies))
}

/** The windows around labelled anomaly rows (any order), in row order, merged where they meet. */
export function nabWindows(rows: number, anomalyRows: readonly number[]): NabWindow[] {
  const half = Math.floor(nabWindowRows(rows, anomalyRows.length) / 2)
  const sorted = [...anomalyRows].sort((a, b) => a - b)
  const out: Array<{ left: number; right: number }> = []
  for (const row of sorted) {
    const left = Math.max(0, row - half)
    const right = Math.min(rows - 1, row + half)
    const last = out.at(-1)
    if (last && left <= last.right + 1) last.right = Math.max(last.right, right)
    else out.push({ left, right })
  }
  return out
}
