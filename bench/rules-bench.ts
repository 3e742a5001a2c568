import { CatalogIndex } from '../common/catalog-index'
import type { Station } from '../common/catalog-schema'
import { PointBatch } from '../common/point-batch'
import { RuleSchema, type Rule } from '../common/rule-schema'
import { RuleEngine } from '../server/alerting/rule-engine'
import { loadCatalog } from '../server/catalog/load-catalog'
import { report, round } from './bench-env'

/**
 * `rules`: evaluations per second of 200 rules over 10,000 live series, on one
 * core (the engine runs on the server's main thread). The series are traffic
 * detectors' speed, flow and occupancy and air stations' AQI and PM2.5; the
 * rules mix every condition kind in roughly the proportion a real rule set
 * would (thresholds most, then rates of change, flatlines, baselines, stale
 * checks). Each point is judged by every rule whose scope covers its series.
 * Target: ≥ 1,000,000 evaluations/s.
 */

const SERIES = 10_000
const RULES = 200
const POINTS_PER_SERIES = Number(process.env.BENCH_RULES_POINTS_PER_SERIES ?? 120)

function catalogWithStations(): CatalogIndex {
  const base = loadCatalog('sample-data').catalog
  const counties = base.regions.filter((r) => r.level === 'county')
  // 2,000 traffic detectors × 3 indicators + 2,000 air stations × 2 = 10,000 series.
  const stations: Station[] = []
  for (let i = 0; i < 2000; i++) {
    for (const kind of ['traffic', 'air'] as const) {
      const county = counties[i % counties.length]!
      stations.push({ code: `${kind === 'traffic' ? 'TD' : 'AQ'}-B-${i}`, kind, region: county.code, name: { zh: `站${i}`, en: `Station ${i}` }, location: county.centroid })
    }
  }
  return new CatalogIndex({ ...base, stations })
}

function rules(): Rule[] {
  const targets = [
    { indicator: 'traffic.speed', kind: 'traffic', lo: 20, hi: 110 },
    { indicator: 'traffic.flow', kind: 'traffic', lo: 100, hi: 3000 },
    { indicator: 'traffic.occupancy', kind: 'traffic', lo: 5, hi: 60 },
    { indicator: 'env.aqi', kind: 'air', lo: 20, hi: 200 },
    { indicator: 'env.pm25', kind: 'air', lo: 10, hi: 150 },
  ] as const
  const out: Rule[] = []
  for (let i = 0; i < RULES; i++) {
    const t = targets[i % targets.length]!
    const mix = i % 20
    const condition =
      mix < 8
        ? { kind: 'threshold', op: i % 2 ? 'above' : 'below', value: i % 2 ? t.hi * (0.9 + (i % 7) / 20) : t.lo, recover: i % 2 ? t.hi * 0.8 : t.lo * 1.2 }
        : mix < 12
          ? { kind: 'rateOfChange', windowSeconds: 300 + (i % 5) * 60, direction: 'either', percent: 40 + (i % 4) * 10 }
          : mix < 15
            ? { kind: 'flatline', cadences: 6 + (i % 6) }
            : mix < 17
              ? { kind: 'baseline' }
              : mix < 19
                ? { kind: 'stale', cadences: 3 + (i % 3) }
                : { kind: 'threshold', op: 'above', value: t.hi }
    out.push(
      RuleSchema.parse({
        id: `bench-${i}`,
        name: { zh: `规则${i}`, en: `Rule ${i}` },
        indicator: t.indicator,
        scope: { stationKind: t.kind },
        condition,
        forPoints: i % 3 === 0 ? 2 : undefined,
        keepFiringFor: (i % 4) * 60,
        severity: (['info', 'warning', 'critical'] as const)[i % 3],
        message: { zh: '{station} {value}', en: '{station} {value}' },
      }),
    )
  }
  return out
}

function main() {
  const index = catalogWithStations()
  const engine = new RuleEngine(index, rules())
  const series: Array<{ indicator: string; region: string; station: string; lo: number; hi: number }> = []
  for (const s of index.catalog.stations) {
    const indicators = s.kind === 'traffic' ? ['traffic.speed', 'traffic.flow', 'traffic.occupancy'] : ['env.aqi', 'env.pm25']
    for (const indicator of indicators) series.push({ indicator, region: s.region, station: s.code, ...rangeOf(indicator) })
  }
  if (series.length !== SERIES) throw new Error(`expected ${SERIES} series, made ${series.length}`)

  // Batches as ingest stores them: one point of every series per round, 5 s apart.
  const T0 = Date.UTC(2026, 10, 1)
  const batches: PointBatch[] = []
  for (let round = 0; round < POINTS_PER_SERIES; round++) {
    batches.push(
      new PointBatch(
        series.map((s, k) => ({
          ts: T0 + round * 5000,
          indicator: s.indicator,
          region: s.region,
          station: s.station,
          // A daily-ish wave, a slow drift per series, and now and then a jump.
          value: s.lo + (s.hi - s.lo) * (0.5 + 0.3 * Math.sin(round / 40 + k) + ((round * 7 + k) % 97 === 0 ? 0.45 : 0)),
        })),
      ),
    )
  }
  // Warm up (JIT, state allocation), then measure.
  const warm = Math.floor(batches.length / 4)
  for (let i = 0; i < warm; i++) engine.observeBatch(batches[i]!)
  const evalsBefore = engine.evaluations
  let events = 0
  const t0 = performance.now()
  for (let i = warm; i < batches.length; i++) events += engine.observeBatch(batches[i]!).length
  events += engine.sweep(T0 + batches.length * 5000).length
  const seconds = (performance.now() - t0) / 1000
  const evaluations = engine.evaluations - evalsBefore
  const perSecond = evaluations / seconds
  report({
    name: 'rules',
    rules: RULES,
    series: SERIES,
    points: (batches.length - warm) * SERIES,
    evaluations,
    evaluations_per_s: Math.round(perSecond),
    seconds: round(seconds, 2),
    events,
    target: { min_evaluations_per_s: 1_000_000 },
    met: perSecond >= 1_000_000,
  })
}

function rangeOf(indicator: string): { lo: number; hi: number } {
  switch (indicator) {
    case 'traffic.speed':
      return { lo: 15, hi: 100 }
    case 'traffic.flow':
      return { lo: 50, hi: 2800 }
    case 'traffic.occupancy':
      return { lo: 3, hi: 55 }
    case 'env.aqi':
      return { lo: 20, hi: 180 }
    default:
      return { lo: 8, hi: 120 }
  }
}

main()
