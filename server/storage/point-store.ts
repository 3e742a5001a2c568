import type { ClickHouseClient } from '@clickhouse/client'
import type { IngestSource } from '../../common/point'
import { idHashFromDecimal, type IdHash, type IdHashColumns } from '../../ingest/id-hash'
import type { HistoryTarget } from '../../ingest/history-backfill'
import type { PointRows, RejectInput } from '../../ingest/ingest-pipeline'
import type { PointBatch } from '../../common/point-batch'
import { float64Column, int32Column, Utf8ColumnBuilder, type ArrowColumn } from './arrow-columns'
import { historyEntryTable } from './migrations'
import type { StorageClient } from './storage-client'
import type { TableNames } from './tables'
import { TsvWriter } from './tsv-writer'

/** Raw text kept per reject: enough to see what was sent, bounded so a huge bad line cannot fill the disk. */
export const MAX_REJECT_RAW_CHARS = 16_384

/**
 * Columns as inserted. A producer id's hash goes in as its two 30-bit lanes
 * (cheap to write as text, no BigInt per point) and is stored as one `id_hash`.
 */
export const POINT_COLUMNS = ['indicator', 'region', 'station', 'ts', 'value', 'id_hi', 'id_lo', 'source', 'received'] as const

/**
 * How the engine reads POINT_COLUMNS from the columns `pointColumns` builds:
 * times travel as epoch milliseconds in a Float64 (exact to 2^53).
 */
export const POINT_SELECT = [
  'indicator',
  'region',
  'station',
  "fromUnixTimestamp64Milli(toInt64(ts), 'UTC')",
  'value',
  'id_hi',
  'id_lo',
  'source',
  "fromUnixTimestamp64Milli(toInt64(received), 'UTC')",
] as const

/**
 * The points of several requests as one set of Arrow columns, for the embedded
 * engine (see arrow-columns.ts). A producer id is stored as its 60-bit hash's
 * two 30-bit lanes (0, 0: no id), as in the TSV.
 */
export function pointColumns(parts: readonly PointRows[]): ArrowColumn[] {
  let n = 0
  for (const p of parts) n += p.batch.length
  const indicator = new Utf8ColumnBuilder(n)
  const region = new Utf8ColumnBuilder(n)
  const station = new Utf8ColumnBuilder(n)
  const source = new Utf8ColumnBuilder(n)
  const ts = new Float64Array(n)
  const value = new Float64Array(n)
  const received = new Float64Array(n)
  const idHi = new Int32Array(n)
  const idLo = new Int32Array(n)
  let k = 0
  for (const { batch, ids, source: from, received: at } of parts) {
    ts.set(batch.ts, k)
    value.set(batch.value, k)
    received.fill(at, k, k + batch.length)
    for (let i = 0; i < batch.length; i++, k++) {
      indicator.add(batch.indicator[i]!)
      region.add(batch.region[i]!)
      station.add(batch.station[i]!)
      source.add(from)
      // Int32Array's own zero is "no id".
      if (ids !== undefined && ids.hi[i]! >= 0) {
        idHi[k] = ids.hi[i]!
        idLo[k] = ids.lo[i]!
      }
    }
  }
  return [
    indicator.finish('indicator'),
    region.finish('region'),
    station.finish('station'),
    float64Column('ts', ts),
    float64Column('value', value),
    int32Column('id_hi', idHi),
    int32Column('id_lo', idLo),
    source.finish('source'),
    float64Column('received', received),
  ]
}

/** Bytes a typical row takes (codes, two timestamps, a value, an id hash): the first guess of a batch's size. */
const ROW_BYTES_GUESS = 112

/**
 * Encodes a batch as TabSeparated rows in POINT_COLUMNS order, as bytes. TSV is
 * the cheapest format for the engine to read (measured against JSONEachRow and
 * JSONCompactEachRow). A producer id is stored as its 60-bit hash (0: no id).
 */
export function encodePointsTsv(
  batch: PointBatch,
  source: IngestSource,
  received: number,
  /** The hash of each point's id (aligned with the batch; -1 in `hi`: no id). */
  idHashes?: IdHashColumns,
): Buffer {
  const w = new TsvWriter(batch.length * ROW_BYTES_GUESS)
  const tail = Buffer.from(`\t${source}\t${received}\n`)
  const { indicator, region, station, ts, value } = batch
  for (let i = 0; i < batch.length; i++) {
    w.text(indicator[i]!)
    w.tab()
    w.text(region[i]!)
    w.tab()
    w.text(station[i]!)
    w.tab()
    w.number(ts[i]!)
    w.tab()
    w.number(value[i]!)
    w.tab()
    const hasId = idHashes !== undefined && idHashes.hi[i]! >= 0
    w.number(hasId ? idHashes.hi[i]! : 0)
    w.tab()
    w.number(hasId ? idHashes.lo[i]! : 0)
    w.bytes(tail)
  }
  return w.finish()
}

