import type { CatalogIndex } from '../common/catalog-index'
import type { Rule } from '../common/rule-schema'
import { detect } from '../server/alerting/offline-detect'
import { round } from './bench-env'
import { scoreCorpus } from './corpus/corpus-score'
import { CORPUS_SEED, generateCorpus, SERIES_PER_SHAPE } from './corpus/series-corpus'

/**
 * `anomaly_corpus`, reported beside `anomaly_nab` in the same run: the same
 * rule, through the same engine, over the generated corpus (bench/corpus: 16
 * kinds of series, 5 of each, 5-second to hourly cadences, 1k–20k rows),
 * scored as NAB scores (standard profile, normalised: null detector 0, perfect
 * 100), per shape and overall, with the alerts each series raised.
 */

/** NAB's reference detectors score 70–75 on series of kinds the rule was not tuned on; the corpus asks as much. */
export const CORPUS_MIN_SCORE = 70
/**
 * A flood: more than this many alerts per 1,000 rows on one series. One
 * series of the corpus has at most 4 labelled anomalies in 1,000 rows or
 * more; a detector above this raises mostly false alarms.
 */
export const FLOOD_ALERTS_PER_1000_ROWS = 5

export function corpusReport(index: CatalogIndex, rule: Rule) {
  const corpus = generateCorpus(CORPUS_SEED, SERIES_PER_SHAPE)
  const result = scoreCorpus(corpus, (s) => detect(index, rule, s.ts, s.values).map((r) => r.row))
  const per1000 = (s: { alerts: number; rows: number }) => (1000 * s.alerts) / s.rows
  const worst = result.series.reduce((a, b) => (per1000(b) > per1000(a) ? b : a))
  const floods = result.series.filter((s) => per1000(s) > FLOOD_ALERTS_PER_1000_ROWS).map((s) => s.name)
  return {
    name: 'anomaly_corpus',
    score: round(result.score, 1),
    target: { min_score: CORPUS_MIN_SCORE, max_alerts_per_1000_rows: FLOOD_ALERTS_PER_1000_ROWS },
    met: result.score >= CORPUS_MIN_SCORE && floods.length === 0,
    seed: CORPUS_SEED,
    series: corpus.length,
    rows: corpus.reduce((a, s) => a + s.ts.length, 0),
    windows_detected: result.series.reduce((a, s) => a + s.tp, 0),
    windows: result.series.reduce((a, s) => a + s.tp + s.fn, 0),
    false_positives: result.series.reduce((a, s) => a + s.fp, 0),
    worst_alerts_per_1000_rows: { series: worst.name, alerts: worst.alerts, rows: worst.rows, per_1000: round(per1000(worst), 2) },
    floods,
    shapes: Object.fromEntries(
      Object.entries(result.shapes).map(([shape, r]) => [
        shape,
        {
          score: round(r.score, 1),
          windows_detected: r.windowsDetected,
          windows: r.windows,
          false_positives: r.falsePositives,
          alerts_per_series: round(r.alertsPerSeries, 1),
          max_alerts: r.maxAlerts,
        },
      ]),
    ),
  }
}
