import type { ClickHouseClient } from '@clickhouse/client'
import type { Logger } from '../logger'
import { rawPointsTtl, reconcileSettings } from './schema-settings'
import { regionSeriesTable, rollupTable, ROLLUP_STEPS, tableNames, type RollupStep, type TableNames } from './tables'

/**
 * Versioned schema migrations. Each is applied once, in order, and recorded in
 * `schema_migrations`; every statement is idempotent (IF NOT EXISTS), so a
 * migration interrupted half-way is simply run again at the next start.
 */

export interface SchemaContext {
  database: string
  tables: TableNames
  /** IANA zone whose midnight starts a day in the daily rollup. */
  timeZone: string
  rawRetentionDays: number
}

export interface Migration {
  version: number
  name: string
  statements(ctx: SchemaContext): string[]
}

/**
 * How long each resolution is kept. Minute rollups serve the last day or so of a
 * trend chart; hourly ones a month or a year; daily ones year-on-year comparisons.
 */
export const ROLLUP_RETENTION_DAYS = { '1m': 35, '1h': 800, '1d': 3650 } as const

const rollupColumns = `
  indicator LowCardinality(String),
  region LowCardinality(String),
  station LowCardinality(String),
  ts DateTime('UTC'),
  sum SimpleAggregateFunction(sum, Float64),
  count SimpleAggregateFunction(sum, UInt64),
  min SimpleAggregateFunction(min, Float64),
  max SimpleAggregateFunction(max, Float64),
  last AggregateFunction(argMax, Float64, DateTime64(3, 'UTC')),
  last_ts SimpleAggregateFunction(max, DateTime64(3, 'UTC'))`

function rollupTableDdl(name: string, retentionDays: number): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (${rollupColumns}
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (indicator, region, station, ts)
TTL ts + INTERVAL ${retentionDays} DAY`
}

/** Rolls one rollup into a coarser one: the states merge, nothing is re-read. */
function cascadeView(name: string, from: string, to: string, bucket: string): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${name} TO ${to} AS
SELECT indicator, region, station, ${bucket} AS ts,
  sum(sum) AS sum, sum(count) AS count, min(min) AS min, max(max) AS max,
  argMaxMergeState(last) AS last, max(last_ts) AS last_ts
FROM ${from}
GROUP BY indicator, region, station, ts`
}

/** The bucket expression of each rollup resolution; days start at local midnight. */
function bucketExpression(resolution: RollupStep, column: string, timeZone: string): string {
  if (resolution === '1m') return `toStartOfMinute(${column})`
  if (resolution === '1h') return `toStartOfHour(${column})`
  return `toDateTime(toStartOfDay(${column}, '${timeZone.replace(/'/g, '')}'), 'UTC')`
}

/**
 * History that is not a raw measurement — a day's value, an hour's mean — goes
 * straight into the rollup of its resolution. Each resolution has a Null-engine
 * entry table whose view turns plain rows into rollup states, so history is
 * inserted like any rows, over chDB and over HTTP alike.
 */
