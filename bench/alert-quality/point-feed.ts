import { Worker } from 'node:worker_threads'
import type { PointChunk, SimulationSetup } from './point-chunks'

/**
 * Chunks of live points for [from, to), made by worker threads a few chunks
 * ahead of the consumer, so generating a province's points (the larger cost)
 * overlaps judging them. Chunks come back in time order whichever thread made them.
 */
export class PointFeed {
  private readonly workers: Array<{ worker: Worker; pending: Array<{ resolve: (chunk: PointChunk) => void; reject: (err: Error) => void }> }>
  private requested = 0
  private readonly ready: Array<Promise<PointChunk>> = []
  private next: number

  constructor(
    setup: SimulationSetup,
    from: number,
    private readonly to: number,
    private readonly chunkMs: number,
    /** Threads generating, each taking every n-th chunk: generation is the larger half of the work. */
    threads = 2,
  ) {
    const url = new URL('./point-worker.ts', import.meta.url).href
    this.workers = Array.from({ length: threads }, () => {
      // A worker does not inherit tsx's loader on Node 20: register it before importing the worker module.
      const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}) })`, {
        eval: true,
        workerData: setup,
      })
      const w = { worker, pending: [] as Array<{ resolve: (chunk: PointChunk) => void; reject: (err: Error) => void }> }
      worker.on('message', (chunk: PointChunk) => w.pending.shift()?.resolve(chunk))
      worker.on('error', (err: Error) => {
        for (const p of w.pending.splice(0)) p.reject(err)
      })
      return w
    })
    this.next = from
    // Two chunks ahead per thread: one being made, one waiting.
    for (let i = 0; i < 2 * threads; i++) this.request()
  }

  /** The next chunk in time order, or null once `to` is reached. */
  async take(): Promise<PointChunk | null> {
    const chunk = this.ready.shift()
    if (!chunk) return null
    this.request()
    return chunk
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()))
  }

  private request(): void {
    if (this.next >= this.to) return
    const from = this.next
    const to = Math.min(this.to, from + this.chunkMs)
    this.next = to
    const w = this.workers[this.requested++ % this.workers.length]!
    const chunk = new Promise<PointChunk>((resolve, reject) => {
      w.pending.push({ resolve, reject })
      w.worker.postMessage({ from, to })
    })
    // Awaited in turn by take(); a failure ahead of it must not count as unhandled meanwhile.
    chunk.catch(() => undefined)
    this.ready.push(chunk)
  }
}
