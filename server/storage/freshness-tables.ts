import type { ClickHouseClient } from '@clickhouse/client'
import type { FeedMemory, StoredFeed, StoredSeriesEnd } from '../live/freshness'
import type { TableNames } from './tables'

/** What storage remembers of the feeds: raw points by source (with arrival times), and the rollups' latest values. */
export class ClickHouseFeedMemory implements FeedMemory {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly tables: TableNames,
  ) {}

  async feedsSince(since: number): Promise<StoredFeed[]> {
    const rs = await this.client.query({
      query: `SELECT indicator, source, region, toUnixTimestamp64Milli(max(ts)) AS newest, toUnixTimestamp64Milli(max(received)) AS arrived
        FROM ${this.tables.points} WHERE received >= fromUnixTimestamp64Milli({since:Int64}) GROUP BY indicator, source, region`,
      query_params: { since },
      format: 'JSONEachRow',
    })
    return (await rs.json<{ indicator: string; source: string; region: string; newest: string | number; arrived: string | number }>()).map((r) => ({
      indicator: r.indicator,
      source: r.source,
      region: r.region,
      newest: Number(r.newest),
      arrived: Number(r.arrived),
    }))
  }

  async seriesEnds(): Promise<StoredSeriesEnd[]> {
    const rs = await this.client.query({
      query: `SELECT indicator, region, toUnixTimestamp64Milli(max(last_ts)) AS newest FROM ${this.tables.latest} GROUP BY indicator, region`,
      format: 'JSONEachRow',
    })
    return (await rs.json<{ indicator: string; region: string; newest: string | number }>()).map((r) => ({ indicator: r.indicator, region: r.region, newest: Number(r.newest) }))
  }
}
