/**
 * One measurement, as validated by ingest and carried on the bus and the wire.
 * `station` is '' for a value measured for the region as a whole.
 */
export interface Point {
  /** Event time, epoch milliseconds. */
  ts: number
  indicator: string
  region: string
  station: string
  value: number
  /** The producer's id for this point; a repeated id is stored once. */
  id?: string
}

/** Where points come from; stored with each point and each reject. */
export type IngestSource = 'http' | 'simulator' | 'backfill' | 'replay' | 'bench' | 'test'
