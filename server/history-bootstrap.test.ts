import { describe, expect, it } from 'vitest'
import type { HistoryTarget } from '../ingest/history-backfill'
import type { SimPoint, Simulator } from '../ingest/simulators/simulator'
import { createLogger } from './logger'
import { bootstrapHistory, type HistoryStorage } from './history-bootstrap'
import type { BackfillState } from './storage/backfill-marker'

/** The first start's history, over storage in memory and a simulator of one daily series. */

const NOW = Date.UTC(2026, 11, 1)

class MemoryHistory implements HistoryStorage {
  marker: (BackfillState & { points?: number }) | null = null
  written: Array<{ target: HistoryTarget; points: number }> = []
  cleared = 0
  constructor(private hasData = false) {}
  async readMarker() {
    return this.marker && { until: this.marker.until, completed: this.marker.completed }
  }
  async recordMarker(until: number, completed: boolean, points?: number) {
    this.marker = { until, completed, points }
  }
  async clearHistory() {
    this.cleared++
    this.written = []
  }
  async holdsData() {
    return this.hasData || this.written.length > 0
  }
  async write(target: HistoryTarget, points: readonly SimPoint[]) {
    this.written.push({ target, points: points.length })
  }
}

const simulator: Simulator = {
  domain: 'environment',
  series: () => [{ indicator: 'env.aqi', region: '990101', publishEveryMs: 3_600_000, historyResolutionMs: 86_400_000 }],
  live: () => [],
  history: (from, to, res) => (res === 86_400_000 ? [{ ts: from, indicator: 'env.aqi', region: '990101', value: 42 }] : []),
  anomalies: () => [],
}

const run = (storage: MemoryHistory) =>
  bootstrapHistory({ storage, simulators: [simulator], utcOffsetMinutes: 480, minuteIndicators: new Set(), now: NOW, log: createLogger('silent') })

describe('bootstrapHistory', () => {
  it('back-fills a first start up to now and marks it complete; a later start does nothing', async () => {
    const storage = new MemoryHistory()
    expect(await run(storage)).toEqual({ backfilled: true, until: NOW })
    expect(storage.marker).toMatchObject({ until: NOW, completed: true })
    expect(storage.written.some((w) => w.target === '1d' && w.points > 0)).toBe(true)
    expect(storage.marker!.points).toBeGreaterThan(0)
    const before = storage.written.length
    expect(await run(storage)).toEqual({ backfilled: false })
    expect(storage.written).toHaveLength(before)
  })

  it('a first start that died half-way is cleared and done again, up to the same instant', async () => {
    const storage = new MemoryHistory()
    storage.marker = { until: NOW - 60_000, completed: false }
    expect(await run(storage)).toEqual({ backfilled: true, until: NOW - 60_000 })
    expect(storage.cleared).toBe(1)
    expect(storage.marker).toMatchObject({ completed: true })
  })

  it('never back-fills storage that already holds data (history would overlap it)', async () => {
    const storage = new MemoryHistory(true)
    expect(await run(storage)).toEqual({ backfilled: false })
    expect(storage.written).toEqual([])
    expect(storage.marker).toBeNull()
  })
})
