/**
 * How fast the simulators are, on the sample catalog (or the test catalog until
 * it is built): the cost per point of a full back-fill (24 h at 1 minute, 30 days
 * hourly, 13 months daily) and of live generation, the cost of a once-a-second
 * live call, and the live point rate.
 * Prints one JSON object per line.
 *
 *   node --import tsx ingest/simulators/measure-simulators.ts
 */
import { CatalogIndex } from '../../common/catalog-index'
import { createSimulators } from './create-simulators'
import { historyInChunks } from './history-chunks'
import { DAY_MS, HOUR_MS, MINUTE_MS, type Simulator } from './simulator'
import { createTestCatalog, loadSampleCatalog } from './test-catalog'

const UTC_OFFSET_MINUTES = 480
const sample = loadSampleCatalog()
const index = new CatalogIndex(sample ?? createTestCatalog())
const simulators = createSimulators(index, { seed: 1, utcOffsetMinutes: UTC_OFFSET_MINUTES })
const now = Date.UTC(2025, 10, 18, 6, 30, 12)

function report(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields))
}

report({
  name: 'simulators.catalog',
  catalog: sample ? 'sample' : 'test',
  leafRegions: index.tree.leaves(index.tree.root.code).length,
  airStations: index.stationsOfKind('air').length,
  trafficDetectors: index.stationsOfKind('traffic').length,
})

// The rate the series promise, and the rate live() delivers over a real window.
for (const sim of simulators) {
  const promised = sim.series().reduce((sum, s) => sum + 1000 / s.publishEveryMs, 0)
  const windowMs = 30 * MINUTE_MS
  const started = performance.now()
  const points = sim.live(now, now + windowMs).length
  const ms = performance.now() - started
  report({
    name: 'simulators.live',
    domain: sim.domain,
    series: sim.series().length,
    promisedPointsPerSecond: round(promised),
    deliveredPointsPerSecond: round(points / (windowMs / 1000)),
    nsPerPoint: round((ms * 1e6) / points),
  })
}

// What the server does: one call a second for the second just gone.
for (const sim of simulators) {
  const seconds = 600
  let points = 0
  const started = performance.now()
  for (let i = 0; i < seconds; i++) points += sim.live(now + i * 1000, now + (i + 1) * 1000).length
  const ms = performance.now() - started
  report({ name: 'simulators.live.tick', domain: sim.domain, microsecondsPerCall: round((ms * 1000) / seconds), pointsPerCall: round(points / seconds) })
}

const backfill: Array<[label: string, from: number, resolution: number]> = [
  ['24h@1m', now - DAY_MS, MINUTE_MS],
  ['30d@1h', now - 30 * DAY_MS, HOUR_MS],
  ['13mo@1d', now - 395 * DAY_MS, DAY_MS],
]
let totalPoints = 0
let totalMs = 0
for (const [label, from, resolution] of backfill) {
  for (const sim of simulators) {
    const { points, ms } = timeHistory(sim, from, now, resolution)
    totalPoints += points
    totalMs += ms
    if (points === 0) continue
    report({ name: 'simulators.history', range: label, domain: sim.domain, points, ms: round(ms), nsPerPoint: round((ms * 1e6) / points) })
  }
}
report({ name: 'simulators.backfill', points: totalPoints, ms: round(totalMs), nsPerPoint: round((totalMs * 1e6) / totalPoints) })

function timeHistory(sim: Simulator, from: number, to: number, resolution: number): { points: number; ms: number } {
  const started = performance.now()
  let points = 0
  for (const chunk of historyInChunks(sim, from, to, resolution, UTC_OFFSET_MINUTES)) points += chunk.length
  return { points, ms: performance.now() - started }
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}
