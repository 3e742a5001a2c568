import type { ClickHouseClient } from '@clickhouse/client'

/**
 * Records the one-time history back-fill: when it started, up to which instant
 * it covers, and whether it completed. A start that finds it started but not
 * completed knows the data tables hold a partial history and nothing else
 * (the server accepts no data before the back-fill completes).
 */
export interface BackfillState {
  until: number
  completed: boolean
}

export class BackfillMarker {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly table: string,
  ) {}

  async ensureTable(): Promise<void> {
    await this.client.command({
      query: `CREATE TABLE IF NOT EXISTS ${this.table} (
  until DateTime64(3, 'UTC'), completed UInt8, points UInt64, recorded DateTime64(3, 'UTC')
) ENGINE = MergeTree ORDER BY recorded`,
    })
  }

  async read(): Promise<BackfillState | null> {
    const rs = await this.client.query({
      query: `SELECT toUnixTimestamp64Milli(until) AS until, max(completed) AS completed FROM ${this.table} GROUP BY until ORDER BY until DESC LIMIT 1`,
      format: 'JSONEachRow',
    })
    const [row] = await rs.json<{ until: string | number; completed: number }>()
    return row ? { until: Number(row.until), completed: Number(row.completed) === 1 } : null
  }

  async record(until: number, completed: boolean, points = 0): Promise<void> {
    await this.client.insert({
      table: this.table,
      values: [{ until, completed: completed ? 1 : 0, points, recorded: Date.now() }],
      format: 'JSONEachRow',
    })
  }
}
