import { noiseKey, unitAt } from './seeded-noise'
import { firstSlotAtOrAfter, type SeriesGroup } from './series-group'
import type { AnomalyKind } from './simulator'

/**
 * A recurring kind of fault, placed by hashing: time is cut into epochs of
 * `epochMs` and each epoch gets `perEpoch` occurrences, each on a hashed group at
 * a hashed start. The schedule is therefore a pure function of (seed, time), the
 * number of faults per hour does not depend on how many series there are (a small
 * test catalog still sees them), and each fault touches a tiny share of a real
 * province's series.
 */
export interface AnomalyRule {
  /** Stable name, part of the hash key: adding a rule does not move the others. */
  readonly name: string
  readonly kind: Exclude<AnomalyKind, 'episode'>
  /** Indices (into the simulator's groups) of the groups it may hit. */
  readonly groups: readonly number[]
  /** The indicators of a group it affects; all of the group's when omitted (a station goes down). */
  readonly indicators?: readonly string[]
  readonly epochMs: number
  readonly perEpoch: number
  /** Duration in ms; for `spike`, in publication slots of the group. */
  readonly duration: readonly [min: number, max: number]
  /** Amount added, in the indicator's unit (`spike`, `levelShift`); drawn uniformly. */
  readonly magnitude?: readonly [min: number, max: number]
}

/** One occurrence of a rule, before it is split into per-series `ScheduledAnomaly` records. */
export interface GroupAnomaly {
  readonly id: string
  readonly kind: AnomalyRule['kind']
  readonly group: number
  /** Positions, within the group's indicators, of the series affected. */
  readonly series: readonly number[]
  readonly start: number
  readonly end: number
  /** Added amount for spikes and level shifts; 0 otherwise. */
  readonly magnitude: number
}

/** The longest any occurrence of the rule can last, in ms. */
function maxDurationMs<C>(rule: AnomalyRule, groups: readonly SeriesGroup<C>[]): number {
  if (rule.kind !== 'spike') return rule.duration[1]
  let period = 0
  for (const g of rule.groups) period = Math.max(period, groups[g]!.periodMs)
  // A spike's start is moved up to one period later, onto its group's slot grid.
  return (rule.duration[1] + 1) * period
}

/** Occurrences of the rules overlapping [from, to), in rule order then time order. */
export function scheduleAnomalies<C>(
  seed: number,
  domain: string,
  rules: readonly AnomalyRule[],
  groups: readonly SeriesGroup<C>[],
  from: number,
  to: number,
): GroupAnomaly[] {
  const out: GroupAnomaly[] = []
  for (const rule of rules) {
    if (rule.groups.length === 0 || rule.perEpoch <= 0) continue
    const key = noiseKey(seed, 'anomaly', domain, rule.name)
    const firstEpoch = Math.floor((from - maxDurationMs(rule, groups)) / rule.epochMs)
    const lastEpoch = Math.floor((to - 1) / rule.epochMs)
    for (let e = firstEpoch; e <= lastEpoch; e++) {
      for (let j = 0; j < rule.perEpoch; j++) {
        const slot = (e * 16 + j) * 8
        const groupIndex = rule.groups[Math.floor(unitAt(key, slot) * rule.groups.length)]!
        const group = groups[groupIndex]!
        let start = e * rule.epochMs + Math.floor(unitAt(key, slot + 1) * rule.epochMs)
        const span = rule.duration[0] + unitAt(key, slot + 2) * (rule.duration[1] - rule.duration[0])
        let end: number
        if (rule.kind === 'spike') {
          start = firstSlotAtOrAfter(start, group.periodMs, group.offsetMs)
          end = start + Math.round(span) * group.periodMs
        } else {
          start = Math.floor(start / 1000) * 1000
          end = start + Math.round(span / 1000) * 1000
        }
        if (end <= from || start >= to) continue
        const m = rule.magnitude
        out.push({
          id: `${rule.name}:${e}:${j}`,
          kind: rule.kind,
          group: groupIndex,
          series: seriesPositions(group, rule.indicators),
          start,
          end,
          magnitude: m ? m[0] + unitAt(key, slot + 3) * (m[1] - m[0]) : 0,
        })
      }
    }
  }
  return out
}

function seriesPositions<C>(group: SeriesGroup<C>, indicators: readonly string[] | undefined): number[] {
  const out: number[] = []
  group.indicators.forEach((ind, i) => {
    if (indicators === undefined || indicators.includes(ind.code)) out.push(i)
  })
  return out
}
