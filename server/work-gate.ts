/**
 * A bounded, fair queue in front of costly work (password hashing, heavy
 * queries). At most `concurrency` tasks run at once; each caller (an address,
 * an account) has at most `perKeyRunning` of them running and
 * `perKeyQueued` waiting, and a freed slot goes to the waiting caller served
 * longest ago, so one caller sending a hundred requests at once waits behind
 * itself, not in front of everyone else. Beyond the bounds a
 * task is refused at once with GateFullError: a queue that could grow without
 * bound would only turn an overload into a memory problem and a longer one.
 */

export class GateFullError extends Error {
  override readonly name = 'GateFullError'
  constructor(
    /** Whose queue was full: this caller's own, or everyone's. */
    readonly scope: 'caller' | 'everyone',
  ) {
    super(scope === 'caller' ? 'this caller already has as many requests waiting as it may' : 'the server has as many requests waiting as it may')
  }
}

export interface WorkGateOptions {
  /** Tasks running at once, in all. */
  concurrency: number
  /** Tasks of one caller running at once (default: `concurrency`). */
  perKeyRunning?: number
  /** Tasks of one caller waiting at once. */
  perKeyQueued: number
  /** Tasks waiting at once, in all. */
  maxQueued: number
}

interface Caller {
  running: number
  waiting: Array<(release: () => void) => void>
  /** When this caller last got a slot (a serial number; 0: never). */
  servedAt: number
}

export class WorkGate {
  private readonly callers = new Map<string, Caller>()
  /** Callers with waiting tasks. */
  private readonly turns = new Set<string>()
  private served = 0
  private running = 0
  private queued = 0
  private refusedCount = 0
  private readonly perKeyRunning: number

  constructor(private readonly options: WorkGateOptions) {
    this.perKeyRunning = options.perKeyRunning ?? options.concurrency
  }

  get stats(): { running: number; queued: number; refused: number } {
    return { running: this.running, queued: this.queued, refused: this.refusedCount }
  }

  /** Runs `task` when its turn comes; its slot is freed when it settles. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key)
    try {
      return await task()
    } finally {
      release()
    }
  }

  /**
   * A slot for `key`, as a function that frees it (calling it twice frees it
   * once). Rejects with GateFullError when the caller's or everyone's queue is full.
   */
  acquire(key: string): Promise<() => void> {
    const caller = this.callers.get(key) ?? { running: 0, waiting: [], servedAt: 0 }
    if (this.running < this.options.concurrency && caller.running < this.perKeyRunning && caller.waiting.length === 0) {
      this.callers.set(key, caller)
      return Promise.resolve(this.start(key, caller))
    }
    if (caller.waiting.length >= this.options.perKeyQueued || this.queued >= this.options.maxQueued) {
      this.refusedCount++
      return Promise.reject(new GateFullError(caller.waiting.length >= this.options.perKeyQueued ? 'caller' : 'everyone'))
    }
    this.callers.set(key, caller)
    return new Promise((resolve) => {
      this.turns.add(key)
      caller.waiting.push(resolve)
      this.queued++
    })
  }

  private start(key: string, caller: Caller): () => void {
    this.running++
    caller.running++
    caller.servedAt = ++this.served
    let released = false
    return () => {
      if (released) return
      released = true
      this.running--
      caller.running--
      if (caller.running === 0 && caller.waiting.length === 0) this.callers.delete(key)
      this.dispatch()
    }
  }

  /** Hands each free slot to the waiting caller served longest ago (one that never was, first). */
  private dispatch(): void {
    while (this.running < this.options.concurrency) {
      let nextKey: string | undefined
      let next: Caller | undefined
      for (const key of this.turns) {
        const caller = this.callers.get(key)!
        if (caller.running < this.perKeyRunning && (!next || caller.servedAt < next.servedAt)) {
          nextKey = key
          next = caller
        }
      }
      if (!next || nextKey === undefined) return
      const resolve = next.waiting.shift()!
      this.queued--
      if (next.waiting.length === 0) this.turns.delete(nextKey)
      resolve(this.start(nextKey, next))
    }
  }
}
