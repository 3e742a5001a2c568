import fs from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import { CatalogIndex } from '../../common/catalog-index'
import {
  domainsFileSchema,
  indicatorsFileSchema,
  regionsFileSchema,
  stationsFileSchema,
  type Catalog,
} from '../../common/catalog-schema'
import { describeZodError } from '../../common/zod-problems'

/** File names inside the catalog directory (sample-data by default). */
export const CATALOG_FILES = {
  domains: 'domains.json',
  indicators: 'indicators.json',
  regions: 'regions.json',
  stations: 'stations.json',
} as const

/**
 * Reads and validates the catalog files. Any problem stops the start with the
 * file and the field named, because a server running on a half-read catalog
 * would reject good data or accept bad data.
 */
export function loadCatalog(dir: string): CatalogIndex {
  const domains = readJson(path.join(dir, CATALOG_FILES.domains), domainsFileSchema).domains
  const indicators = readJson(path.join(dir, CATALOG_FILES.indicators), indicatorsFileSchema).indicators
  const regions = readJson(path.join(dir, CATALOG_FILES.regions), regionsFileSchema).regions
  const stations = readJson(path.join(dir, CATALOG_FILES.stations), stationsFileSchema).stations
  const catalog: Catalog = { domains, indicators, regions, stations }
  return new CatalogIndex(catalog)
}

function readJson<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error(`cannot read catalog file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new Error(`catalog file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new Error(`catalog file ${file}: ${describeZodError(parsed.error, { root: '(root)', max: 1 })}`)
  return parsed.data
}
