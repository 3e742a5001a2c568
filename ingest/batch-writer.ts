/**
 * Group commit: writers queue units (a request's points, already encoded), and
 * the writer hands them to the sink in batches — when enough rows are waiting,
 * or when the oldest has waited `lingerMs`, and never more than `maxInFlight`
 * batches at once. Each `write` resolves only once its batch is stored, so a
 * caller that answers after `await write(...)` answers for stored data.
 *
 * Units are never split across batches: a unit is stored entirely or not at all.
 */

export interface BatchWriterOptions<U> {
  /** Stores one batch; throws when it could not. */
  sink: (units: U[], rows: number) => Promise<void>
  /** A batch is sent as soon as this many rows wait. */
  maxBatchRows: number
  /** Or when the oldest waiting row has waited this long. */
  lingerMs: number
  /** Rows waiting plus rows being stored; beyond it `canAccept` says no. */
  maxQueuedRows: number
  /** Batches being stored at once. */
  maxInFlight?: number
}

interface Pending<U> {
  unit: U
  rows: number
  /** When it was queued (performance.now()). */
  at: number
  resolve: () => void
  reject: (err: unknown) => void
}

export class WriterClosedError extends Error {
  override readonly name = 'WriterClosedError'
  constructor() {
    super('the writer is closed')
  }
}

export class BatchWriter<U> {
  private readonly pending: Pending<U>[] = []
  private pendingRows = 0
  private inFlightRows = 0
  private inFlight = 0
  private timer: NodeJS.Timeout | undefined
  private closed = false
  /** While > 0, batches go out without waiting for the linger time. */
  private flushing = 0
  private readonly idleWaiters: Array<() => void> = []
  private readonly maxInFlight: number

  /** Totals since start, for metrics. */
  readonly stats = { batches: 0, rows: 0, failedBatches: 0, lastBatchMs: 0, lastBatchRows: 0, totalBatchMs: 0 }

  constructor(private readonly options: BatchWriterOptions<U>) {
    this.maxInFlight = options.maxInFlight ?? 1
  }

  /** Rows waiting or being stored. */
  get depth(): number {
    return this.pendingRows + this.inFlightRows
  }

  /** False when `rows` more would exceed the queue limit (an empty queue takes anything). */
  canAccept(rows: number): boolean {
    return !this.closed && (this.depth === 0 || this.depth + rows <= this.options.maxQueuedRows)
  }

  write(unit: U, rows: number): Promise<void> {
    if (this.closed) return Promise.reject(new WriterClosedError())
    if (rows === 0) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ unit, rows, at: performance.now(), resolve, reject })
      this.pendingRows += rows
      this.schedule()
    })
  }

  /** Sends everything waiting and resolves once all of it is stored (or failed). */
  async flush(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return
    this.flushing++
    try {
      this.dispatch()
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
    } finally {
      this.flushing--
    }
  }

  /** Stores what is waiting, then refuses further writes. */
  async close(): Promise<void> {
    this.closed = true
    await this.flush()
  }

  /** Sends a batch now if one is due, or arms the timer for when the oldest row is. */
  private schedule(): void {
    if (this.pending.length === 0) return
    if (this.pendingRows >= this.options.maxBatchRows || this.flushing > 0) {
      this.dispatch()
      return
    }
    if (this.timer || this.inFlight >= this.maxInFlight) return
    const wait = Math.max(0, this.pending[0]!.at + this.options.lingerMs - performance.now())
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.dispatch()
    }, wait)
  }

  private dispatch(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    while (this.pending.length > 0 && this.inFlight < this.maxInFlight) {
      const batch: Pending<U>[] = []
      let rows = 0
      while (this.pending.length > 0 && (batch.length === 0 || rows + this.pending[0]!.rows <= this.options.maxBatchRows)) {
        const p = this.pending.shift()!
        batch.push(p)
        rows += p.rows
      }
      this.pendingRows -= rows
      void this.store(batch, rows)
    }
  }

  private async store(batch: Pending<U>[], rows: number): Promise<void> {
    this.inFlight++
    this.inFlightRows += rows
    const started = performance.now()
    try {
      await this.options.sink(
        batch.map((p) => p.unit),
        rows,
      )
      this.stats.batches++
      this.stats.rows += rows
      this.stats.lastBatchRows = rows
      this.stats.lastBatchMs = performance.now() - started
      this.stats.totalBatchMs += this.stats.lastBatchMs
      for (const p of batch) p.resolve()
    } catch (err) {
      this.stats.failedBatches++
      for (const p of batch) p.reject(err)
    } finally {
      this.inFlight--
      this.inFlightRows -= rows
      // What queued up while this batch was stored goes next: under load batches
      // grow by themselves; at rest a lone point waits at most lingerMs.
      this.schedule()
      if (this.pending.length === 0 && this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w()
    }
  }
}
