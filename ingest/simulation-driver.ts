import type { IngestResult } from './ingest-pipeline'
import type { Simulator } from './simulators/simulator'

/**
 * Runs the simulators live: once a tick, every point whose publication slot
 * passed since the last tick goes through the ingest pipeline like any other
 * source. A tick that fails (storage down, queue full) is retried from the same
 * cursor, so the simulated feed has no holes, up to a bounded catch-up.
 */

export interface SimulationDriverOptions {
  /** How often to publish, ms. */
  tickMs: number
  /** After an outage longer than this, skip ahead instead of replaying it all at once. */
  maxCatchUpMs: number
  now: () => number
  onError: (err: unknown) => void
  onRejected: (result: IngestResult) => void
}

export const DEFAULT_DRIVER_OPTIONS = {
  // The live hub ticks once a second; publishing at the same pace keeps the
  // traffic detectors' 5 s cadence visible without bursts.
  tickMs: 1000,
  // Fifteen minutes of simulated province is ~300k points: one big batch, not a flood.
  maxCatchUpMs: 15 * 60_000,
}

export interface PointSink {
  ingestValues(values: readonly unknown[], source: 'simulator'): Promise<IngestResult>
}

export class SimulationDriver {
  private cursor: number
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private stopped = true
  readonly stats = { ticks: 0, points: 0, failedTicks: 0, skippedMs: 0 }

  constructor(
    private readonly simulators: readonly Simulator[],
    private readonly sink: PointSink,
    private readonly options: SimulationDriverOptions,
    /** Publish slots after this instant (typically where history ends). */
    from: number,
  ) {
    this.cursor = from
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.schedule()
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  /** One tick, for tests and for the timer. */
  async tick(): Promise<void> {
    const now = this.options.now()
    if (now - this.cursor > this.options.maxCatchUpMs) {
      this.stats.skippedMs += now - this.options.maxCatchUpMs - this.cursor
      this.cursor = now - this.options.maxCatchUpMs
    }
    const points = this.simulators.flatMap((s) => s.live(this.cursor, now))
    try {
      const result = await this.sink.ingestValues(points, 'simulator')
      if (result.rejected > 0) this.options.onRejected(result)
      this.cursor = now
      this.stats.points += result.accepted
    } catch (err) {
      this.stats.failedTicks++
      this.options.onError(err)
    } finally {
      this.stats.ticks++
    }
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined
        this.schedule()
      })
    }, this.options.tickMs)
  }
}