function historyEntry(t: TableNames, resolution: RollupStep, timeZone: string): string[] {
  const entry = historyEntryTable(t, resolution)
  return [
    `CREATE TABLE IF NOT EXISTS ${entry} (
  indicator LowCardinality(String), region LowCardinality(String), station LowCardinality(String),
  ts DateTime64(3, 'UTC'), value Float64
) ENGINE = Null`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${entry}_mv TO ${rollupTable(t, resolution)} AS
SELECT indicator, region, station, ${bucketExpression(resolution, 'ts', timeZone)} AS ts,
  sum(value) AS sum, count() AS count, min(value) AS min, max(value) AS max,
  argMaxState(value, ${entry}.ts) AS last, max(${entry}.ts) AS last_ts
FROM ${entry}
GROUP BY indicator, region, station, ts`,
  ]
}

/** Where back-fill inserts history of one resolution, or the latest value of each series. */
export function historyEntryTable(t: TableNames, resolution: RollupStep | 'latest'): string {
  return `${t.points}_history_${resolution}`
}

/** The latest history value of each series, for series whose history skips the minute rollup. */
function historyLatestEntry(t: TableNames): string[] {
  const entry = historyEntryTable(t, 'latest')
  return [
    `CREATE TABLE IF NOT EXISTS ${entry} (
  indicator LowCardinality(String), region LowCardinality(String), station LowCardinality(String),
  ts DateTime64(3, 'UTC'), value Float64
) ENGINE = Null`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${entry}_mv TO ${t.latest} AS
SELECT indicator, region, station, argMaxState(value, ${entry}.ts) AS last, max(${entry}.ts) AS last_ts
FROM ${entry}
GROUP BY indicator, region, station`,
  ]
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'points, rollups, latest values, rejects and reference tables',
    statements: ({ tables: t, timeZone, rawRetentionDays }) => {
      return [
        `CREATE TABLE IF NOT EXISTS ${t.points} (
  indicator LowCardinality(String),
  region LowCardinality(String),
  station LowCardinality(String),
  ts DateTime64(3, 'UTC'),
  value Float64,
  id_hi UInt32 EPHEMERAL,
  id_lo UInt32 EPHEMERAL,
  id_hash UInt64 DEFAULT bitOr(bitShiftLeft(toUInt64(id_hi), 30), id_lo),
  source LowCardinality(String),
  received DateTime64(3, 'UTC'),
  INDEX received_minmax received TYPE minmax GRANULARITY 1
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (indicator, region, station, ts)
TTL ${rawPointsTtl(rawRetentionDays)}
SETTINGS ttl_only_drop_parts = 1`,
        rollupTableDdl(t.points1m, ROLLUP_RETENTION_DAYS['1m']),
        rollupTableDdl(t.points1h, ROLLUP_RETENTION_DAYS['1h']),
        rollupTableDdl(t.points1d, ROLLUP_RETENTION_DAYS['1d']),
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.points1m}_mv TO ${t.points1m} AS
SELECT indicator, region, station, toStartOfMinute(ts) AS ts,
  sum(value) AS sum, count() AS count, min(value) AS min, max(value) AS max,
  argMaxState(value, ${t.points}.ts) AS last, max(${t.points}.ts) AS last_ts
FROM ${t.points}
GROUP BY indicator, region, station, ts`,
        cascadeView(`${t.points1h}_mv`, t.points1m, t.points1h, 'toStartOfHour(ts)'),
        cascadeView(`${t.points1d}_mv`, t.points1h, t.points1d, bucketExpression('1d', 'ts', timeZone)),
        `CREATE TABLE IF NOT EXISTS ${t.latest} (
  indicator LowCardinality(String),
  region LowCardinality(String),
  station LowCardinality(String),
  last AggregateFunction(argMax, Float64, DateTime64(3, 'UTC')),
  last_ts SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
) ENGINE = AggregatingMergeTree
ORDER BY (indicator, region, station)`,
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${t.latest}_mv TO ${t.latest} AS
SELECT indicator, region, station, argMaxMergeState(last) AS last, max(last_ts) AS last_ts
FROM ${t.points1m}
GROUP BY indicator, region, station`,
        `CREATE TABLE IF NOT EXISTS ${t.rejects} (
  received DateTime64(3, 'UTC'),
  source LowCardinality(String),
  line UInt32,
  field LowCardinality(String),
  reason String,
  raw String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(received)
ORDER BY received
TTL toDateTime(received) + INTERVAL 400 DAY`,
        `CREATE TABLE IF NOT EXISTS ${t.regions} (
  code String, name_zh String, name_en String, level LowCardinality(String), parent String,
  lon Float64, lat Float64, zone String, version UInt64, is_deleted UInt8
) ENGINE = ReplacingMergeTree(version, is_deleted) ORDER BY code`,
        `CREATE TABLE IF NOT EXISTS ${t.indicators} (
  code String, domain LowCardinality(String), name_zh String, name_en String, unit_zh String, unit_en String,
  aggregation LowCardinality(String), weight_by String, temporal LowCardinality(String), better LowCardinality(String),
  cadence_seconds UInt32, station_kind String, definition String, version UInt64, is_deleted UInt8
) ENGINE = ReplacingMergeTree(version, is_deleted) ORDER BY code`,
        `CREATE TABLE IF NOT EXISTS ${t.stations} (
  code String, kind LowCardinality(String), name_zh String, name_en String, region String,
  lon Float64, lat Float64, version UInt64, is_deleted UInt8
) ENGINE = ReplacingMergeTree(version, is_deleted) ORDER BY code`,
      ]
    },
  },
  {
    version: 2,
    name: 'history entry tables for back-fill at 1 minute, 1 hour and 1 day, and for latest values',
    statements: ({ tables: t, timeZone }) => [
      ...historyEntry(t, '1m', timeZone),
      ...historyEntry(t, '1h', timeZone),
      ...historyEntry(t, '1d', timeZone),
      ...historyLatestEntry(t),
    ],
  },
  {
    version: 3,
    name: 'region series: each region\'s value per bucket, compacted from the rollups, and their watermarks',
    statements: ({ tables: t }) => [
      ...ROLLUP_STEPS.map(
        (step) => `CREATE TABLE IF NOT EXISTS ${regionSeriesTable(t, step)} (
  indicator LowCardinality(String),
  region LowCardinality(String),
  ts DateTime('UTC'),
  value Float64,
  min Float64,
  max Float64,
  count UInt64,
  computed DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(computed)
PARTITION BY toYYYYMM(ts)
ORDER BY (indicator, region, ts)
TTL ts + INTERVAL ${ROLLUP_RETENTION_DAYS[step]} DAY`,
      ),
      `CREATE TABLE IF NOT EXISTS ${t.regionSeriesWatermarks} (
  step LowCardinality(String),
  watermark DateTime64(3, 'UTC'),
  updated DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated)
ORDER BY step`,
    ],
  },
  {
    version: 4,
    name: 'the alert event log',
    statements: ({ tables: t }) => [
      // Append-only and numbered: current alerts are derived from it, and a
      // socket that reconnects reads what it missed by sequence number.
      `CREATE TABLE IF NOT EXISTS ${t.alertEvents} (
  seq UInt64,
  at DateTime64(3, 'UTC'),
  alert_id String,
  type LowCardinality(String),
  region LowCardinality(String),
  indicator LowCardinality(String),
  station LowCardinality(String),
  actor String,
  data String,
  logged DateTime64(3, 'UTC')
) ENGINE = MergeTree
ORDER BY seq`,
    ],
  },
  {
    version: 5,
    name: 'alert rules and their audit trail',
    statements: ({ tables: t }) => [
      // The current definition of each rule: the newest version wins, a
      // tombstone (is_deleted) removes it. Materialised from rule_changes,
      // which is the record (see server/alerting/rule-store.ts).
      `CREATE TABLE IF NOT EXISTS ${t.rules} (
  id String,
  version UInt64,
  indicator LowCardinality(String),
  enabled UInt8,
  definition String,
  updated DateTime64(3, 'UTC'),
  updated_by String,
  is_deleted UInt8
) ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY id`,
      // Append-only: who changed which rule when, and what it was before and after.
      `CREATE TABLE IF NOT EXISTS ${t.ruleChanges} (
  id String,
  version UInt64,
  at DateTime64(3, 'UTC'),
  actor String,
  action LowCardinality(String),
  before Nullable(String),
  after Nullable(String)
) ENGINE = MergeTree
ORDER BY (id, version)`,
    ],
  },
  {
    version: 6,
    name: 'accounts, sessions, ingest keys and the access log',
    statements: ({ tables: t }) => [
      // Each table keeps the newest version of a row (see server/storage/auth-tables.ts).
      `CREATE TABLE IF NOT EXISTS ${t.accounts} (
  name String,
  version UInt64,
  role LowCardinality(String),
  region String,
  password_hash String,
  demo UInt8,
  disabled UInt8,
  created DateTime64(3, 'UTC'),
  updated DateTime64(3, 'UTC'),
  updated_by String
) ENGINE = ReplacingMergeTree(version)
ORDER BY name`,
      // A session is stored by the SHA-256 of its token: a copy of the table opens no session.
      `CREATE TABLE IF NOT EXISTS ${t.sessions} (
  token_hash String,
  version UInt64,
  account String,
  created DateTime64(3, 'UTC'),
  expires DateTime64(3, 'UTC'),
  revoked UInt8
) ENGINE = ReplacingMergeTree(version)
ORDER BY token_hash
TTL toDateTime(expires) + INTERVAL 1 DAY`,
      `CREATE TABLE IF NOT EXISTS ${t.apiKeys} (
  id String,
  version UInt64,
  name String,
  key_hash String,
  indicators Array(String),
  regions Array(String),
  created_by String,
  created DateTime64(3, 'UTC'),
  revoked UInt8
) ENGINE = ReplacingMergeTree(version)
ORDER BY id`,
      // Who signed in, failed to, signed out, and every change to accounts and keys.
      `CREATE TABLE IF NOT EXISTS ${t.authLog} (
  at DateTime64(3, 'UTC'),
  event LowCardinality(String),
  account String,
  actor String,
  address String,
  detail String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY at
TTL toDateTime(at) + INTERVAL 400 DAY`,
    ],
  },
  {
    version: 7,
    name: 'walls and playlists as versioned documents with their history',
    statements: ({ tables: t }) => [
      // Append-only: every change of a wall or playlist (who, when, before, after); the newest entry per id is current.
      `CREATE TABLE IF NOT EXISTS ${t.documents} (
  kind LowCardinality(String),
  id String,
  version UInt64,
  at DateTime64(3, 'UTC'),
  actor String,
  action LowCardinality(String),
  before Nullable(String),
  after Nullable(String)
) ENGINE = MergeTree
ORDER BY (kind, id, version)`,
    ],
  },
  {
    version: 8,
    name: 'the case log: alerts dispatched to departments and followed to closure',
    statements: ({ tables: t }) => [
      // Append-only, numbered like the alert log; current cases are folded from it (server/dispatch/case-book.ts).
      `CREATE TABLE IF NOT EXISTS ${t.caseEvents} (
  seq UInt64,
  at DateTime64(3, 'UTC'),
  case_id String,
  type LowCardinality(String),
  actor String,
  text String,
  facts String
) ENGINE = MergeTree
ORDER BY seq`,
    ],
  },
]

