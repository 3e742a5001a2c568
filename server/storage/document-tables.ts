import type { ClickHouseClient } from '@clickhouse/client'
import { DOCUMENT_ACTIONS } from '../../common/api/walls-api'
import { StorageUnavailableError } from '../../common/errors'
import type { DocumentRecord, DocumentRecords } from '../walls/document-store'
import type { TableNames } from './tables'

/** Walls' and playlists' change log in ClickHouse (`documents`, append-only; see server/walls/document-store.ts). */
export class ClickHouseDocumentRecords implements DocumentRecords {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
  ) {}

  async latest(kind: string): Promise<DocumentRecord[]> {
    // `after` in a tuple: aggregate functions skip NULLs, and a NULL `after` is how a deletion reads.
    // (Aliases differ from the columns: ClickHouse would read `version` inside argMax as the alias.)
    return this.read(
      `SELECT kind, id, max(version) AS v, toUnixTimestamp64Milli(argMax(at, version)) AS t, argMax(actor, version) AS who,
         argMax(action, version) AS what, argMax(tuple(before), version).1 AS b, argMax(tuple(after), version).1 AS a
       FROM ${this.tables.documents} WHERE kind = {kind:String} GROUP BY kind, id`,
      { kind },
    )
  }

  async history(kind: string, id: string, limit: number): Promise<DocumentRecord[]> {
    return this.read(
      `SELECT kind, id, version AS v, toUnixTimestamp64Milli(at) AS t, actor AS who, action AS what, before AS b, after AS a
       FROM ${this.tables.documents} WHERE kind = {kind:String} AND id = {id:String} ORDER BY version DESC LIMIT {n:UInt32}`,
      { kind, id, n: limit },
    )
  }

  async append(r: DocumentRecord): Promise<void> {
    await this.client
      .insert({
        table: this.tables.documents,
        values: [{ kind: r.kind, id: r.id, version: r.version, at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, before: r.before, after: r.after }],
        format: 'JSONEachRow',
      })
      .catch((err: unknown) => {
        throw new StorageUnavailableError(err)
      })
  }

  private async read(query: string, params: Record<string, unknown>): Promise<DocumentRecord[]> {
    type Row = { kind: string; id: string; v: string | number; t: string | number; who: string; what: string; b: string | null; a: string | null }
    let rows: Row[]
    try {
      rows = await (await this.client.query({ query, query_params: params, format: 'JSONEachRow' })).json<Row>()
    } catch (err) {
      throw new StorageUnavailableError(err)
    }
    return rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      version: Number(r.v),
      at: Number(r.t),
      actor: r.who,
      action: DOCUMENT_ACTIONS.find((x) => x === r.what) ?? 'updated',
      before: r.b,
      after: r.a,
    }))
  }
}
