import type { Point } from '../common/point'

/**
 * Producer ids are remembered and stored as 60-bit hashes: a fixed 8 bytes per
 * point instead of an arbitrary string, in the dedupe window (no per-id heap
 * object for the garbage collector to walk) and in the `points` table (a
 * string column of unique ids made inserts ~25 % slower, measured).
 *
 * Two independent lanes of 30 bits each: numbers below 2^30 are small integers
 * to V8, which turns them into text several times faster than larger ones (the
 * encoding of each point writes both). For the ~2 M ids a window holds, the
 * chance that two different ids collide is about 2 in 10^6.
 */

/** Bits per lane. */
export const LANE_BITS = 30
const LANE_MASK = (1 << LANE_BITS) - 1

export interface IdHash {
  hi: number
  lo: number
}

/**
 * Where a producer's ids are hashed from: the hash state after its name. The
 * same id from two producers is two points, so an id is deduplicated, and
 * stored, as the hash of (producer, id); a stored hash then carries its
 * producer, and the dedupe window refilled from storage after a restart keeps
 * telling producers apart.
 */
export interface IdScope {
  readonly a: number
  readonly b: number
}

/** No producer: the hash of the bare id (tests of storage, data stored before ids were scoped). */
export const UNSCOPED: IdScope = { a: 0x811c9dc5, b: 0x9747b28c }

/** The scope of a producer's ids, computed once per request rather than once per point. */
export function idScope(producer: string): IdScope {
  const lanes = { hi: 0, lo: 0 }
  absorb(producer, UNSCOPED.a, UNSCOPED.b, lanes)
  // Its length as a word of its own closes the name: ("ab", "c") and ("a", "bc") start apart.
  const { a, b } = step(lanes.hi, lanes.lo, producer.length)
  return { a, b }
}

export function hashId(id: string, scope: IdScope = UNSCOPED): IdHash {
  return hashIdInto(id, { hi: 0, lo: 0 }, scope)
}

/** hashId into an object the caller reuses (the ingest hot path: no object per point). */
export function hashIdInto(id: string, out: IdHash, scope: IdScope = UNSCOPED): IdHash {
  absorb(id, scope.a, scope.b, out)
  const n = id.length
  out.hi = fmix(out.hi ^ n) & LANE_MASK
  out.lo = fmix(Math.imul(out.lo, 0x1b873593) ^ n) & LANE_MASK
  return out
}

/** Both lanes' state after the text, unmixed, into `out` (hi: lane 1, lo: lane 2). */
function absorb(text: string, a: number, b: number, out: IdHash): void {
  // Two UTF-16 units (two characters of an id) per step, as one 32-bit word.
  // Lane 1: FNV-1a's multiply. Lane 2: multiply then rotate (murmur's constant),
  // so high bits feed low ones. Each step is a bijection of its lane's state, so
  // ids of one length that differ in a single word never collide in either lane.
  const n = text.length
  let i = 0
  for (; i + 1 < n; i += 2) {
    const w = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)
    a = Math.imul(a ^ w, 0x01000193)
    b = Math.imul(b ^ w, 0xcc9e2d51)
    b = (b << 15) | (b >>> 17)
  }
  if (i < n) {
    const w = text.charCodeAt(i)
    a = Math.imul(a ^ w, 0x01000193)
    b = Math.imul(b ^ w, 0xcc9e2d51)
    b = (b << 15) | (b >>> 17)
  }
  out.hi = a
  out.lo = b
}

/** One step of both lanes over the word `w`, as absorb takes it. */
function step(a: number, b: number, w: number): IdScope {
  b = Math.imul(b ^ w, 0xcc9e2d51)
  return { a: Math.imul(a ^ w, 0x01000193), b: (b << 15) | (b >>> 17) }
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/**
 * The id hashes of a run of points, aligned with them, as two lanes; a point
 * without an id has -1 in `hi`.
 */
export interface IdHashColumns {
  hi: ArrayLike<number>
  lo: ArrayLike<number>
}

/** The hash as the decimal UInt64 ClickHouse stores. */
export function idHashToDecimal({ hi, lo }: IdHash): string {
  return ((BigInt(hi) << BigInt(LANE_BITS)) | BigInt(lo)).toString()
}

export function idHashFromDecimal(text: string): IdHash {
  const n = BigInt(text)
  return { hi: Number(n >> BigInt(LANE_BITS)), lo: Number(n & BigInt(LANE_MASK)) }
}

/** The id hashes of points that carry producer ids, as encodePointsTsv takes them. */
export function idHashColumns(points: readonly Point[], scope: IdScope = UNSCOPED): IdHashColumns {
  const hi = new Array<number>(points.length)
  const lo = new Array<number>(points.length)
  for (let i = 0; i < points.length; i++) {
    const id = points[i]!.id
    if (id === undefined) {
      hi[i] = -1
      lo[i] = -1
    } else {
      const h = hashId(id, scope)
      hi[i] = h.hi
      lo[i] = h.lo
    }
  }
  return { hi, lo }
}
