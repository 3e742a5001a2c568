import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * JSON with one item per line: small like compact JSON, yet a rebuild that
 * moves one station or one county shows up as a one-line diff.
 */
export function formatItemsPerLine(key: string, items: readonly unknown[]): string {
  return `{ ${JSON.stringify(key)}: [\n${items.map((i) => `  ${JSON.stringify(i)}`).join(',\n')}\n] }\n`
}

/** A GeoJSON FeatureCollection with one feature per line. */
export function formatFeatureCollection(features: readonly unknown[]): string {
  return `{ "type": "FeatureCollection", "features": [\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n] }\n`
}

export function writeText(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
}

/** Total size in bytes of the files below a folder. */
export function folderSize(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? folderSize(path) : statSync(path).size
  }
  return total
}
