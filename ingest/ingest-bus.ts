import type { Point } from '../common/point'

export type BatchListener = (points: readonly Point[]) => void

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

  publish(points: readonly Point[]): void {
    if (points.length === 0) return
    for (const listener of this.listeners) {
      try {
        listener(points)
      } catch (err) {
        this.onListenerError(err)
      }
    }
  }
}
