import { describe, expect, it } from 'vitest'
import { DedupeWindow } from './dedupe-window'

describe('DedupeWindow', () => {
  it('recognises an id it has seen and forgets it after the ttl', () => {
    const w = new DedupeWindow(10, 1000)
    w.add('a', 0)
    expect(w.has('a', 500)).toBe(true)
    expect(w.has('b', 500)).toBe(false)
    expect(w.has('a', 1000)).toBe(false)
  })

  it('forgets the oldest ids beyond its capacity', () => {
    const w = new DedupeWindow(3, 1_000_000)
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) w.add(id, i)
    expect(w.size).toBe(3)
    expect(w.has('a', 10)).toBe(false)
    expect(w.has('d', 10)).toBe(true)
  })

  it('refreshes an id seen again, so it is not the next to be evicted', () => {
    const w = new DedupeWindow(2, 1_000_000)
    w.add('a', 0)
    w.add('b', 1)
    w.add('a', 2)
    w.add('c', 3)
    expect(w.has('a', 4)).toBe(true)
    expect(w.has('b', 4)).toBe(false)
  })

  it('drops expired ids when it evicts', () => {
    const w = new DedupeWindow(2, 100)
    w.add('a', 0)
    w.add('b', 50)
    w.add('c', 200)
    expect(w.size).toBe(1)
    expect(w.has('c', 201)).toBe(true)
  })

  it('lets a removed id through again', () => {
    const w = new DedupeWindow(10, 1000)
    w.add('a', 0)
    w.remove('a')
    expect(w.has('a', 1)).toBe(false)
  })
})
