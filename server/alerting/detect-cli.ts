import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { parse as parseCsv } from 'csv-parse/sync'
import { z } from 'zod'
import { readTimestamp } from '../../ingest/replay-plan'
import { RuleSchema, RulesFileSchema, type Rule } from '../../common/rule-schema'
import { loadCatalog } from '../catalog/load-catalog'
import { DEFAULT_DETECT_RULE_ID, defaultDetectRule, detect, lateRows, seriesFor } from './offline-detect'
import { RULES_DIR } from './rule-files'
import { validateRuleAgainstCatalog } from './rule-validation'
import { describeZodError } from '../../common/zod-problems'

/**
 * `npm run detect -- FILE.csv [--rule RULE.json]`: runs a rule (by default the
 * default baseline-deviation rule) over a `timestamp,value` CSV in event time
 * and prints one JSON line per raised alert. Check a rule against your own
 * history before switching it on.
 */

const HELP = `usage: npm run detect -- FILE.csv [options]

Runs an alert rule over a timestamp,value CSV in event time and prints one JSON
line per alert the rule would have raised. Rows older than a row before them
(a clock stepping back, late or re-sent points) are passed over, as the live
engine passes over late points, and counted on stderr.

options:
  --rule RULE.json        the rule to run (a rule object, or {"rules": [one rule]});
                          default: the default baseline-deviation rule (${DEFAULT_DETECT_RULE_ID})
  --catalog DIR           the catalog the rule refers to (default ./sample-data)
  --assume-zone ±hh:mm    the zone of timestamps written without one (default Z)
  --help                  this text`

function fail(message: string): never {
  console.error(`detect: ${message}`)
  process.exit(2)
}

function readRule(file: string, catalogDir: string, index: ReturnType<typeof loadCatalog>): Rule {
  let json: unknown
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    fail(`cannot read ${file}: ${(err as Error).message}`)
  }
  let rules: Rule[]
  const asFile = RulesFileSchema.safeParse(json)
  if (asFile.success) rules = asFile.data.rules
  else {
    const one = RuleSchema.safeParse(json)
    if (!one.success) fail(`${file}: ${describe(one.error)}`)
    rules = [one.data]
  }
  if (rules.length !== 1) fail(`${file}: give one rule (found ${rules.length})`)
  const rule = rules[0]!
  const problems = validateRuleAgainstCatalog(rule, index)
  if (problems.length > 0) fail(`${file}: rule ${rule.id}: ${problems.join('; ')} (catalog ${catalogDir})`)
  return rule
}

function describe(error: z.ZodError): string {
  return describeZodError(error, { root: 'rule', max: 5 })
}

function main(): void {
  const { values: opts, positionals } = (() => {
    try {
      return parseArgs({
        allowPositionals: true,
        options: { rule: { type: 'string' }, catalog: { type: 'string' }, 'assume-zone': { type: 'string' }, help: { type: 'boolean' } },
      })
    } catch (err) {
      return fail(`${(err as Error).message}\n\n${HELP}`)
    }
  })()
  if (opts.help) {
    console.log(HELP)
    return
  }
  if (positionals.length !== 1) fail(`give one CSV file\n\n${HELP}`)
  const file = positionals[0]!
  const zone = opts['assume-zone'] ?? 'Z'
  if (!/^(Z|[+-]\d{2}:\d{2})$/.test(zone)) fail('--assume-zone must be Z or ±hh:mm')
  const catalogDir = path.resolve(opts.catalog ?? 'sample-data')
  const index = loadCatalog(catalogDir)
  const rule = opts.rule ? readRule(opts.rule, catalogDir, index) : defaultDetectRule(index, path.join(catalogDir, RULES_DIR))

  let rows: Array<Record<string, string>>
  try {
    rows = parseCsv(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Array<Record<string, string>>
  } catch (err) {
    fail(`cannot read ${file}: ${(err as Error).message}`)
  }
  if (rows.length === 0) fail(`${file} has no rows`)
  if (!('timestamp' in rows[0]!) || !('value' in rows[0]!)) fail(`${file}: the header must name the columns timestamp and value`)
  const ts: number[] = []
  const values: number[] = []
  rows.forEach((row, i) => {
    const t = readTimestamp(row.timestamp ?? '', zone)
    const v = Number(row.value)
    if (!Number.isFinite(t)) fail(`${file}: row ${i + 2}: timestamp ${JSON.stringify(row.timestamp)} is not a date-time or epoch milliseconds`)
    if (row.value === '' || !Number.isFinite(v)) fail(`${file}: row ${i + 2}: value ${JSON.stringify(row.value)} is not a number`)
    ts.push(t)
    values.push(v)
  })

  const late = lateRows(ts)
  if (late.first) {
    const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`
    console.error(
      `detect: ${late.count} row(s) older than a row before them were not judged, as the live engine does with late points ` +
        `(first: row ${late.first.row + 2}, ${minutes(late.first.backMs)} back; furthest back: ${minutes(late.maxBackMs)})`,
    )
  }
  if (late.duplicates > 0) {
    console.error(`detect: ${late.duplicates} row(s) at the same time as the row before them were not judged (a reading sent twice counts once)`)
  }
  const { region, station } = seriesFor(index, rule)
  for (const r of detect(index, rule, ts, values)) {
    console.log(
      JSON.stringify({
        ts: new Date(r.ts).toISOString(),
        row: r.row + 2,
        value: r.value,
        rule: rule.id,
        severity: rule.severity,
        since: new Date(r.since).toISOString(),
        detail: r.detail,
        ...(station ? { station } : { region }),
      }),
    )
  }
}

// `npm run detect -- … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0)
  throw err
})
main()
