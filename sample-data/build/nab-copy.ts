import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { writeText } from './json-output'

/**
 * The Numenta Anomaly Benchmark files the project replays and benchmarks on:
 * every real-traffic series, and the NYC taxi series for the anomaly-rule
 * benchmark. Read from the shared datasets at build time only: the project
 * never reads the shared folder at run time.
 */
export const NAB_TRAFFIC_FOLDER = 'realTraffic'
export const NAB_EXTRA_FILES = ['realKnownCause/nyc_taxi.csv'] as const

const labelsSchema = z.record(z.string(), z.array(z.string()))
const windowsSchema = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])))

function pick<T>(all: Record<string, T>, keys: readonly string[]): Record<string, T> {
  const out: Record<string, T> = {}
  for (const k of keys) {
    const v = all[k]
    if (v === undefined) throw new Error(`NAB has no labels for ${k}`)
    out[k] = v
  }
  return out
}

/**
 * Copies the series, the licence, and the entries of NAB's `labels.json` and
 * `windows.json` that concern the copied series (same file formats as NAB's).
 * Files are read and written rather than copied so they do not inherit the
 * source's read-only mode. Returns the copied series' relative paths.
 */
export function copyNab(sourceDir: string, destDir: string): string[] {
  const series = [
    ...readdirSync(join(sourceDir, NAB_TRAFFIC_FOLDER))
      .filter((f) => f.endsWith('.csv'))
      .sort()
      .map((f) => `${NAB_TRAFFIC_FOLDER}/${f}`),
    ...NAB_EXTRA_FILES,
  ]
  for (const rel of [...series, 'LICENSE.txt']) writeText(join(destDir, rel), readFileSync(join(sourceDir, rel), 'utf8'))

  const labels = labelsSchema.parse(JSON.parse(readFileSync(join(sourceDir, 'labels.json'), 'utf8')))
  const windows = windowsSchema.parse(JSON.parse(readFileSync(join(sourceDir, 'windows.json'), 'utf8')))
  writeText(join(destDir, 'labels.json'), `${JSON.stringify(pick(labels, series), null, 1)}\n`)
  writeText(join(destDir, 'windows.json'), `${JSON.stringify(pick(windows, series), null, 1)}\n`)
  return series
}

/** True when the shared NAB folder is there to copy from. */
export function nabAvailable(sourceDir: string): boolean {
  return existsSync(join(sourceDir, NAB_TRAFFIC_FOLDER)) && existsSync(join(sourceDir, 'labels.json'))
}
