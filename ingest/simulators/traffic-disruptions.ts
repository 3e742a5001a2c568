import type { LocalCalendar } from './local-calendar'
import { noiseKey, unitAt } from './seeded-noise'
import { HOUR_MS, MINUTE_MS, type ScheduledAnomaly } from './simulator'

/**
 * Traffic disruptions the traffic model applies itself, each a pure function
 * of (seed, time), so live points, history and the answer key agree:
 * - a city-wide slowdown (a rainstorm, a large event, a closed ring road):
 *   every detector of one city reads slower, and its regions' congestion
 *   and bus punctuality follow, for one to two and a half hours;
 * - an incident pile-up (a multi-vehicle crash, a chain of breakdowns in
 *   fog): a leaf region's count of today's incidents gains a batch within
 *   half an hour, and keeps it until midnight (it is a count so far today).
 * Everyday traffic already holds rush hours and ordinary incidents; these
 * are what a duty officer is paged for.
 */

export interface Slowdown {
  readonly city: string
  readonly start: number
  readonly end: number
  /** Speeds are multiplied by this at full strength (0.5: half as fast). */
  readonly factor: number
}

export interface Pileup {
  readonly region: string
  readonly start: number
  /** When the last incident of the batch has been reported. */
  readonly end: number
  readonly added: number
}

// One chance of a slowdown somewhere in the province per epoch.
const SLOWDOWN_EPOCH_MS = 8 * HOUR_MS
const SLOWDOWN_CHANCE = 0.6
const SLOWDOWN_DURATION_MS = [60 * MINUTE_MS, 150 * MINUTE_MS] as const
const SLOWDOWN_FACTOR = [0.5, 0.7] as const
/** Speeds fall and recover over this long. */
const SLOWDOWN_RAMP_MS = 10 * MINUTE_MS
// One pile-up somewhere in the province per epoch.
const PILEUP_EPOCH_MS = 4 * HOUR_MS
const PILEUP_SPAN_MS = [10 * MINUTE_MS, 30 * MINUTE_MS] as const
const PILEUP_ADDED = [8, 16] as const

export class DisruptionSchedule {
  private readonly keys: { slowdown: number; pileup: number }
  // The last epochs asked for (values never depend on them): a detector asks every 5 s.
  private readonly slowdownMemo = new Map<number, Slowdown | null>()
  private readonly pileupMemo = new Map<number, Pileup>()

  constructor(
    seed: number,
    private readonly calendar: LocalCalendar,
    /** Cities a slowdown may hit: those whose traffic is measured. */
    private readonly cities: readonly string[],
    /** Leaf regions a pile-up may hit. */
    private readonly leaves: readonly string[],
  ) {
    this.keys = { slowdown: noiseKey(seed, 'traffic-slowdown'), pileup: noiseKey(seed, 'traffic-pileup') }
  }

  /** What speeds in `city` are multiplied by at t (1: no slowdown there then). */
  speedFactor(city: string, t: number): number {
    // A slowdown lies within its epoch, so only this epoch's can reach t.
    return slowing(this.slowdown(Math.floor(t / SLOWDOWN_EPOCH_MS)), city, t)
  }

  /** Incidents pile-ups have added to `region`'s count by t since local midnight. */
  incidentsAdded(region: string, t: number): number {
    const dayStart = this.calendar.dayStart(this.calendar.dayIndex(t))
    let added = 0
    for (let e = Math.floor(dayStart / PILEUP_EPOCH_MS); e <= Math.floor(t / PILEUP_EPOCH_MS); e++) {
      const p = this.pileup(e)
      if (p.region !== region || p.start < dayStart || p.start > t) continue
      // Reported one after another across the pile-up's span.
      added += Math.min(p.added, Math.floor((p.added * (t - p.start + 1)) / (p.end - p.start)))
    }
    return added
  }

  slowdownsBetween(from: number, to: number): Slowdown[] {
    const out: Slowdown[] = []
    for (let e = Math.floor(from / SLOWDOWN_EPOCH_MS); e <= Math.floor((to - 1) / SLOWDOWN_EPOCH_MS); e++) {
      const s = this.slowdown(e)
      if (s && s.end > from && s.start < to) out.push(s)
    }
    return out
  }

