import type { PointBatch } from '../common/point-batch'

export type BatchListener = (batch: PointBatch) => void

/**
 * The in-process bus between ingest and the live layer (hub, rule engine).
 * A batch is published once it is stored. Listeners run synchronously and must
 * be quick; one that throws is reported and does not stop the others or ingest.
 */
export class IngestBus {
  private readonly listeners = new Set<BatchListener>()

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  subscribe(listener: BatchListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  publish(batch: PointBatch): void {
    if (batch.length === 0) return
    for (const listener of this.listeners) {
      try {
        listener(batch)
      } catch (err) {
        this.onListenerError(err)
      }
    }
  }
}
