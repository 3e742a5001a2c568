import type { IdHash } from './id-hash'

/**
 * Remembers producer ids (as 60-bit hashes) for a while so a retried point is
 * stored once. Ids are kept for `ttlMs` and at most `capacity` of them, oldest
 * forgotten first; the window is refilled from storage at start, so a producer
 * that retries after our crash is still recognised.
 *
 * Built on typed arrays — an open-addressing table over a ring of entries in
 * arrival order — because millions of ids as Map entries kept the garbage
 * collector busy on the ingest hot path.
 */
export class DedupeWindow {
  private readonly ringHi: Uint32Array
  private readonly ringLo: Uint32Array
  private readonly ringAt: Float64Array
  private readonly ringLive: Uint8Array
  /**
   * The hash table, two int32 per position: the ring slot + 1 of the entry
   * stored there (0: empty) and the entry's low lane, so a probe compares
   * within one cache line and reaches the ring only on a likely match.
   */
  private readonly table: Int32Array
  private readonly mask: number
  private head = 0
  private used = 0
  private live = 0

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1')
    this.ringHi = new Uint32Array(capacity)
    this.ringLo = new Uint32Array(capacity)
    this.ringAt = new Float64Array(capacity)
    this.ringLive = new Uint8Array(capacity)
    // At most half full, so probes stay short.
    let size = 2
    while (size < capacity * 2) size *= 2
    this.table = new Int32Array(size * 2)
    this.mask = size - 1
  }

  get size(): number {
    return this.live
  }

  has(id: IdHash, now: number): boolean {
    const pos = this.find(id.hi, id.lo)
    return pos >= 0 && this.ringAt[this.table[pos * 2]! - 1]! > now - this.ttlMs
  }

  /** Records an id as seen at `at` (again, if it was: it becomes the newest). */
  add(id: IdHash, at: number): void {
    this.remove(id)
    this.insert(id.hi, id.lo, at)
  }

  /**
   * The ingest hot path: records an id unless it was seen within the ttl.
   * True when it was new (and is now recorded), false for a duplicate.
   */
  addIfAbsent(id: IdHash, at: number): boolean {
    const pos = this.find(id.hi, id.lo)
    if (pos >= 0) {
      const slot = this.table[pos * 2]! - 1
      if (this.ringAt[slot]! > at - this.ttlMs) return false
      this.ringLive[slot] = 0
      this.live--
      this.deleteAt(pos)
    }
    this.insert(id.hi, id.lo, at)
    return true
  }

  /** Forgets an id whose point was not stored after all, so a retry can store it. */
  remove(id: IdHash): void {
    const pos = this.find(id.hi, id.lo)
    if (pos < 0) return
    this.ringLive[this.table[pos * 2]! - 1] = 0
    this.live--
    this.deleteAt(pos)
  }

  /** Appends an id known to be absent, forgetting the oldest and the expired first. */
  private insert(hi: number, lo: number, at: number): void {
    while (this.used > 0 && (this.used === this.capacity || this.ringAt[this.head]! <= at - this.ttlMs)) this.evictOldest()
    const slot = (this.head + this.used) % this.capacity
    this.ringHi[slot] = hi
    this.ringLo[slot] = lo
    this.ringAt[slot] = at
    this.ringLive[slot] = 1
    this.used++
    this.live++
    const table = this.table
    let pos = this.start(hi, lo)
    while (table[pos * 2] !== 0) pos = (pos + 1) & this.mask
    table[pos * 2] = slot + 1
    table[pos * 2 + 1] = lo
  }

  private evictOldest(): void {
    const slot = this.head
    if (this.ringLive[slot] === 1) {
      const pos = this.find(this.ringHi[slot]!, this.ringLo[slot]!)
      this.ringLive[slot] = 0
      this.live--
      if (pos >= 0) this.deleteAt(pos)
    }
    this.head = (this.head + 1) % this.capacity
    this.used--
  }

  private start(hi: number, lo: number): number {
    return (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask
  }

  /** The table position holding the id, or -1. */
  private find(hi: number, lo: number): number {
    const table = this.table
    let pos = this.start(hi, lo)
    for (;;) {
      const e = table[pos * 2]!
      if (e === 0) return -1
      if (table[pos * 2 + 1] === lo && this.ringHi[e - 1] === hi) return pos
      pos = (pos + 1) & this.mask
    }
  }

  /** Linear-probing deletion by backward shift: no tombstones to slow later probes. */
  private deleteAt(pos: number): void {
    const table = this.table
    let hole = pos
    let next = (pos + 1) & this.mask
    for (;;) {
      const e = table[next * 2]!
      if (e === 0) break
      const home = this.start(this.ringHi[e - 1]!, table[next * 2 + 1]!)
      // Move the entry back if the hole lies between its home and where it sits.
      if (((next - home) & this.mask) >= ((next - hole) & this.mask)) {
        table[hole * 2] = e
        table[hole * 2 + 1] = table[next * 2 + 1]!
        hole = next
      }
      next = (next + 1) & this.mask
    }
    table[hole * 2] = 0
  }
}