  pileupsBetween(from: number, to: number): Pileup[] {
    const out: Pileup[] = []
    for (let e = Math.floor(from / PILEUP_EPOCH_MS); e <= Math.floor((to - 1) / PILEUP_EPOCH_MS); e++) {
      const p = this.pileup(e)
      if (p.end > from && p.start < to) out.push(p)
    }
    return out
  }

  /**
   * The disruptions as anomaly records (kind `episode`). A slowdown is one
   * record per indicator it moves, on its city, with the change in speed in
   * percent at full strength as magnitude; a pile-up is one record on its
   * region's incident count, with the incidents added.
   */
  asAnomalies(from: number, to: number): ScheduledAnomaly[] {
    const out: ScheduledAnomaly[] = []
    for (const s of this.slowdownsBetween(from, to)) {
      const magnitude = Math.round((s.factor - 1) * 100)
      for (const indicator of ['traffic.speed', 'traffic.occupancy', 'traffic.congestion_index', 'traffic.bus_punctuality'])
        out.push({ kind: 'episode', indicator, region: s.city, start: s.start, end: s.end, magnitude })
    }
    for (const p of this.pileupsBetween(from, to))
      out.push({ kind: 'episode', indicator: 'traffic.incidents', region: p.region, start: p.start, end: p.end, magnitude: p.added })
    return out
  }

  private slowdown(epoch: number): Slowdown | null {
    const memo = this.slowdownMemo.get(epoch)
    if (memo !== undefined) return memo
    const key = this.keys.slowdown
    const slot = epoch * 8
    let s: Slowdown | null = null
    if (this.cities.length > 0 && unitAt(key, slot) < SLOWDOWN_CHANCE) {
      const duration = SLOWDOWN_DURATION_MS[0] + unitAt(key, slot + 1) * (SLOWDOWN_DURATION_MS[1] - SLOWDOWN_DURATION_MS[0])
      // Starts early enough to end within its epoch.
      const start = Math.floor((epoch * SLOWDOWN_EPOCH_MS + unitAt(key, slot + 2) * (SLOWDOWN_EPOCH_MS - duration)) / MINUTE_MS) * MINUTE_MS
      s = {
        city: this.cities[Math.floor(unitAt(key, slot + 3) * this.cities.length)]!,
        start,
        end: start + Math.round(duration / MINUTE_MS) * MINUTE_MS,
        factor: SLOWDOWN_FACTOR[0] + unitAt(key, slot + 4) * (SLOWDOWN_FACTOR[1] - SLOWDOWN_FACTOR[0]),
      }
    }
    remember(this.slowdownMemo, epoch, s)
    return s
  }

  private pileup(epoch: number): Pileup {
    const memo = this.pileupMemo.get(epoch)
    if (memo) return memo
    const key = this.keys.pileup
    const slot = epoch * 8
    const span = PILEUP_SPAN_MS[0] + unitAt(key, slot + 1) * (PILEUP_SPAN_MS[1] - PILEUP_SPAN_MS[0])
    const start = Math.floor((epoch * PILEUP_EPOCH_MS + unitAt(key, slot + 2) * (PILEUP_EPOCH_MS - span)) / MINUTE_MS) * MINUTE_MS
    const p: Pileup = {
      region: this.leaves.length > 0 ? this.leaves[Math.floor(unitAt(key, slot + 3) * this.leaves.length)]! : '',
      start,
      end: start + Math.round(span / MINUTE_MS) * MINUTE_MS,
      added: Math.round(PILEUP_ADDED[0] + unitAt(key, slot + 4) * (PILEUP_ADDED[1] - PILEUP_ADDED[0])),
    }
    remember(this.pileupMemo, epoch, p)
    return p
  }
}

function slowing(s: Slowdown | null, city: string, t: number): number {
  if (!s || s.city !== city || t < s.start || t >= s.end) return 1
  const strength = Math.min(1, (t - s.start) / SLOWDOWN_RAMP_MS, (s.end - t) / SLOWDOWN_RAMP_MS)
  return 1 - strength * (1 - s.factor)
}

const MEMO_LIMIT = 64

function remember<V>(memo: Map<number, V>, epoch: number, value: V): void {
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.set(epoch, value)
}
