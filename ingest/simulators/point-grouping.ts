import type { ScheduledAnomaly, SimPoint } from './simulator'

/**
 * Grouping simulated points by series, for tests and for checks of alert rules
 * against the scheduled anomalies.
 */

/** One key per series: indicator, region and station. */
export function seriesKeyOf(p: Pick<SimPoint, 'indicator' | 'region' | 'station'>): string {
  return `${p.indicator}|${p.region}|${p.station ?? ''}`
}

/** Points by series, each list in the order given. */
export function bySeries(points: readonly SimPoint[]): Map<string, SimPoint[]> {
  const out = new Map<string, SimPoint[]>()
  for (const p of points) {
    const key = seriesKeyOf(p)
    const list = out.get(key)
    if (list) list.push(p)
    else out.set(key, [p])
  }
  return out
}

/**
 * A test of whether an anomaly (of the given kinds, all by default) covers a
 * point's series at its time. Built once for a list, since checks run per point.
 */
export function anomalyCover(anomalies: readonly ScheduledAnomaly[], kinds?: readonly ScheduledAnomaly['kind'][]): (p: SimPoint) => boolean {
  const bySeriesKey = new Map<string, ScheduledAnomaly[]>()
  for (const a of anomalies) {
    if (kinds !== undefined && !kinds.includes(a.kind)) continue
    const key = seriesKeyOf(a)
    const list = bySeriesKey.get(key)
    if (list) list.push(a)
    else bySeriesKey.set(key, [a])
  }
  return (p) => bySeriesKey.get(seriesKeyOf(p))?.some((a) => p.ts >= a.start && p.ts < a.end) ?? false
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length
}
