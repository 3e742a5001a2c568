import { spawn } from 'node:child_process'
import path from 'node:path'

/**
 * `npm run bench [-- NAME…]`: runs each benchmark in its own process (chDB is
 * one engine per process, and a fresh process keeps one benchmark's memory out
 * of the next one's figures) and passes through its JSON lines.
 */

const BENCHMARKS = {
  ingest: 'bench/ingest-bench.ts',
  query: 'bench/query-bench.ts',
  e2e_latency: 'bench/e2e-latency-bench.ts',
  fanout: 'bench/fanout-bench.ts',
  rules: 'bench/rules-bench.ts',
  backtest: 'bench/backtest-bench.ts',
  client_tick: 'bench/client-tick-bench.ts',
  anomaly_nab: 'bench/anomaly-nab-bench.ts',
  alert_quality: 'bench/alert-quality-bench.ts',
  soak: 'bench/soak-bench.ts',
  connection_flood: 'bench/connection-flood-bench.ts',
  password_flood: 'bench/password-flood-bench.ts',
} as const
type BenchName = keyof typeof BENCHMARKS

const root = path.resolve(import.meta.dirname, '..')
const requested = process.argv.slice(2)
const unknown = requested.filter((n) => !(n in BENCHMARKS))
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`)
  process.exit(2)
}
const names = (requested.length > 0 ? requested : Object.keys(BENCHMARKS)) as BenchName[]

let failed = false
for (const name of names) {
  const code = await new Promise<number | null>((resolve) => {
    // The same V8 flags as `npm start`: a larger young generation lets ingest's
    // short-lived objects die without being copied (measured ~10 % faster).
    const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', BENCHMARKS[name]], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    const forward = (signal: NodeJS.Signals) => child.kill(signal)
    process.once('SIGINT', forward)
    process.once('SIGTERM', forward)
    child.once('exit', (c) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolve(c)
    })
  })
  if (code !== 0) {
    failed = true
    console.log(JSON.stringify({ name, error: `benchmark exited with ${code}` }))
  }
}
process.exit(failed ? 1 : 0)
