import { between, intBetween, normal, pareto, pick, poisson, wander, type Rng } from './noise'
import { anomalyRows, bump, DAY, diurnal, isWeekend, regularTimes, rounded, type ShapeSeries } from './shape-series'

/**
 * Shapes of real feeds, each with what is normal for that kind of series and
 * what a person would label: traffic detectors, social-media mention counts,
 * server CPU and network metrics, machine and ambient temperatures, and
 * ad-exchange rates.
 */

/**
 * Traffic speed (km/h) or occupancy (%) at 5 s, 1 min or 5 min: rush hours on
 * weekdays, calm weekends; 5-minute rows jittered and sometimes missing, as
 * real detectors report. Anomalies: incidents (speed halves, occupancy jumps)
 * for 10–60 minutes.
 */
export function seasonalTraffic(rng: Rng): ShapeSeries {
  const cadence = pick(rng, [5, 60, 300, 300])
  const rows = cadence === 5 ? intBetween(rng, 10_000, 20_000) : cadence === 60 ? intBetween(rng, 6000, 20_000) : intBetween(rng, 4000, 15_000)
  const jitter = cadence === 300 ? 0.4 : 0
  let ts = regularTimes(rng, rows, cadence, jitter)
  if (cadence === 300) ts = ts.filter(() => rng() > 0.08)
  const n = ts.length
  const occupancy = rng() < 0.35
  const free = between(rng, 85, 110)
  const noise = cadence === 5 ? between(rng, 6, 10) : cadence === 60 ? between(rng, 3, 6) : between(rng, 2, 4)
  const values = ts.map((t) => {
    const rush = isWeekend(t) ? 0.15 * bump(t, 13, 3) : 0.45 * bump(t, 8, 1.2) + 0.5 * bump(t, 17.5, 1.5)
    return occupancy ? 4 + 40 * rush + (noise / 3) * normal(rng) : free * (1 - rush) + noise * normal(rng)
  })
  const anomalies = anomalyRows(rng, n, intBetween(rng, 1, 3))
  for (const r of anomalies) {
    const until = ts[r]! + between(rng, 10, 60) * 60_000
    const depth = between(rng, 0.3, 0.55)
    for (let i = r; i < n && ts[i]! < until; i++) values[i] = occupancy ? values[i]! + between(rng, 25, 45) : values[i]! * depth
  }
  return { cadenceSeconds: cadence, ts, values: rounded(values.map((v) => Math.max(0, v)), occupancy ? 2 : 0), anomalies }
}

/**
 * Mentions per 5 minutes on social media: Poisson counts around a daily rhythm
 * and a slowly changing popularity, with frequent benign bursts (most small, a
 * few several times the usual). Labelled: viral episodes, 12–30 times the
 * usual rate, fading over hours.
 */
export function burstyCounts(rng: Rng): ShapeSeries {
  const rows = intBetween(rng, 8000, 16_000)
  const ts = regularTimes(rng, rows, 300)
  const base = pick(rng, [2, 8, 30, 120])
  const popularity = wander(rng, rows, 0.3, 2 * 288)
  const peak = between(rng, 12, 20)
  const burstChance = between(rng, 0.004, 0.01)
  const anomalies = anomalyRows(rng, rows, intBetween(rng, 1, 3))
  const viralAt = new Map(anomalies.map((r) => [r, { size: between(rng, 12, 30) * base, keep: Math.exp(-Math.LN2 / between(rng, 6, 24)) }]))
  const values: number[] = []
  let benign = 0
  let viral = 0
  let viralKeep = 0
  for (let i = 0; i < rows; i++) {
    const rate = base * Math.exp(popularity[i]!) * (1 + 0.6 * diurnal(ts[i]!, peak))
    if (rng() < burstChance) benign += rate * (Math.min(pareto(rng, 2), 6) - 1) * 2
    const v = viralAt.get(i)
    if (v) {
      viral = v.size
      viralKeep = v.keep
    }
    values.push(poisson(rng, rate + benign + viral))
    benign *= 0.5
    viral *= viralKeep
  }
  return { cadenceSeconds: 300, ts, values, anomalies }
}

