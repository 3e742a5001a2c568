import { describe, expect, it } from 'vitest'
import type { IngestResult } from './ingest-pipeline'
import { SimulationDriver } from './simulation-driver'
import type { SimPoint, Simulator } from './simulators/simulator'

/** A simulator publishing one point every second, stamped on the second. */
const everySecond = {
  domain: 'traffic',
  series: () => [],
  history: () => [],
  anomalies: () => [],
  live: (from: number, to: number) => {
    const out: SimPoint[] = []
    for (let t = Math.floor(from / 1000) * 1000 + 1000; t <= to; t += 1000) out.push({ ts: t, indicator: 'x', region: 'r', value: t })
    return out
  },
} as unknown as Simulator

const ok = (n: number): IngestResult => ({ accepted: n, rejected: 0, duplicates: 0, errors: [] })

function driver(clock: { now: number }, sink: (values: readonly unknown[]) => Promise<IngestResult>, maxCatchUpMs = 60_000) {
  return new SimulationDriver(
    [everySecond],
    { ingestValues: (values) => sink(values) },
    { tickMs: 1000, maxCatchUpMs, now: () => clock.now, onError: () => {}, onRejected: () => {} },
    0,
  )
}

describe('SimulationDriver', () => {
  it('publishes every slot once, with its true time', async () => {
    const clock = { now: 0 }
    const sent: number[] = []
    const d = driver(clock, async (values) => {
      sent.push(...values.map((v) => (v as SimPoint).ts))
      return ok(values.length)
    })
    clock.now = 2500
    await d.tick()
    clock.now = 4000
    await d.tick()
    expect(sent).toEqual([1000, 2000, 3000, 4000])
  })

  it('retries the same window after a failed tick, losing nothing', async () => {
    const clock = { now: 0 }
    const sent: number[] = []
    let fail = true
    const d = driver(clock, async (values) => {
      if (fail) throw new Error('storage down')
      sent.push(...values.map((v) => (v as SimPoint).ts))
      return ok(values.length)
    })
    clock.now = 2000
    await d.tick()
    expect(d.stats.failedTicks).toBe(1)
    fail = false
    clock.now = 3000
    await d.tick()
    expect(sent).toEqual([1000, 2000, 3000])
  })

  it('skips ahead after an outage longer than the catch-up limit, and says how much', async () => {
    const clock = { now: 0 }
    const sent: number[] = []
    const d = driver(clock, async (values) => {
      sent.push(...values.map((v) => (v as SimPoint).ts))
      return ok(values.length)
    }, 5000)
    clock.now = 20_000
    await d.tick()
    expect(sent).toEqual([16_000, 17_000, 18_000, 19_000, 20_000])
    expect(d.stats.skippedMs).toBe(15_000)
  })
})
