/**
 * Answers fetched ahead of need: the briefing tour reads the next step's
 * region while the current step is shown, so no step spends half its dwell
 * on 加载中. An answer is taken once (the next read goes to the server, as a
 * reload should) and only while fresh.
 */

/** How long a prefetched answer may stand in for a read: longer than a tour's lead, short enough to be current. */
export const PREFETCH_TTL_MS = 60_000
/** Answers kept at most (a tour step reads about a dozen URLs). */
const MAX_ENTRIES = 64

interface Entry {
  body: unknown
  at: number
}

export class PrefetchCache {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = PREFETCH_TTL_MS,
  ) {}

  put(url: string, body: unknown): void {
    this.entries.delete(url)
    this.entries.set(url, { body, at: this.now() })
    // The oldest go first (a Map iterates in insertion order).
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!)
  }

  /** The body prefetched for `url`, once, when still fresh; undefined otherwise. */
  take(url: string): unknown {
    const e = this.entries.get(url)
    if (!e) return undefined
    this.entries.delete(url)
    return this.now() - e.at <= this.ttlMs ? e.body : undefined
  }

  has(url: string): boolean {
    return this.entries.has(url)
  }

  get size(): number {
    return this.entries.size
  }
}

/** The page's one cache, consulted by getJson. */
export const prefetched = new PrefetchCache()
