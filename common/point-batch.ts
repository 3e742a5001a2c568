import type { IngestSource, Point } from './point'

/** A batch's columns, as ingest fills them; typed arrays may be longer than `length`. */
export interface PointColumns {
  length: number
  indicator: string[]
  region: string[]
  station: string[]
  ts: Float64Array
  value: Float64Array
}

/**
 * Points stored together, by column. What the ingest bus carries to the live
 * layer: one array per field instead of an object per point, because a batch
 * waits in memory while it is inserted, and a hundred thousand small objects
 * waiting there made the garbage collector ingest's largest cost. The strings
 * are the catalog's own (shared), so a batch holds numbers and pointers.
 */
export class PointBatch {
  readonly length: number
  readonly indicator: string[]
  readonly region: string[]
  /** '' for region-level values. */
  readonly station: string[]
  /** Event time, epoch ms. */
  readonly ts: Float64Array
  readonly value: Float64Array

  constructor(
    points: readonly Point[] | PointColumns,
    /** Where the points came from (every point of a batch comes from one request). */
    readonly source?: IngestSource,
    /** When they were received, epoch ms. */
    readonly received?: number,
  ) {
    if (!Array.isArray(points)) {
      // Columns built by their producer (ingest): taken as they are, not copied.
      const c = points as PointColumns
      this.length = c.length
      this.indicator = c.indicator
      this.region = c.region
      this.station = c.station
      this.ts = c.ts.length === c.length ? c.ts : c.ts.subarray(0, c.length)
      this.value = c.value.length === c.length ? c.value : c.value.subarray(0, c.length)
      return
    }
    const n = points.length
    this.length = n
    this.indicator = new Array<string>(n)
    this.region = new Array<string>(n)
    this.station = new Array<string>(n)
    this.ts = new Float64Array(n)
    this.value = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const p = (points as readonly Point[])[i]!
      this.indicator[i] = p.indicator
      this.region[i] = p.region
      this.station[i] = p.station
      this.ts[i] = p.ts
      this.value[i] = p.value
    }
  }

  /** Point i as an object (for code that is not on a hot path). */
  at(i: number): Point {
    return { ts: this.ts[i]!, indicator: this.indicator[i]!, region: this.region[i]!, station: this.station[i]!, value: this.value[i]! }
  }

  *[Symbol.iterator](): IterableIterator<Point> {
    for (let i = 0; i < this.length; i++) yield this.at(i)
  }
}