/**
 * CPU utilisation (%) of a server: a steady load with noise, rounded as
 * metrics agents report it, and frequent short benign spikes (jobs, GC). The
 * rare real change: a sustained higher load, the machine going idle, or a
 * runaway process climbing to the ceiling until a restart.
 */
export function serverCpu(rng: Rng): ShapeSeries {
  const cadence = pick(rng, [300, 300, 60, 5])
  const rows = cadence === 300 ? pick(rng, [4032, 8064]) : cadence === 60 ? intBetween(rng, 4000, 10_000) : intBetween(rng, 10_000, 20_000)
  const ts = regularTimes(rng, rows, cadence)
  const level = between(rng, 5, 40)
  const noise = between(rng, 0.5, 3)
  const spikeChance = between(rng, 0.005, 0.03)
  const step = pick(rng, [0.1, 1])
  const load = Array.from({ length: rows }, () => level)
  const anomalies = anomalyRows(rng, rows, intBetween(rng, 1, 2))
  for (const r of anomalies) {
    const kind = pick(rng, ['higher', 'idle', 'runaway'] as const)
    if (kind === 'higher') {
      const extra = between(rng, 15, 35)
      const until = rng() < 0.5 ? rows : r + Math.floor(between(rng, 0.05, 0.15) * rows)
      for (let i = r; i < Math.min(rows, until); i++) load[i] = load[i]! + extra
    } else if (kind === 'idle') {
      const until = r + intBetween(rng, 30, 300)
      for (let i = r; i < Math.min(rows, until); i++) load[i] = 0.5
    } else {
      const climb = intBetween(rng, 20, 60)
      const until = r + climb + intBetween(rng, 50, 200)
      for (let i = r; i < Math.min(rows, until); i++) load[i] = load[i]! + (95 - load[i]!) * Math.min(1, (i - r) / climb)
    }
  }
  const values = load.map((l) => {
    const spike = rng() < spikeChance ? between(rng, 10, 60) : 0
    const v = Math.min(100, Math.max(0, l + noise * normal(rng) + spike))
    return Math.round(v / step) * step
  })
  return { cadenceSeconds: cadence, ts, values: rounded(values, 1), anomalies }
}

/**
 * Bytes in per 5 minutes on a network interface: log-normal, heavy-tailed,
 * with benign bursts. Labelled: hours of several times the usual traffic, or
 * traffic nearly stopping.
 */
export function serverNetwork(rng: Rng): ShapeSeries {
  const rows = pick(rng, [4032, 4032, 8064])
  const ts = regularTimes(rng, rows, 300)
  const level = Math.exp(between(rng, Math.log(1e5), Math.log(1e7)))
  const spread = between(rng, 0.3, 0.8)
  const noise = wander(rng, rows, spread, between(rng, 1, 6))
  const daily = rng() < 0.5 ? between(rng, 0.2, 0.6) : 0
  const factor = Array.from({ length: rows }, () => 1)
  const anomalies = anomalyRows(rng, rows, intBetween(rng, 1, 2))
  for (const r of anomalies) {
    const high = rng() < 0.6
    const until = r + (high ? intBetween(rng, 12, 48) : intBetween(rng, 24, 120))
    for (let i = r; i < Math.min(rows, until); i++) factor[i] = high ? between(rng, 6, 12) : 0.02
  }
  const values = ts.map((t, i) => {
    const burst = rng() < 0.005 ? Math.min(pareto(rng, 1.5), 20) : 1
    return Math.round(level * Math.exp(noise[i]! + daily * diurnal(t, 14)) * factor[i]! * burst)
  })
  return { cadenceSeconds: 300, ts, values, anomalies }
}

/**
 * Temperatures. A machine (5 min, 80–95 °C wandering slowly): failures where
 * it drops towards ambient and stays down, or overheats for hours. A room or
 * outdoor sensor (hourly, a daily cycle on a season): the sensor stuck, reading
 * several degrees off for a day or two, or failing low.
 */
export function temperature(rng: Rng): ShapeSeries {
  return rng() < 0.5 ? machineTemperature(rng) : ambientTemperature(rng)
}

