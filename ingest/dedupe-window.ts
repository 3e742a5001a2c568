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
  /** Ring slot + 1 of the entry stored at each table position; 0 is empty. */
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
    this.table = new Int32Array(size)
    this.mask = size - 1
  }

  get size(): number {
    return this.live
  }

  has(id: IdHash, now: number): boolean {
    const pos = this.find(id)
    return pos >= 0 && this.ringAt[this.table[pos]! - 1]! > now - this.ttlMs
  }

  /** Records an id as seen at `at` (again, if it was: it becomes the newest). */
  add(id: IdHash, at: number): void {
    this.remove(id)
    while (this.used > 0 && (this.used === this.capacity || this.ringAt[this.head]! <= at - this.ttlMs)) this.evictOldest()
    const slot = (this.head + this.used) % this.capacity
    this.ringHi[slot] = id.hi
    this.ringLo[slot] = id.lo
    this.ringAt[slot] = at
    this.ringLive[slot] = 1
    this.used++
    this.live++
    let pos = this.start(id)
    while (this.table[pos] !== 0) pos = (pos + 1) & this.mask
    this.table[pos] = slot + 1
  }

  /** Forgets an id whose point was not stored after all, so a retry can store it. */
  remove(id: IdHash): void {
    const pos = this.find(id)
    if (pos < 0) return
    this.ringLive[this.table[pos]! - 1] = 0
    this.live--
    this.deleteAt(pos)
  }

  private evictOldest(): void {
    const slot = this.head
    if (this.ringLive[slot] === 1) {
      const pos = this.find({ hi: this.ringHi[slot]!, lo: this.ringLo[slot]! })
      this.ringLive[slot] = 0
      this.live--
      if (pos >= 0) this.deleteAt(pos)
    }
    this.head = (this.head + 1) % this.capacity
    this.used--
  }

  private start(id: IdHash): number {
    return (id.lo ^ Math.imul(id.hi, 0x9e3779b1)) & this.mask
  }

  private find(id: IdHash): number {
    let pos = this.start(id)
    for (;;) {
      const e = this.table[pos]!
      if (e === 0) return -1
      if (this.ringLo[e - 1] === id.lo && this.ringHi[e - 1] === id.hi) return pos
      pos = (pos + 1) & this.mask
    }
  }

  /** Linear-probing deletion by backward shift: no tombstones to slow later probes. */
  private deleteAt(pos: number): void {
    let hole = pos
    let next = (pos + 1) & this.mask
    for (;;) {
      const e = this.table[next]!
      if (e === 0) break
      const home = this.start({ hi: this.ringHi[e - 1]!, lo: this.ringLo[e - 1]! })
      // Move the entry back if the hole lies between its home and where it sits.
      if (((next - home) & this.mask) >= ((next - hole) & this.mask)) {
        this.table[hole] = e
        hole = next
      }
      next = (next + 1) & this.mask
    }
    this.table[hole] = 0
  }
}
