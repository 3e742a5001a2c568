import { describe, expect, it } from 'vitest'
import { GateFullError, WorkGate } from './work-gate'

/** A task that finishes when told to, recording when it started. */
function controlled(log: string[], name: string) {
  let finish!: () => void
  const done = new Promise<void>((resolve) => (finish = resolve))
  return {
    finish: () => finish(),
    task: async () => {
      log.push(name)
      await done
      return name
    },
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('WorkGate', () => {
  it('runs at most `concurrency` tasks at once and starts the next as one finishes', async () => {
    const gate = new WorkGate({ concurrency: 2, perKeyQueued: 10, maxQueued: 10 })
    const log: string[] = []
    const tasks = ['a', 'b', 'c'].map((n) => controlled(log, n))
    const runs = tasks.map((t, i) => gate.run(`k${i}`, t.task))
    await settle()
    expect(log).toEqual(['a', 'b'])
    expect(gate.stats).toEqual({ running: 2, queued: 1, refused: 0 })
    tasks[0]!.finish()
    await settle()
    expect(log).toEqual(['a', 'b', 'c'])
    tasks[1]!.finish()
    tasks[2]!.finish()
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c'])
    expect(gate.stats).toEqual({ running: 0, queued: 0, refused: 0 })
  })

  it('gives freed slots to callers in turn: one caller with many tasks waits behind itself', async () => {
    const gate = new WorkGate({ concurrency: 1, perKeyQueued: 10, maxQueued: 100 })
    const log: string[] = []
    const flood = Array.from({ length: 5 }, (_, i) => controlled(log, `flood${i}`))
    const runs = flood.map((t) => gate.run('flooder', t.task))
    const other = controlled(log, 'other')
    runs.push(gate.run('other', other.task))
    await settle()
    flood[0]!.finish()
    await settle()
    // The other caller's one task comes before the flooder's second.
    expect(log).toEqual(['flood0', 'other'])
    other.finish()
    for (const t of flood) t.finish()
    await Promise.all(runs)
    expect(log).toEqual(['flood0', 'other', 'flood1', 'flood2', 'flood3', 'flood4'])
  })

  it('holds a caller to perKeyRunning even when slots are free, and lets others use them', async () => {
    const gate = new WorkGate({ concurrency: 3, perKeyRunning: 1, perKeyQueued: 10, maxQueued: 10 })
    const log: string[] = []
    const a1 = controlled(log, 'a1')
    const a2 = controlled(log, 'a2')
    const b1 = controlled(log, 'b1')
    const runs = [gate.run('a', a1.task), gate.run('a', a2.task), gate.run('b', b1.task)]
    await settle()
    expect(log).toEqual(['a1', 'b1'])
    a1.finish()
    await settle()
    expect(log).toEqual(['a1', 'b1', 'a2'])
    a2.finish()
    b1.finish()
    await Promise.all(runs)
  })

  it.each([
    ['caller', { concurrency: 1, perKeyQueued: 2, maxQueued: 100 }, ['x', 'x', 'x', 'x']],
    ['everyone', { concurrency: 1, perKeyQueued: 100, maxQueued: 2 }, ['x', 'y', 'z', 'w']],
  ] as const)('refuses at once when the %s queue is full, and counts it', async (scope, options, keys) => {
    const gate = new WorkGate(options)
    const log: string[] = []
    const tasks = keys.map((k, i) => controlled(log, `${k}${i}`))
    const runs = tasks.map((t, i) => gate.run(keys[i]!, t.task).then(() => 'ran', (err: unknown) => err))
    await settle()
    // One running, two waiting, the fourth refused.
    const refused = await runs[3]
    expect(refused).toBeInstanceOf(GateFullError)
    expect((refused as GateFullError).scope).toBe(scope)
    expect(gate.stats.refused).toBe(1)
    for (const t of tasks) t.finish()
    expect(await Promise.all(runs.slice(0, 3))).toEqual(['ran', 'ran', 'ran'])
  })

  it('frees a slot when a task fails, and a release called twice frees it once', async () => {
    const gate = new WorkGate({ concurrency: 1, perKeyQueued: 10, maxQueued: 10 })
    await expect(gate.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    const release = await gate.acquire('a')
    release()
    release()
    expect(gate.stats.running).toBe(0)
    const log: string[] = []
    const t = controlled(log, 't')
    const run = gate.run('b', t.task)
    const second = gate.acquire('c')
    await settle()
    expect(log).toEqual(['t'])
    expect(gate.stats).toMatchObject({ running: 1, queued: 1 })
    t.finish()
    await run
    ;(await second)()
    expect(gate.stats).toMatchObject({ running: 0, queued: 0 })
  })
})
