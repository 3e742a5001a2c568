/**
 * Remembers producer ids for a while so a retried point is stored once. Ids are
 * kept for `ttlMs` and at most `capacity` of them (oldest forgotten first), and
 * the window is refilled from storage at start, so a producer that retries after
 * our crash is still recognised.
 */
export class DedupeWindow {
  // A Map iterates in insertion order, so the oldest ids are the first ones.
  private readonly seen = new Map<string, number>()

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.seen.size
  }

  has(id: string, now: number): boolean {
    const at = this.seen.get(id)
    return at !== undefined && at > now - this.ttlMs
  }

  /** Records an id as seen at `at`. */
  add(id: string, at: number): void {
    this.seen.delete(id)
    this.seen.set(id, at)
    if (this.seen.size > this.capacity) this.evict(at)
  }

  /** Forgets an id whose point was not stored after all, so a retry can store it. */
  remove(id: string): void {
    this.seen.delete(id)
  }

  private evict(now: number): void {
    for (const [id, at] of this.seen) {
      if (this.seen.size <= this.capacity && at > now - this.ttlMs) break
      this.seen.delete(id)
    }
  }
}
