import type { ClickHouseClient } from '@clickhouse/client'
import { CASE_EVENT_TYPES } from '../../common/dispatch-schema'
import { StorageUnavailableError } from '../../common/errors'
import type { CaseRecords } from '../dispatch/case-service'
import type { DispatchFacts, StoredCaseEvent } from '../dispatch/case-book'
import type { TableNames } from './tables'

/** The case log in ClickHouse (`case_events`, one row per event, numbered). */
export class ClickHouseCaseRecords implements CaseRecords {
  constructor(
    private readonly client: Pick<ClickHouseClient, 'query' | 'insert'>,
    private readonly tables: TableNames,
  ) {}

  async all(): Promise<StoredCaseEvent[]> {
    type Row = { seq: string | number; at: string | number; case_id: string; type: string; actor: string; text: string; facts: string }
    let rows: Row[]
    try {
      const rs = await this.client.query({
        query: `SELECT seq, toUnixTimestamp64Milli(at) AS at, case_id, type, actor, text, facts FROM ${this.tables.caseEvents} ORDER BY seq`,
        format: 'JSONEachRow',
      })
      rows = await rs.json<Row>()
    } catch (err) {
      throw new StorageUnavailableError(err)
    }
    return rows.flatMap((r) => {
      const type = CASE_EVENT_TYPES.find((t) => t === r.type)
      if (!type) return []
      return [{ seq: Number(r.seq), at: Number(r.at), caseId: r.case_id, type, actor: r.actor, text: r.text, ...(r.facts ? { facts: JSON.parse(r.facts) as DispatchFacts } : {}) }]
    })
  }

  async append(e: StoredCaseEvent): Promise<void> {
    await this.client
      .insert({
        table: this.tables.caseEvents,
        values: [{ seq: e.seq, at: new Date(e.at).toISOString(), case_id: e.caseId, type: e.type, actor: e.actor, text: e.text, facts: e.facts ? JSON.stringify(e.facts) : '' }],
        format: 'JSONEachRow',
      })
      .catch((err: unknown) => {
        throw new StorageUnavailableError(err)
      })
  }
}
