import { describe, expect, it } from 'vitest'
import { PrefetchCache } from './prefetch-cache'

describe('answers read ahead', () => {
  it('stand in for one read while fresh, then the server is asked again', () => {
    let now = 0
    const cache = new PrefetchCache(() => now, 60_000)
    cache.put('/api/changes?region=440100', { a: 1 })
    now = 59_000
    expect(cache.take('/api/changes?region=440100')).toEqual({ a: 1 })
    expect(cache.take('/api/changes?region=440100')).toBeUndefined()
  })

  it('are dropped once stale, and never answer another URL', () => {
    let now = 0
    const cache = new PrefetchCache(() => now, 60_000)
    cache.put('/a', 1)
    expect(cache.take('/b')).toBeUndefined()
    now = 60_001
    expect(cache.take('/a')).toBeUndefined()
  })

  it('keep a bounded number, the oldest leaving first', () => {
    const cache = new PrefetchCache(() => 0)
    for (let i = 0; i < 100; i++) cache.put(`/u${i}`, i)
    expect(cache.size).toBe(64)
    expect(cache.has('/u0')).toBe(false)
    expect(cache.take('/u99')).toBe(99)
  })
})
