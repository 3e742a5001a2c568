import type { CatalogIndex } from '../common/catalog-index'
import type { Point } from '../common/point'
import { PointBatch } from '../common/point-batch'
import { idHashColumns } from '../ingest/id-hash'
import { IngestBus } from '../ingest/ingest-bus'
import { DEFAULT_LIMITS, IngestPipeline } from '../ingest/ingest-pipeline'
import { createSimulators } from '../ingest/simulators/create-simulators'
import { loadCatalog } from '../server/catalog/load-catalog'
import { createLogger } from '../server/logger'
import { migrate, schemaContext } from '../server/storage/migrations'
import { encodePointsTsv, POINT_COLUMNS, POINT_SELECT, pointColumns, PointStore } from '../server/storage/point-store'
import { createStorageClient } from '../server/storage/storage-client'
import { tableNames } from '../server/storage/tables'
import { report, round, scratchDir } from './bench-env'

/**
 * `ingest`: POINTS points of the simulated province's live feed through the whole pipeline — NDJSON parse, validate,
 * dedupe, batch, insert, materialized views — against the raw engine inserting
 * the same rows straight into a bare MergeTree table of the same shape without
 * views. Target: pipeline ≥ 0.5 × raw and ≥ 200,000 points/s.
 *
 * The raw engine doing the same work (`raw_engine_*`, the ratio's limit): the
 * producers' NDJSON bodies, as they are posted, inserted by the engine itself
 * (it parses the JSON and hashes the ids) in the pipeline's batch size. Two
 * more figures for the engine's side alone, rows already parsed and encoded
 * (encoding not timed): as columns, the way the pipeline inserts (`columns_*`),
 * and as TSV, the way in on a ClickHouse server (`tsv_*`).
 */

const POINTS = Number(process.env.BENCH_INGEST_POINTS ?? 2_000_000)
/** Points per NDJSON body, as a producer would post them. */
const BODY_POINTS = 5_000
/** Bodies in flight at once, as from many producers. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64)
/** Rows per insert for the raw engine: the pipeline's own batch size. */
const RAW_BATCH_ROWS = DEFAULT_LIMITS.maxBatchRows
/** The fields of a producer's record, as the raw engine reads them. */
const NDJSON_COLUMNS = ['ts', 'indicator', 'region', 'station', 'value', 'id']
/** Bodies sent through a pipeline that stores nothing before the clock starts: a server runs warm. */
const WARMUP_BODIES = 20

/**
 * The province's own live feed, as the simulators publish it (traffic
 * detectors every 5 s, air stations, business and poverty running values…),
 * over as much recent time as POINTS takes — about 1.7 hours. Every point has
 * the natural id a real feed would send (series and time), so dedupe works.
 */
function makePoints(index: CatalogIndex, n: number, now: number): Point[] {
  const simulators = createSimulators(index, { seed: 4_100_000, utcOffsetMinutes: 480 })
  const perSecond = simulators.reduce((sum, s) => sum + s.series().reduce((x, spec) => x + 1000 / spec.publishEveryMs, 0), 0)
  const from = now - Math.ceil((n / perSecond) * 1.05) * 1000
  const out: Point[] = []
  const windowMs = 10 * 60_000
  for (let t = from; t < now && out.length < n; t += windowMs) {
    const batch = simulators.flatMap((s) => s.live(t, Math.min(now, t + windowMs))).sort((a, b) => a.ts - b.ts)
    for (const p of batch) {
      const station = p.station ?? ''
      out.push({ ts: p.ts, indicator: p.indicator, region: p.region, station, value: p.value, ...(process.env.BENCH_NO_IDS ? {} : { id: `${station || p.region}/${p.indicator}/${p.ts}` }) })
      if (out.length === n) break
    }
  }
  if (out.length < n) throw new Error(`the simulators gave ${out.length} points, not ${n}`)
  return out
}

function toNdjsonBodies(points: readonly Point[]): string[] {
  const bodies: string[] = []
  for (let i = 0; i < points.length; i += BODY_POINTS) {
    bodies.push(
      points
        .slice(i, i + BODY_POINTS)
        .map(({ station, ...p }) => JSON.stringify(station ? { ...p, station } : p))
        .join('\n'),
    )
  }
  return bodies
}

