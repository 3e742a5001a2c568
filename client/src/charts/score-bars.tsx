import './charts.css'
/**
 * Horizontal bars of 0–100 scores (a scorecard), drawn in HTML: each label
 * sits on its own line above its bar, so long indicator names keep the whole
 * width instead of squeezing the bars. Green at the target (100), amber from
 * 90, red below.
 */

export interface ScoreBar {
  key: string
  label: string
  /** 0–100; null when it has no score. */
  score: number | null
}

/** At or above this a score is amber rather than red: within 10 % of the target. */
const AMBER_FROM = 90

export function ScoreBars({ bars }: { bars: readonly ScoreBar[] }) {
  return (
    <ul className="chart-score-bars">
      {bars.map((b) => (
        <li key={b.key} className={`chart-score-bar chart-score-bar--${scoreClass(b.score)}`}>
          <span className="chart-score-bar-label" title={b.label}>
            {b.label}
          </span>
          <span className="chart-score-bar-value">{b.score === null ? '—' : b.score.toFixed(0)}</span>
          <span className="chart-score-bar-track">
            <span className="chart-score-bar-fill" style={{ width: `${Math.max(0, Math.min(100, b.score ?? 0))}%` }} />
          </span>
        </li>
      ))}
    </ul>
  )
}

function scoreClass(score: number | null): 'good' | 'warn' | 'bad' | 'none' {
  if (score === null) return 'none'
  // Scores are capped at 100 when the target is met; allow for rounding in the API.
  if (score >= 99.95) return 'good'
  return score >= AMBER_FROM ? 'warn' : 'bad'
}