/**
 * Applies the migrations not yet recorded; returns the versions it applied.
 * First the settings built into the existing schema are reconciled with `ctx`
 * (see schema-settings.ts): a changed raw retention is applied, a changed time
 * zone stops the start with a SchemaSettingsError saying what to do.
 */
export async function migrate(
  client: ClickHouseClient,
  ctx: SchemaContext,
  log: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ctx.database}` })
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${ctx.tables.migrations} (
  version UInt32, name String, applied_at DateTime64(3, 'UTC')
) ENGINE = MergeTree ORDER BY version`,
  })
  const rs = await client.query({ query: `SELECT version FROM ${ctx.tables.migrations}`, format: 'JSONEachRow' })
  const applied = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)))
  await reconcileSettings(client, ctx, log)
  const done: number[] = []
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue
    log.info({ version: m.version, name: m.name }, 'applying schema migration')
    for (const statement of m.statements(ctx)) await client.command({ query: statement })
    await client.insert({
      table: ctx.tables.migrations,
      values: [{ version: m.version, name: m.name, applied_at: Date.now() }],
      format: 'JSONEachRow',
    })
    done.push(m.version)
  }
  return done
}

export function schemaContext(database: string, timeZone: string, rawRetentionDays: number): SchemaContext {
  return { database, tables: tableNames(database), timeZone, rawRetentionDays }
}
