import type { ClickHouseClient } from '@clickhouse/client'
import type { AlertEventRows, StoredAlertEvent } from '../alerting/alert-feed'
import type { TableNames } from './tables'

/**
 * The alert log in ClickHouse (`alert_events`, one row per event, numbered).
 * Rows come back as the engine sends them (64-bit numbers as strings): the
 * feed checks each one.
 */
export class ClickHouseAlertEventRows implements AlertEventRows {
  constructor(
    private readonly client: Pick<ClickHouseClient, 'query' | 'insert'>,
    private readonly tables: TableNames,
  ) {}

  latest(n: number): Promise<unknown[]> {
    return this.read(`SELECT * FROM (${this.select()} ORDER BY seq DESC LIMIT {n:UInt32}) ORDER BY seq`, { n })
  }

  ofAlert(alertId: string): Promise<unknown[]> {
    return this.read(`${this.select()} WHERE alert_id = {id:String} ORDER BY seq`, { id: alertId })
  }

  forRebuild(since: number): Promise<unknown[]> {
    return this.read(
      `${this.select()} WHERE alert_id IN (
          SELECT alert_id FROM ${this.tables.alertEvents} GROUP BY alert_id
          HAVING argMax(type, seq) NOT IN ('resolved', 'silence-ended') OR max(at) >= fromUnixTimestamp64Milli({since:Int64})
        ) ORDER BY seq`,
      { since },
    )
  }

  after(seq: number, n: number): Promise<unknown[]> {
    return this.read(`${this.select()} WHERE seq > {after:UInt64} ORDER BY seq LIMIT {n:UInt32}`, { after: seq, n })
  }

  async insert(row: StoredAlertEvent): Promise<void> {
    await this.client.insert({ table: this.tables.alertEvents, values: [row], format: 'JSONEachRow' })
  }

  private select(): string {
    return `SELECT seq, toUnixTimestamp64Milli(at) AS at, alert_id, type, region, indicator, station, actor, data FROM ${this.tables.alertEvents}`
  }

  private async read(query: string, params: Record<string, unknown>): Promise<unknown[]> {
    const rs = await this.client.query({ query, query_params: params, format: 'JSONEachRow' })
    return rs.json<unknown>()
  }
}
