import fs from 'node:fs'
import path from 'node:path'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Scorecard, ScorecardDomain } from '../../common/scorecard'
import { scorecardFileSchema, type ScorecardFile } from '../../common/scorecard-schema'

/** The weights file, beside indicators.json and regions.json in the catalog directory. */
export const SCORECARD_FILE = 'scorecard.json'

/** How many problems one error message lists; the rest are counted. */
const MAX_PROBLEMS_LISTED = 10

/**
 * Reads `<dir>/scorecard.json` and checks it against the catalog.
 *
 * Absent file: null, and the scorecard API answers 404 saying so — a
 * deployment that does not score its regions is legitimate. Present but
 * invalid: an error naming the file, the domain and the indicator, thrown at
 * start, because a wall showing a composite built from half a weights file
 * would show a wrong number with confidence.
 */
export function loadScorecard(dir: string, index: CatalogIndex): Scorecard | null {
  const file = path.join(dir, SCORECARD_FILE)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    throw new Error(`cannot read scorecard file ${file}: ${code ?? String(err)}`, { cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new Error(`scorecard file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  return parseScorecard(json, index, file)
}

/**
 * Validates a parsed weights file and resolves each indicator's target and
 * direction from the catalog. Every problem found is reported at once (up to
 * ten), so fixing a file takes one round, not one per mistake.
 */
export function parseScorecard(json: unknown, index: CatalogIndex, file: string): Scorecard {
  const parsed = scorecardFileSchema.safeParse(json)
  const problems = parsed.success
    ? [...catalogProblems(parsed.data, index)]
    : parsed.error.issues.map((issue) => `${locate(json, issue.path)}${issue.message}`)
  if (problems.length > 0) {
    const more = problems.length > MAX_PROBLEMS_LISTED ? ` (and ${problems.length - MAX_PROBLEMS_LISTED} more)` : ''
    throw new Error(`scorecard file ${file}: ${problems.slice(0, MAX_PROBLEMS_LISTED).join('; ')}${more}`)
  }
  return resolve(parsed.data!, index)
}

function* catalogProblems(file: ScorecardFile, index: CatalogIndex): Generator<string> {
  const seenDomains = new Set<string>()
  for (const d of file.domains) {
    if (seenDomains.has(d.domain)) yield `domain ${d.domain} is listed twice`
    if (!index.domain(d.domain)) yield `domain ${d.domain}: not in the domain catalog`
    seenDomains.add(d.domain)
    const seen = new Set<string>()
    for (const { indicator: code } of d.indicators) {
      const where = `domain ${d.domain}, indicator ${code}`
      if (seen.has(code)) yield `${where}: listed twice`
      seen.add(code)
      const i = index.indicator(code)
      if (!i) {
        yield `${where}: not in the indicator catalog`
        continue
      }
      if (i.domain !== d.domain) yield `${where}: belongs to domain ${i.domain}, not ${d.domain}`
      if (i.better === 'neither') yield `${where}: has no direction (better: "neither" in the catalog), so it cannot be scored`
      if (i.target === null) yield `${where}: has no target in the catalog to score against`
      else if (i.target.kind === 'level' && !(i.target.value > 0))
        yield `${where}: its level target ${i.target.value} must be greater than 0 (scores are ratios to the target)`
      else if (i.target.kind === 'yoyChange' && !(i.target.percent > -100))
        yield `${where}: its year-on-year target ${i.target.percent} % must be greater than -100 %`
    }
  }
}

/** Only called once catalogProblems found nothing: every lookup below succeeds. */
function resolve(file: ScorecardFile, index: CatalogIndex): Scorecard {
  const domains: ScorecardDomain[] = file.domains.map((d) => ({
    domain: d.domain,
    title: d.title,
    weight: d.weight ?? 1,
    indicators: d.indicators.map(({ indicator, weight }) => {
      const i = index.indicator(indicator)!
      return { indicator, weight, target: i.target!, better: i.better as 'higher' | 'lower' }
    }),
  }))
  return { domains }
}

/**
 * A zod issue's path in the words of the file: `domains.0.indicators.2.weight`
 * becomes "domain business, indicator biz.online_rate: weight: ", because the
 * person fixing the file looks for names, not array positions.
 */
function locate(json: unknown, issuePath: ReadonlyArray<PropertyKey>): string {
  const named: string[] = []
  const rest: string[] = []
  let node: unknown = json
  for (let k = 0; k < issuePath.length; k++) {
    const key = issuePath[k]!
    const parentKey = issuePath[k - 1]
    node = isRecord(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[key] : undefined
    if (typeof key === 'number' && (parentKey === 'domains' || parentKey === 'indicators')) {
      const label = parentKey === 'domains' ? 'domain' : 'indicator'
      const name = isRecord(node) ? node[label] : undefined
      rest.pop() // "domains" / "indicators" is said by the label
      named.push(typeof name === 'string' && name !== '' ? `${label} ${name}` : `${parentKey}[${key}]`)
    } else {
      rest.push(String(key))
    }
  }
  const head = named.length > 0 ? `${named.join(', ')}: ` : ''
  return `${head}${rest.length > 0 ? `${rest.join('.')}: ` : ''}`
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
