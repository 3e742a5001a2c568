import type { ClickHouseClient } from '@clickhouse/client'
import type { HistorySink } from '../../ingest/history-backfill'
import type { HistoryStorage } from '../history-bootstrap'
import { BackfillMarker, type BackfillState } from './backfill-marker'
import type { PointStore } from './point-store'
import type { TableNames } from './tables'

/** History's storage in ClickHouse: the back-fill marker table, the rollups it fills, and whether any data is there. */
export class ClickHouseHistoryStorage implements HistoryStorage {
  private readonly marker: BackfillMarker

  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
    private readonly store: PointStore,
  ) {
    this.marker = new BackfillMarker(client, tables.backfill)
  }

  async readMarker(): Promise<BackfillState | null> {
    await this.marker.ensureTable()
    return this.marker.read()
  }

  recordMarker(until: number, completed: boolean, points?: number): Promise<void> {
    return this.marker.record(until, completed, points)
  }

  async clearHistory(): Promise<void> {
    for (const t of [this.tables.points1m, this.tables.points1h, this.tables.points1d, this.tables.latest]) await this.client.command({ query: `TRUNCATE TABLE ${t}` })
  }

  async holdsData(): Promise<boolean> {
    const rs = await this.client.query({
      query: `SELECT (SELECT count() FROM ${this.tables.points}) + (SELECT count() FROM ${this.tables.points1d}) AS n`,
      format: 'JSONEachRow',
    })
    const [row] = await rs.json<{ n: string | number }>()
    return Number(row?.n ?? 0) > 0
  }

  write: HistorySink['write'] = (target, points) => this.store.insertHistory(target, points)
}
