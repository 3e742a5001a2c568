import { normalisedNabScore, scoreNabFile, type NabFileScore } from '../nab-score'
import type { CorpusSeries, ShapeName } from './series-corpus'

/**
 * Scores a detector over the corpus as NAB scores a corpus (standard profile,
 * raw scores summed before normalising: 0 is the null detector, 100 the
 * perfect one), per shape and overall, with the alerts each series raised —
 * a flood shows there even where the score hides it.
 */

export interface SeriesResult extends NabFileScore {
  readonly name: string
  readonly shape: ShapeName
  readonly rows: number
  /** Detections (raised alerts) anywhere in the series, probation included. */
  readonly alerts: number
}

export interface ShapeResult {
  readonly score: number
  readonly series: number
  readonly windows: number
  readonly windowsDetected: number
  readonly falsePositives: number
  readonly alertsPerSeries: number
  readonly maxAlerts: number
}

export interface CorpusResult {
  readonly score: number
  readonly shapes: Record<string, ShapeResult>
  readonly series: SeriesResult[]
}

/** `detect` returns the rows at which alerts were raised for one series. */
export function scoreCorpus(corpus: readonly CorpusSeries[], detect: (s: CorpusSeries) => readonly number[]): CorpusResult {
  const series: SeriesResult[] = corpus.map((s) => {
    const detections = detect(s)
    return { name: s.name, shape: s.shape, rows: s.ts.length, alerts: detections.length, ...scoreNabFile({ rows: s.ts.length, windows: s.windows, detections }) }
  })
  const shapes: Record<string, ShapeResult> = {}
  for (const shape of [...new Set(series.map((s) => s.shape))]) {
    const of = series.filter((s) => s.shape === shape)
    shapes[shape] = summarise(of)
  }
  return { score: normalisedNabScore(series), shapes, series }
}

function summarise(of: readonly SeriesResult[]): ShapeResult {
  const sum = (f: (s: SeriesResult) => number) => of.reduce((a, s) => a + f(s), 0)
  return {
    score: normalisedNabScore(of),
    series: of.length,
    windows: sum((s) => s.tp + s.fn),
    windowsDetected: sum((s) => s.tp),
    falsePositives: sum((s) => s.fp),
    alertsPerSeries: sum((s) => s.alerts) / of.length,
    maxAlerts: Math.max(...of.map((s) => s.alerts)),
  }
}
