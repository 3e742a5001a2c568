import type { Catalog, DomainInfo, Indicator, Region, Station } from './catalog-schema'
import { RegionTree } from './region-tree'

/**
 * The catalog with its cross-references checked and indexed: what every part of
 * the system looks indicators, regions and stations up in.
 */
export class CatalogIndex {
  readonly tree: RegionTree
  readonly indicators: ReadonlyMap<string, Indicator>
  readonly stations: ReadonlyMap<string, Station>
  readonly domains: ReadonlyMap<string, DomainInfo>
  /** The domains in their `order` (then by code), as screens list them. */
  readonly domainList: readonly DomainInfo[]

  constructor(readonly catalog: Catalog) {
    this.tree = new RegionTree(catalog.regions)
    this.domains = indexBy(catalog.domains, 'domain')
    this.domainList = [...catalog.domains].sort((a, b) => a.order - b.order || a.code.localeCompare(b.code))
    this.indicators = indexBy(catalog.indicators, 'indicator')
    this.stations = indexBy(catalog.stations, 'station')
    const problems = [...crossReferenceProblems(catalog, this.tree, this.indicators)]
    if (problems.length > 0) throw new Error(`the catalog is inconsistent: ${problems.slice(0, 10).join('; ')}`)
  }

  domain(code: string): DomainInfo | undefined {
    return this.domains.get(code)
  }

  /** The domain's indicators, in catalog order. */
  indicatorsOf(domain: string): Indicator[] {
    return this.catalog.indicators.filter((i) => i.domain === domain)
  }

  indicator(code: string): Indicator | undefined {
    return this.indicators.get(code)
  }

  region(code: string): Region | undefined {
    return this.tree.get(code)
  }

  station(code: string): Station | undefined {
    return this.stations.get(code)
  }

  stationsOfKind(kind: Station['kind']): Station[] {
    return this.catalog.stations.filter((s) => s.kind === kind)
  }
}

function indexBy<T extends { code: string }>(items: readonly T[], what: string): Map<string, T> {
  const out = new Map<string, T>()
  for (const item of items) {
    if (out.has(item.code)) throw new Error(`the catalog lists ${what} ${item.code} twice`)
    out.set(item.code, item)
  }
  return out
}

function* crossReferenceProblems(
  catalog: Catalog,
  tree: RegionTree,
  indicators: ReadonlyMap<string, Indicator>,
): Generator<string> {
  const domains = new Set(catalog.domains.map((d) => d.code))
  for (const i of catalog.indicators) {
    if (!domains.has(i.domain)) yield `indicator ${i.code} belongs to unknown domain ${i.domain}`
    if (i.aggregation.rule === 'weightedMean') {
      const w = indicators.get(i.aggregation.weightBy)
      if (!w) yield `indicator ${i.code} is weighted by unknown indicator ${i.aggregation.weightBy}`
      else if (w.stationKind !== i.stationKind)
        yield `indicator ${i.code} is weighted by ${w.code}, which is measured at other stations`
    }
  }
  for (const s of catalog.stations) {
    if (!tree.has(s.region)) yield `station ${s.code} stands in unknown region ${s.region}`
    else if (!tree.isLeaf(s.region)) yield `station ${s.code} stands in ${s.region}, which is not a leaf region`
  }
}
