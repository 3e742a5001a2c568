import { parse as parseCsv } from 'csv-parse'
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import { parseArgs } from 'node:util'
import { IngestRequestError, postNdjson } from './ingest-client'
import { mapRow, readTimestamp, replayOptionsSchema, timeMapping, type MappedPoint, type ReplayOptions } from './replay-plan'

/**
 * `npm run ingest -- FILE [options]`: pushes a CSV (with a header) or NDJSON
 * file to a running server, mapping its columns to indicator, region and
 * station, and optionally moving it in time: to end now, or played live from
 * now (faster with --speed). Prints a JSON summary on stdout.
 */

const USAGE = `usage: npm run ingest -- FILE [options]

  --url URL                 server (default http://127.0.0.1:8080)
  --key KEY                 ingest key (default $ONESCREEN_INGEST_KEY, or on loopback
                            the demo key in ./data/first-run-credentials.json)
  --indicator CODE          indicator of every row   | --indicator-column NAME
  --region CODE             region of every row      | --region-column NAME
  --station CODE            station of every row     | --station-column NAME
  --ts-column NAME          timestamp column (default timestamp)
  --value-column NAME       value column (default value)
  --assume-zone ZONE        zone of timestamps written without one (default Z)
  --shift-to-now            move the file so that its last point is now
  --live [--speed N]        play the file as a live feed from now, N times faster
  --batch N                 points per request (default 5000)
  --id-prefix TEXT          give each point an id, so a retried upload is stored once

example (a real detector series as a Guangdong detector, ending now):
  npm run ingest -- sample-data/nab/realTraffic/speed_6005.csv \\
    --indicator traffic.speed --region 440106 --station TD-440106-001 --shift-to-now`

type Row = Record<string, string>

async function* readRows(file: string): AsyncGenerator<{ row: Row; line: number }> {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.csv') {
    const parser = fs.createReadStream(file).pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true, trim: true, info: true }))
    for await (const { record, info } of parser as AsyncIterable<{ record: Row; info: { lines: number } }>) yield { row: record, line: info.lines }
    return
  }
  if (ext === '.ndjson' || ext === '.jsonl') {
    let line = 0
    for await (const text of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
      line++
      if (text.trim() === '') continue
      let obj: unknown
      try {
        obj = JSON.parse(text)
      } catch {
        obj = null
      }
      const row: Row = {}
      if (obj && typeof obj === 'object') for (const [k, v] of Object.entries(obj)) row[k] = typeof v === 'string' ? v : JSON.stringify(v)
      yield { row, line }
    }
    return
  }
  throw new Error(`cannot tell the format of ${file}: name it .csv, .ndjson or .jsonl`)
}

async function timeRange(file: string, options: ReplayOptions): Promise<{ first: number; last: number; rows: number }> {
  let first = Infinity
  let last = -Infinity
  let rows = 0
  for await (const { row } of readRows(file)) {
    rows++
    const ts = readTimestamp(row[options.tsColumn] ?? '', options.assumeZone)
    if (Number.isNaN(ts)) continue
    first = Math.min(first, ts)
    last = Math.max(last, ts)
  }
  return { first, last, rows }
}

function parseCommandLine(argv: string[]): { file: string; options: ReplayOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      indicator: { type: 'string' },
      'indicator-column': { type: 'string' },
      region: { type: 'string' },
      'region-column': { type: 'string' },
      station: { type: 'string' },
      'station-column': { type: 'string' },
      'ts-column': { type: 'string' },
      'value-column': { type: 'string' },
      'assume-zone': { type: 'string' },
      'shift-to-now': { type: 'boolean' },
      live: { type: 'boolean' },
      speed: { type: 'string' },
      batch: { type: 'string' },
      'id-prefix': { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  if (positionals.length !== 1) throw new UsageError(`expected one FILE, got ${positionals.length}`)
  const file = positionals[0]!
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`)
  const num = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (Number.isNaN(n)) throw new UsageError(`--${flag} must be a number, got ${v}`)
    return n
  }
  const parsed = replayOptionsSchema.safeParse({
    url: values.url,
    key: values.key ?? (process.env.ONESCREEN_INGEST_KEY || undefined),
    indicator: values.indicator,
    indicatorColumn: values['indicator-column'],
    region: values.region,
    regionColumn: values['region-column'],
    station: values.station,
    stationColumn: values['station-column'],
    tsColumn: values['ts-column'],
    valueColumn: values['value-column'],
    assumeZone: values['assume-zone'],
    shiftToNow: values['shift-to-now'],
    live: values.live,
    speed: num('speed', values.speed),
    batch: num('batch', values.batch),
    idPrefix: values['id-prefix'],
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const flag = String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
    throw new UsageError(flag ? `--${flag}: ${issue.message}` : issue.message)
  }
  return { file, options: { ...parsed.data, key: parsed.data.key ?? demoKey(parsed.data.url) } }
}

/** On this machine, the demo key a first start wrote (npm start's default data directory). */
function demoKey(url: string): string | undefined {
  const host = new URL(url).hostname
  if (host !== '127.0.0.1' && host !== 'localhost') return undefined
  try {
    return (JSON.parse(fs.readFileSync(path.join('data', 'first-run-credentials.json'), 'utf8')) as { ingestKey?: string }).ingestKey
  } catch {
    return undefined
  }
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const { file, options } = parseCommandLine(process.argv.slice(2))
  const range = await timeRange(file, options)
  const startedAt = Date.now()
  const sentTs = timeMapping(options, range.first, range.last, startedAt)
  const totals = { file, rows: range.rows, accepted: 0, rejected: 0, duplicates: 0, firstError: undefined as string | undefined }
  let batch: MappedPoint[] = []
  /** The file line of each point in the batch: the server numbers lines of its request. */
  let lines: number[] = []
  const flush = async () => {
    if (batch.length === 0) return
    if (options.live) {
      // A live replay sends a point no earlier than its (moved) time.
      const due = Math.max(...batch.map((p) => (typeof p.ts === 'number' ? p.ts : 0)))
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()))
    }
    const reply = await postNdjson(options.url, batch, { key: options.key, onRetry: (why, ms) => console.error(`retrying in ${ms} ms: ${why}`) })
    totals.accepted += reply.accepted
    totals.rejected += reply.rejected
    totals.duplicates += reply.duplicates
    const first = reply.errors[0]
    if (first && !totals.firstError) totals.firstError = `line ${lines[first.line - 1] ?? '?'}: ${first.reason}`
    batch = []
    lines = []
  }
  let lastSecond = -1
  for await (const { row, line } of readRows(file)) {
    const point = mapRow(row, options, sentTs, line)
    // Live: one request per second of (moved) time keeps the feed smooth.
    const second = options.live && typeof point.ts === 'number' ? Math.floor(point.ts / 1000) : -1
    if (batch.length >= options.batch || (options.live && second !== lastSecond && batch.length > 0)) await flush()
    lastSecond = second
    batch.push(point)
    lines.push(line)
  }
  await flush()
  console.log(JSON.stringify(totals))
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (err instanceof IngestRequestError) {
    console.error(`the server refused the data (${err.status}): ${err.message}`)
    process.exit(1)
  }
  console.error(`replay failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
