import './charts.css'
/**
 * Horizontal bars of 0–100 scores (a scorecard), drawn in HTML: each label
 * sits on its own line above its bar, so long indicator names keep the whole
 * width instead of squeezing the bars. One scale, read off the number shown
 * (whole points): green at 100 (the target met), amber from 90, red below —
 * so a bar reading "100" is never amber.
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
          <span className="chart-score-bar-value">{b.score === null ? '—' : String(shownScore(b.score))}</span>
          <span className="chart-score-bar-track">
            <span className="chart-score-bar-fill" style={{ width: `${Math.max(0, Math.min(100, b.score ?? 0))}%` }} />
          </span>
        </li>
      ))}
    </ul>
  )
}

/** A score as the bar shows it: whole points. */
export function shownScore(score: number): number {
  return Math.round(score)
}

/** The colour of a score, from the number shown (99.6 reads "100" and is green). */
export function scoreClass(score: number | null): 'good' | 'warn' | 'bad' | 'none' {
  if (score === null) return 'none'
  const shown = shownScore(score)
  if (shown >= 100) return 'good'
  return shown >= AMBER_FROM ? 'warn' : 'bad'
}
