import { afterEach, describe, expect, it, vi } from 'vitest'
import { BatchWriter, WriterClosedError } from './batch-writer'

function recordingWriter(options: { maxBatchRows?: number; lingerMs?: number; maxQueuedRows?: number; fail?: boolean } = {}) {
  const batches: string[][] = []
  let release: (() => void) | undefined
  let gate: Promise<void> | undefined
  const writer = new BatchWriter<string>({
    maxBatchRows: options.maxBatchRows ?? 10,
    lingerMs: options.lingerMs ?? 50,
    maxQueuedRows: options.maxQueuedRows ?? 100,
    sink: async (units) => {
      batches.push(units)
      if (gate) await gate
      if (options.fail) throw new Error('disk on fire')
    },
  })
  return {
    writer,
    batches,
    /** Makes the sink hang until `open()` is called. */
    hold() {
      gate = new Promise((r) => (release = r))
    },
    open() {
      release?.()
      gate = undefined
    },
  }
}

describe('BatchWriter', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('holds rows for the linger time, then stores them in one batch', async () => {
    vi.useFakeTimers()
    const { writer, batches } = recordingWriter({ lingerMs: 50 })
    const a = writer.write('a', 1)
    const b = writer.write('b', 2)
    await vi.advanceTimersByTimeAsync(49)
    expect(batches).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    await Promise.all([a, b])
    expect(batches).toEqual([['a', 'b']])
  })

  it('sends a batch at once when enough rows wait', async () => {
    vi.useFakeTimers()
    const { writer, batches } = recordingWriter({ maxBatchRows: 3, lingerMs: 10_000 })
    void writer.write('a', 2)
    await writer.write('b', 1)
    expect(batches).toEqual([['a', 'b']])
  })

  it('never splits a unit, even one larger than a batch', async () => {
    const { writer, batches } = recordingWriter({ maxBatchRows: 3, lingerMs: 1 })
    await Promise.all([writer.write('big', 5), writer.write('small', 1)])
    expect(batches).toEqual([['big'], ['small']])
  })

  it('gathers what arrives while a batch is being stored into the next one', async () => {
    const w = recordingWriter({ maxBatchRows: 100, lingerMs: 1 })
    w.hold()
    const first = w.writer.write('a', 1)
    await new Promise((r) => setTimeout(r, 10))
    const rest = [w.writer.write('b', 1), w.writer.write('c', 1)]
    expect(w.batches).toEqual([['a']])
    w.open()
    await Promise.all([first, ...rest])
    expect(w.batches).toEqual([['a'], ['b', 'c']])
  })

  it('resolves a write only once its batch is stored', async () => {
    const w = recordingWriter({ lingerMs: 1 })
    w.hold()
    let stored = false
    const p = w.writer.write('a', 1).then(() => (stored = true))
    await new Promise((r) => setTimeout(r, 10))
    expect(stored).toBe(false)
    w.open()
    await p
    expect(stored).toBe(true)
  })

  it('rejects every write of a failed batch with the sink error', async () => {
    const { writer } = recordingWriter({ fail: true, lingerMs: 1 })
    const results = await Promise.allSettled([writer.write('a', 1), writer.write('b', 1)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('disk on fire')
    expect(writer.stats.failedBatches).toBe(1)
  })

  it('reports when the queue is full instead of growing without bound', async () => {
    const w = recordingWriter({ maxQueuedRows: 5, lingerMs: 1 })
    w.hold()
    expect(w.writer.canAccept(100)).toBe(true) // an empty queue takes any single request
    const p = w.writer.write('a', 4)
    expect(w.writer.canAccept(1)).toBe(true)
    expect(w.writer.canAccept(2)).toBe(false)
    expect(w.writer.depth).toBe(4)
    w.open()
    await p
    expect(w.writer.depth).toBe(0)
    expect(w.writer.canAccept(5)).toBe(true)
  })

  it('flushes without waiting for the linger time, and refuses writes once closed', async () => {
    const { writer, batches } = recordingWriter({ lingerMs: 60_000 })
    const p = writer.write('a', 1)
    await writer.close()
    await p
    expect(batches).toEqual([['a']])
    await expect(writer.write('b', 1)).rejects.toBeInstanceOf(WriterClosedError)
    expect(writer.canAccept(1)).toBe(false)
  })
})
