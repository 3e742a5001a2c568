import type { ClickHouseClient } from '@clickhouse/client'

/**
 * Active data parts per table of one database: many small parts mean merges
 * are behind, and the engine will delay inserts (by its design). For /metrics.
 */
export async function activeParts(client: ClickHouseClient, database: string): Promise<Array<{ table: string; parts: number }>> {
  const rs = await client.query({
    query: `SELECT table, count() AS parts FROM system.parts WHERE database = {db:String} AND active GROUP BY table`,
    query_params: { db: database },
    format: 'JSONEachRow',
  })
  return (await rs.json<{ table: string; parts: string | number }>()).map((r) => ({ table: r.table, parts: Number(r.parts) }))
}
