import { describe, expect, it } from 'vitest'
import { createRng } from '../common/random'
import { DedupeWindow } from './dedupe-window'
import { hashId, idHashFromDecimal, idHashToDecimal } from './id-hash'

const id = (s: string) => hashId(s)

describe('DedupeWindow', () => {
  it('recognises an id it has seen and forgets it after the ttl', () => {
    const w = new DedupeWindow(10, 1000)
    w.add(id('a'), 0)
    expect(w.has(id('a'), 500)).toBe(true)
    expect(w.has(id('b'), 500)).toBe(false)
    expect(w.has(id('a'), 1000)).toBe(false)
  })

  it('forgets the oldest ids beyond its capacity', () => {
    const w = new DedupeWindow(3, 1_000_000)
    for (const [i, s] of ['a', 'b', 'c', 'd'].entries()) w.add(id(s), i)
    expect(w.size).toBe(3)
    expect(w.has(id('a'), 10)).toBe(false)
    expect(w.has(id('d'), 10)).toBe(true)
  })

  it('refreshes an id seen again, so it is not the next to be evicted', () => {
    const w = new DedupeWindow(2, 1_000_000)
    w.add(id('a'), 0)
    w.add(id('b'), 1)
    w.add(id('a'), 2)
    w.add(id('c'), 3)
    expect(w.has(id('a'), 4)).toBe(true)
    expect(w.has(id('b'), 4)).toBe(false)
  })

  it('drops expired ids when it adds', () => {
    const w = new DedupeWindow(10, 100)
    w.add(id('a'), 0)
    w.add(id('b'), 50)
    w.add(id('c'), 200)
    expect(w.size).toBe(1)
    expect(w.has(id('c'), 201)).toBe(true)
  })

  it('adds an id once: a duplicate within the ttl is refused, an expired one taken as new', () => {
    const w = new DedupeWindow(10, 1000)
    expect(w.addIfAbsent(id('a'), 0)).toBe(true)
    expect(w.addIfAbsent(id('a'), 999)).toBe(false)
    expect(w.size).toBe(1)
    expect(w.addIfAbsent(id('a'), 1000)).toBe(true)
    expect(w.size).toBe(1)
    // Taken again at 1000: remembered until 2000.
    expect(w.addIfAbsent(id('a'), 1999)).toBe(false)
    expect(w.has(id('a'), 1999)).toBe(true)
  })

  it('lets a removed id through again', () => {
    const w = new DedupeWindow(10, 1000)
    w.add(id('a'), 0)
    w.remove(id('a'))
    expect(w.has(id('a'), 1)).toBe(false)
    expect(w.size).toBe(0)
  })

  it('agrees with a plain Set over a long random run of adds, first adds, removes and evictions', () => {
    // Small capacity and table, so probes collide, wrap and shift back often.
    const capacity = 64
    const w = new DedupeWindow(capacity, Number.MAX_SAFE_INTEGER)
    const model: string[] = []
    const rng = createRng(99)
    for (let step = 0; step < 20_000; step++) {
      const key = `k${Math.floor(rng() * 200)}`
      if (rng() < 0.2) {
        w.remove(id(key))
        const i = model.indexOf(key)
        if (i >= 0) model.splice(i, 1)
      } else if (rng() < 0.5) {
        const i = model.indexOf(key)
        const added = w.addIfAbsent(id(key), step)
        // Never refuses an id the model does not have; one it refuses stays where it was.
        if (i < 0) expect(added).toBe(true)
        if (added) {
          if (i >= 0) model.splice(i, 1)
          model.push(key)
          while (model.length > capacity) model.shift()
        }
      } else {
        w.add(id(key), step)
        const i = model.indexOf(key)
        if (i >= 0) model.splice(i, 1)
        model.push(key)
        // The ring may hold removed entries too, so it can forget earlier than
        // the model: the window never claims an id the model does not have.
        while (model.length > capacity) model.shift()
      }
      if (step % 97 === 0) {
        for (let k = 0; k < 200; k++) {
          const s = `k${k}`
          if (w.has(id(s), step)) expect(model).toContain(s)
        }
        expect(w.size).toBeLessThanOrEqual(model.length)
      }
    }
    // The most recent adds are always remembered.
    for (const s of model.slice(-capacity / 2)) expect(w.has(id(s), 20_000)).toBe(true)
  })
})

describe('id hashes', () => {
  it('differ for different ids and round-trip through the decimal ClickHouse stores', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 100_000; i++) seen.add(idHashToDecimal(hashId(`TD-440106-001/traffic.speed/${1795303016551 + i * 5000}`)))
    expect(seen.size).toBe(100_000)
    const h = hashId('x')
    expect(idHashFromDecimal(idHashToDecimal(h))).toEqual(h)
    expect(BigInt(idHashToDecimal({ hi: 2 ** 30 - 1, lo: 2 ** 30 - 1 }))).toBe(2n ** 60n - 1n)
  })
})