/** The text with each lone UTF-16 surrogate replaced by U+FFFD (String.prototype.toWellFormed, which our TS lib lacks). */
export function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
}

/** A history value: a measurement summarised over an interval, not a raw point. */
export interface HistoryValue {
  ts: number
  indicator: string
  region: string
  station?: string
  value: number
}


export const HISTORY_COLUMNS = ['indicator', 'region', 'station', 'ts', 'value'] as const
/** How the engine reads HISTORY_COLUMNS from the columns `historyColumns` builds. */
const HISTORY_SELECT = ['indicator', 'region', 'station', "fromUnixTimestamp64Milli(toInt64(ts), 'UTC')", 'value'] as const

/** History values as Arrow columns, for the embedded engine (see pointColumns). */
export function historyColumns(values: readonly HistoryValue[]): ArrowColumn[] {
  const n = values.length
  const indicator = new Utf8ColumnBuilder(n)
  const region = new Utf8ColumnBuilder(n)
  const station = new Utf8ColumnBuilder(n)
  const ts = new Float64Array(n)
  const value = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    indicator.add(v.indicator)
    region.add(v.region)
    station.add(v.station ?? '')
    ts[i] = v.ts
    value[i] = v.value
  }
  return [indicator.finish('indicator'), region.finish('region'), station.finish('station'), float64Column('ts', ts), float64Column('value', value)]
}

export function encodeHistoryTsv(values: readonly HistoryValue[]): string {
  let out = ''
  for (const v of values) out += `${v.indicator}\t${v.region}\t${v.station ?? ''}\t${v.ts}\t${v.value}\n`
  return out
}

/** Inserts and reads of raw points, history and rejects. */
export class PointStore {
  private readonly client: ClickHouseClient

  constructor(
    private readonly storage: StorageClient,
    private readonly tables: TableNames,
  ) {
    this.client = storage.client
  }

  /**
   * Stores points in one insert; resolves once they are stored (and rolled up).
   * By column on the embedded engine, as TSV on a server.
   */
  insertPoints(parts: readonly PointRows[]): Promise<void> {
    const table = this.tables.points
    if (this.storage.insertColumns) return this.storage.insertColumns(table, POINT_COLUMNS, POINT_SELECT, pointColumns(parts))
    const tsv = parts.map((p) => encodePointsTsv(p.batch, p.source, p.received, p.ids))
    return this.storage.insertText(table, POINT_COLUMNS, tsv.length === 1 ? tsv[0]! : Buffer.concat(tsv))
  }

  /** Inserts history into the rollup of its resolution: by column on the embedded engine, as TSV on a server. */
  insertHistory(target: HistoryTarget, values: readonly HistoryValue[]): Promise<void> {
    const table = historyEntryTable(this.tables, target)
    if (this.storage.insertColumns) return this.storage.insertColumns(table, HISTORY_COLUMNS, HISTORY_SELECT, historyColumns(values))
    return this.storage.insertText(table, HISTORY_COLUMNS, Buffer.from(encodeHistoryTsv(values)))
  }

  async insertRejects(rows: readonly RejectInput[]): Promise<void> {
    if (rows.length === 0) return
    await this.client.insert({
      table: this.tables.rejects,
      // Text the engine refuses would refuse the whole batch, every time: half of a
      // UTF-16 surrogate pair (an escaped one, or an emoji cut in two) becomes U+FFFD.
      values: rows.map((r) => ({
        ...r,
        field: wellFormed(r.field),
        reason: wellFormed(r.reason),
        raw: wellFormed(r.raw.length > MAX_REJECT_RAW_CHARS ? `${r.raw.slice(0, MAX_REJECT_RAW_CHARS)}…` : r.raw),
      })),
      format: 'JSONEachRow',
    })
  }

  /** Hashes of producer ids received since `since` (epoch ms), to refill the dedupe window at start. */
  async idsReceivedSince(since: number): Promise<Array<{ id: IdHash; received: number }>> {
    const rs = await this.client.query({
      query: `SELECT toString(id_hash), toUnixTimestamp64Milli(received) FROM ${this.tables.points}
        WHERE id_hash != 0 AND received >= fromUnixTimestamp64Milli({since:Int64}) ORDER BY received`,
      query_params: { since },
      format: 'JSONCompactEachRow',
    })
    const rows = await rs.json<[string, string | number]>()
    return rows.map(([id, received]) => ({ id: idHashFromDecimal(id), received: Number(received) }))
  }
}
