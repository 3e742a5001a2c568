import type { ClickHouseClient } from '@clickhouse/client'
import type { Catalog } from '../../common/catalog-schema'
import type { TableNames } from './tables'

/**
 * Mirrors the catalog (regions, indicators, stations) into ClickHouse so that
 * SQL users and dashboards outside OneScreen can join on names. The files are
 * the source of truth; at start the tables are brought in line with them:
 * changed rows get a new version, removed ones a tombstone (ReplacingMergeTree
 * with is_deleted), unchanged ones are left alone.
 */

type Row = Record<string, string | number> & { code: string }

function referenceRows(catalog: Catalog) {
  return {
    regions: catalog.regions.map<Row>((r) => ({
      code: r.code, name_zh: r.name.zh, name_en: r.name.en, level: r.level, parent: r.parent ?? '',
      lon: r.centroid[0], lat: r.centroid[1], zone: r.zone ?? '',
    })),
    indicators: catalog.indicators.map<Row>((i) => ({
      code: i.code, domain: i.domain, name_zh: i.name.zh, name_en: i.name.en, unit_zh: i.unit.zh, unit_en: i.unit.en,
      aggregation: i.aggregation.rule, weight_by: i.aggregation.rule === 'weightedMean' ? i.aggregation.weightBy : '',
      temporal: i.temporal, better: i.better, cadence_seconds: i.cadenceSeconds, station_kind: i.stationKind ?? '',
      definition: JSON.stringify(i),
    })),
    stations: catalog.stations.map<Row>((s) => ({
      code: s.code, kind: s.kind, name_zh: s.name.zh, name_en: s.name.en, region: s.region, lon: s.location[0], lat: s.location[1],
    })),
  }
}

/** Returns how many rows were written per table. */
export async function syncReferenceTables(client: ClickHouseClient, tables: TableNames, catalog: Catalog, version = Date.now()) {
  const wanted = referenceRows(catalog)
  const written: Record<keyof typeof wanted, number> = { regions: 0, indicators: 0, stations: 0 }
  for (const name of Object.keys(wanted) as Array<keyof typeof wanted>) {
    const table = tables[name]
    const rs = await client.query({ query: `SELECT * EXCEPT (version, is_deleted) FROM ${table} FINAL`, format: 'JSONEachRow' })
    const stored = new Map((await rs.json<Row>()).map((r) => [r.code, r]))
    const changes: Array<Row & { version: number; is_deleted: number }> = []
    for (const row of wanted[name]) {
      const old = stored.get(row.code)
      stored.delete(row.code)
      if (!old || !sameRow(old, row)) changes.push({ ...row, version, is_deleted: 0 })
    }
    for (const gone of stored.values()) changes.push({ ...gone, version, is_deleted: 1 })
    if (changes.length > 0) await client.insert({ table, values: changes, format: 'JSONEachRow' })
    written[name] = changes.length
  }
  return written
}

function sameRow(a: Row, b: Row): boolean {
  return Object.keys(b).every((k) => String(a[k]) === String(b[k]))
}