async function main() {
  const index = loadCatalog('sample-data')
  const dir = scratchDir('ingest')
  const log = createLogger('warn')
  const storage = createStorageClient({ mode: 'embedded', path: dir, database: 'onescreen' })
  const tables = tableNames('onescreen')
  await migrate(storage.client, schemaContext('onescreen', 'Asia/Shanghai', 90), log)
  await storage.client.command({ query: `CREATE TABLE onescreen.points_bare AS ${tables.points}` })

  const now = Date.now()
  const points = makePoints(index, POINTS, now)
  const bodies = toNdjsonBodies(points)

  const insertColumns = storage.insertColumns
  if (!insertColumns) throw new Error('the embedded engine has no column insert: the bench measures the path the pipeline takes')
  const bare = 'onescreen.points_bare'
  // points' shape, taking a producer's record as it is: the id is hashed by the engine.
  const bareNdjson = 'onescreen.points_bare_ndjson'
  await storage.client.command({
    query: `CREATE TABLE ${bareNdjson} (
      indicator LowCardinality(String), region LowCardinality(String), station LowCardinality(String),
      ts DateTime64(3, 'UTC'), value Float64,
      id String EPHEMERAL, id_hash UInt64 DEFAULT if(id = '', 0, cityHash64(id)),
      source LowCardinality(String) DEFAULT 'bench', received DateTime64(3, 'UTC') DEFAULT now64(3),
      INDEX received_minmax received TYPE minmax GRANULARITY 1
    ) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (indicator, region, station, ts)`,
  })
  const slices: Point[][] = []
  for (let i = 0; i < POINTS; i += RAW_BATCH_ROWS) slices.push(points.slice(i, i + RAW_BATCH_ROWS))
  /** Seconds the engine takes to insert every prepared batch into a bare table. */
  const timeBare = async <T>(batches: T[], insert: (batch: T) => Promise<void>) => {
    await storage.client.command({ query: `TRUNCATE TABLE ${bare}` })
    const started = performance.now()
    for (const b of batches) await insert(b)
    return (performance.now() - started) / 1000
  }
  const perBatch = RAW_BATCH_ROWS / BODY_POINTS
  const ndjsonBatches = Array.from({ length: Math.ceil(bodies.length / perBatch) }, (_, i) => Buffer.from(bodies.slice(i * perBatch, (i + 1) * perBatch).join('\n')))
  const rawSeconds = await timeBare(ndjsonBatches, (ndjson) => storage.insertText(bareNdjson, NDJSON_COLUMNS, ndjson, 'JSONEachRow'))
  const tsvSeconds = await timeBare(
    slices.map((slice) => encodePointsTsv(new PointBatch(slice), 'bench', now, idHashColumns(slice))),
    (tsv) => storage.insertText(bare, POINT_COLUMNS, tsv),
  )
  // Last, so the bare table then holds its rows for the count below.
  const columnsSeconds = await timeBare(
    slices.map((slice) => pointColumns([{ batch: new PointBatch(slice), source: 'bench', received: now, ids: idHashColumns(slice) }])),
    (columns) => insertColumns(bare, POINT_COLUMNS, POINT_SELECT, columns),
  )

  // Warm-up: the same code over the first bodies, compiled by the JIT as in a running server, stored nowhere.
  const warm = new IngestPipeline({ index, store: { insertPoints: async (parts) => void pointColumns(parts), insertRejects: async () => {} }, bus: new IngestBus(() => {}) })
  for (const body of bodies.slice(0, WARMUP_BODIES)) await warm.ingestBody(body, 'ndjson', 'bench')
  await warm.close()

  const bus = new IngestBus(() => {})
  let published = 0
  bus.subscribe((batch) => (published += batch.length))
  const limits = process.env.BENCH_LIMITS ? (JSON.parse(process.env.BENCH_LIMITS) as object) : {}
  const pipeline = new IngestPipeline({ index, store: new PointStore(storage, tables), bus, limits })
  const start = performance.now()
  let next = 0
  let accepted = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!
        const result = await pipeline.ingestBody(body, 'ndjson', 'bench')
        if (result.rejected > 0) throw new Error(`bench data was rejected: ${JSON.stringify(result.errors[0])}`)
        accepted += result.accepted
      }
    }),
  )
  const pipelineSeconds = (performance.now() - start) / 1000
  const stats = pipeline.writerStats
  await pipeline.close()

  const count = async (table: string) => {
    const rs = await storage.client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' })
    return Number((await rs.json<{ n: string }>())[0]!.n)
  }
  const [stored, storedBare, storedNdjson, minuteRows] = await Promise.all([count(tables.points), count(bare), count(bareNdjson), count(tables.points1m)])
  await storage.close()
  if (stored !== POINTS || storedBare !== POINTS || storedNdjson !== POINTS || accepted !== POINTS || published !== POINTS)
    throw new Error(`counts disagree: accepted ${accepted}, stored ${stored}, bare ${storedBare} and ${storedNdjson}, published ${published}`)

  const pipelinePps = POINTS / pipelineSeconds
  const rawPps = POINTS / rawSeconds
  const ratio = pipelinePps / rawPps
  report({
    name: 'ingest',
    points: POINTS,
    pipeline_points_per_s: Math.round(pipelinePps),
    raw_engine_points_per_s: Math.round(rawPps),
    ratio: round(ratio, 3),
    pipeline_s: round(pipelineSeconds, 2),
    raw_engine_s: round(rawSeconds, 2),
    columns_points_per_s: Math.round(POINTS / columnsSeconds),
    ratio_to_columns: round(pipelinePps / (POINTS / columnsSeconds), 3),
    tsv_points_per_s: Math.round(POINTS / tsvSeconds),
    batches: stats.batches,
    insert_busy_s: round(stats.totalBatchMs / 1000, 2),
    mean_batch_rows: Math.round(stats.rows / stats.batches),
    minute_rollup_rows: minuteRows,
    target: { min_ratio: 0.5, min_points_per_s: 200_000 },
    met: ratio >= 0.5 && pipelinePps >= 200_000,
  })
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