function machineTemperature(rng: Rng): ShapeSeries {
  const rows = intBetween(rng, 10_000, 22_000)
  const ts = regularTimes(rng, rows, 300)
  const level = between(rng, 80, 95)
  const slow = wander(rng, rows, 2, 2 * 288)
  const dailySize = between(rng, 0.5, 1.5)
  const noise = between(rng, 0.3, 0.8)
  const offset = new Float64Array(rows)
  const anomalies = anomalyRows(rng, rows, intBetween(rng, 2, 4))
  for (const r of anomalies) {
    if (rng() < 0.65) {
      const floor = between(rng, 20, 50) - level
      const fall = intBetween(rng, 6, 36)
      const down = intBetween(rng, 30, 300)
      for (let i = r; i < Math.min(rows, r + fall + down + 12); i++) {
        const k = i - r
        offset[i] = floor * (k < fall ? k / fall : k < fall + down ? 1 : 1 - (k - fall - down) / 12)
      }
    } else {
      const rise = between(rng, 8, 15)
      const up = intBetween(rng, 24, 72)
      const hold = intBetween(rng, 24, 96)
      for (let i = r; i < Math.min(rows, r + up + hold); i++) offset[i] = rise * Math.min(1, (i - r) / up)
    }
  }
  const values = ts.map((t, i) => level + slow[i]! + dailySize * diurnal(t, 15) + offset[i]! + noise * normal(rng))
  return { cadenceSeconds: 300, ts, values: rounded(values, 2), anomalies }
}

function ambientTemperature(rng: Rng): ShapeSeries {
  const rows = intBetween(rng, 4000, 7500)
  const ts = regularTimes(rng, rows, 3600)
  const level = between(rng, 18, 24)
  const seasonPhase = rng() * 2 * Math.PI
  const dailySize = between(rng, 1.5, 3)
  const noise = wander(rng, rows, between(rng, 0.3, 0.6), 3)
  const values = ts.map((t, i) => level + 4 * Math.sin(seasonPhase + (2 * Math.PI * (t - ts[0]!)) / (365 * DAY)) + dailySize * diurnal(t, 15) + noise[i]!)
  const anomalies = anomalyRows(rng, rows, intBetween(rng, 1, 2))
  for (const r of anomalies) {
    const kind = pick(rng, ['stuck', 'off', 'low'] as const)
    const length = kind === 'low' ? intBetween(rng, 12, 48) : intBetween(rng, 24, 72)
    const shift = between(rng, 6, 10)
    for (let i = r; i < Math.min(rows, r + length); i++) values[i] = kind === 'stuck' ? values[r - 1]! : kind === 'off' ? values[i]! + shift : -10 + normal(rng) * 0.2
  }
  return { cadenceSeconds: 3600, ts, values: rounded(values, 2), anomalies }
}

/**
 * Hourly ad-exchange rates (cost per click or per thousand): short series,
 * noisy log-normal ratios with a weak daily rhythm. Labelled: spikes, a surge
 * for a day or two, a collapse for days.
 */
export function adRates(rng: Rng): ShapeSeries {
  const rows = intBetween(rng, 1500, 1700)
  const ts = regularTimes(rng, rows, 3600)
  const level = Math.exp(between(rng, Math.log(0.05), Math.log(2)))
  const noise = wander(rng, rows, between(rng, 0.1, 0.3), 3)
  const daily = between(rng, 0.05, 0.25)
  const factor = Array.from({ length: rows }, () => 1)
  const anomalies = anomalyRows(rng, rows, intBetween(rng, 1, 2))
  for (const r of anomalies) {
    const kind = pick(rng, ['spike', 'surge', 'collapse'] as const)
    const length = kind === 'spike' ? intBetween(rng, 1, 4) : kind === 'surge' ? intBetween(rng, 12, 48) : intBetween(rng, 24, 96)
    const size = kind === 'spike' ? between(rng, 2.5, 4) : kind === 'surge' ? between(rng, 1.8, 2.5) : between(rng, 0.3, 0.5)
    for (let i = r; i < Math.min(rows, r + length); i++) factor[i] = size
  }
  const values = ts.map((t, i) => level * Math.exp(noise[i]! + daily * diurnal(t, 20)) * factor[i]!)
  return { cadenceSeconds: 3600, ts, values: rounded(values, 4), anomalies }
}
