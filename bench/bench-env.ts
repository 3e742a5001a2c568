import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Prints one benchmark result as a JSON line. */
export function report(result: { name: string } & Record<string, unknown>): void {
  console.log(JSON.stringify(result))
}

/** A scratch directory removed on exit, including exits by error or signal. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `onescreen-bench-${prefix}-`))
  const remove = () => fs.rmSync(dir, { recursive: true, force: true })
  process.once('exit', remove)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      remove()
      process.exit(130)
    })
  }
  return dir
}

/** Runs a benchmark's `main` as the process: exit 0 when it returns, 1 (the error printed) when it throws. */
export function runBenchMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err)
      process.exit(1)
    },
  )
}

/** Runs `cleanup` before exiting on Ctrl-C or SIGTERM, so no server or port outlives the benchmark. */
export function cleanupOnSignal(cleanup: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)))
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits
