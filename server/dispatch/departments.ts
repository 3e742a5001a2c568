import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { Alert } from '../../common/alert-state'
import type { CatalogIndex } from '../../common/catalog-index'
import { departmentSchema, departmentsFileSchema, routingSchema, type Department, type Route, type Routing } from '../../common/dispatch-schema'
import type { FieldProblem } from '../../common/wall-schema'
import { zodProblems } from '../../common/zod-problems'
import type { Logger } from '../logger'
import { DocumentStore, type DocumentRecords } from '../walls/document-store'
import { DefinitionError, describeProblem, PROVISIONING_ACTOR } from '../walls/walls'

/**
 * Departments and routing as data, kept as versioned documents with their
 * history (the walls' store), provisioned on a start from
 * `<catalogDir>/departments.json` (each department never stored) and
 * `<catalogDir>/routing.json` (when no routing was ever stored).
 *
 * Routing names the department that answers for an alert: the most specific
 * route that matches it — a rule over an indicator over a domain, and among
 * those the one whose region lies nearest the alert's.
 */

export const DEPARTMENTS_FILE = 'departments.json'
export const ROUTING_FILE = 'routing.json'
/** The one routing document's id. */
export const ROUTING_ID = 'default'

export const routingDocumentSchema = routingSchema.extend({ id: z.literal(ROUTING_ID) })
export type RoutingDocument = z.infer<typeof routingDocumentSchema>

/** Default deadlines when no routing was ever provisioned or stored. */
const FALLBACK_ROUTING: RoutingDocument = { id: ROUTING_ID, routes: [], deadlines: { critical: 120, warning: 1440, info: 4320 } }

export class Departments {
  readonly departments: DocumentStore<typeof departmentSchema>
  readonly routing: DocumentStore<typeof routingDocumentSchema>

  constructor(
    private readonly index: CatalogIndex,
    records: DocumentRecords,
    private readonly log: Logger,
    now?: () => number,
  ) {
    // A department's id is its code.
    this.departments = new DocumentStore({ kind: 'department', schema: departmentSchema, idOf: (d) => d.code, records, log, now })
    this.routing = new DocumentStore({ kind: 'routing', schema: routingDocumentSchema, records, log, now })
  }

  async load(catalogDir: string): Promise<{ departments: number; routes: number; provisioned: number }> {
    await this.departments.load()
    await this.routing.load()
    let provisioned = 0
    const file = path.join(catalogDir, DEPARTMENTS_FILE)
    if (fs.existsSync(file)) {
      const parsed = departmentsFileSchema.safeParse(readJson(file), { reportInput: true })
      if (!parsed.success) throw new Error(`departments file ${file}: ${zodProblems(parsed.error.issues, { reportInput: true, root: 'departments' }).slice(0, 5).join('; ')}`)
      const fresh = parsed.data.departments.filter((d) => !this.departments.everStored(d.code))
      // Supervisors may come later in the file: check against all of it.
      const all = new Map([...this.list().map((d) => [d.code, d] as const), ...parsed.data.departments.map((d) => [d.code, d] as const)])
      for (const d of fresh) {
        const problems = departmentProblems(d, this.index, null, (code) => all.get(code))
        if (problems.length > 0) throw new Error(`departments file ${file}: department ${d.code}: ${problems.map(describeProblem).join('; ')}`)
        await this.departments.put(d, undefined, PROVISIONING_ACTOR)
        provisioned++
      }
    }
    const routingFile = path.join(catalogDir, ROUTING_FILE)
    if (fs.existsSync(routingFile) && !this.routing.everStored(ROUTING_ID)) {
      const parsed = routingDocumentSchema.safeParse(readJson(routingFile), { reportInput: true })
      if (!parsed.success) throw new Error(`routing file ${routingFile}: ${zodProblems(parsed.error.issues, { reportInput: true, root: 'routing' }).slice(0, 5).join('; ')}`)
      const problems = this.routingProblems(parsed.data, null)
      if (problems.length > 0) throw new Error(`routing file ${routingFile}: ${problems.slice(0, 5).map(describeProblem).join('; ')}`)
      await this.routing.put(parsed.data, undefined, PROVISIONING_ACTOR)
      provisioned++
    }
    if (provisioned > 0) this.log.info({ provisioned }, 'departments and routing provisioned from files')
    return { departments: this.list().length, routes: this.currentRouting().routes.length, provisioned }
  }

  list(): Department[] {
    return this.departments.list().map((d) => d.definition)
  }

  get(code: string): Department | undefined {
    return this.departments.get(code)?.definition
  }

  currentRouting(): RoutingDocument {
    return this.routing.get(ROUTING_ID)?.definition ?? FALLBACK_ROUTING
  }

  /** A department is seen by an account when its region lies within the account's. */
  visible(d: Department, scope: string): boolean {
    return this.index.tree.isWithin(d.region, scope)
  }

  /** Parses a department sent for saving, checked against the catalog, the other departments and the editor's region. */
  parseDepartment(json: unknown, scope: string): Department {
    const parsed = departmentSchema.safeParse(json, { reportInput: true })
    if (!parsed.success) throw new DefinitionError(parsed.error.issues.map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: zodProblems([i], { reportInput: true })[0] ?? i.message })))
    const problems = departmentProblems(parsed.data, this.index, scope, (code) => this.get(code))
    if (problems.length > 0) throw new DefinitionError(problems)
    return parsed.data
  }

  parseRouting(json: unknown, scope: string): RoutingDocument {
    const parsed = routingDocumentSchema.safeParse(json, { reportInput: true })
    if (!parsed.success) throw new DefinitionError(parsed.error.issues.map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: zodProblems([i], { reportInput: true })[0] ?? i.message })))
    const problems = this.routingProblems(parsed.data, scope)
    if (problems.length > 0) throw new DefinitionError(problems)
    return parsed.data
  }

  /** Why a department cannot be deleted now (what uses it), or null. */
  deleteRefusal(code: string): string | null {
    const supervised = this.list().filter((d) => d.supervisor === code).map((d) => d.code)
    const routes = this.currentRouting().routes.filter((r) => r.department === code).length
    const uses = [...(supervised.length > 0 ? [`it supervises ${supervised.slice(0, 5).join(', ')}${supervised.length > 5 ? ` and ${supervised.length - 5} more` : ''}`] : []), ...(routes > 0 ? [`${routes} ${routes > 1 ? 'routes name' : 'route names'} it`] : [])]
    return uses.length > 0 ? `department ${code} is in use: ${uses.join('; ')}` : null
  }

  /** The department that answers for `alert`, by the most specific matching route; null when none matches. */
  routeFor(alert: Pick<Alert, 'ruleId' | 'indicator' | 'region'>): string | null {
    const domain = this.index.indicator(alert.indicator)?.domain
    let best: { route: Route; rank: number } | null = null
    for (const route of this.currentRouting().routes) {
      const kind = route.rule !== undefined ? (route.rule === alert.ruleId ? 3 : -1) : route.indicator !== undefined ? (route.indicator === alert.indicator ? 2 : -1) : route.domain === domain ? 1 : -1
      if (kind < 0 || !this.index.tree.isWithin(alert.region, route.region)) continue
      // A nearer region first, then the more specific match.
      const rank = this.index.tree.lineage(route.region).length * 10 + kind
      if (!best || rank > best.rank) best = { route, rank }
    }
    return best?.route.department ?? null
  }

  deadlineMinutes(severity: Alert['severity']): number {
    return this.currentRouting().deadlines[severity]
  }

  private routingProblems(r: Routing, scope: string | null): FieldProblem[] {
    const out: FieldProblem[] = []
    r.routes.forEach((route, i) => {
      if (!this.index.region(route.region)) out.push({ path: ['routes', i, 'region'], message: `${route.region} is not in the region catalog` })
      else if (scope !== null && !this.index.tree.isWithin(route.region, scope)) out.push({ path: ['routes', i, 'region'], message: `${route.region} lies outside your region ${scope}` })
      if (route.domain !== undefined && !this.index.domain(route.domain)) out.push({ path: ['routes', i, 'domain'], message: `${route.domain} is not in the domain catalog` })
      if (route.indicator !== undefined && !this.index.indicator(route.indicator)) out.push({ path: ['routes', i, 'indicator'], message: `${route.indicator} is not in the indicator catalog` })
      if (!this.get(route.department)) out.push({ path: ['routes', i, 'department'], message: `there is no department ${route.department}` })
    })
    return out
  }
}

/** What a department refers to that does not exist or lies outside `scope`, and a supervisor chain that loops. */
export function departmentProblems(d: Department, index: CatalogIndex, scope: string | null, lookup: (code: string) => Department | undefined): FieldProblem[] {
  const out: FieldProblem[] = []
  if (!index.region(d.region)) out.push({ path: ['region'], message: `${d.region} is not in the region catalog` })
  else if (scope !== null && !index.tree.isWithin(d.region, scope)) out.push({ path: ['region'], message: `${d.region} lies outside your region ${scope}` })
  if (d.supervisor !== null) {
    if (d.supervisor === d.code) out.push({ path: ['supervisor'], message: 'a department cannot supervise itself' })
    else if (!lookup(d.supervisor)) out.push({ path: ['supervisor'], message: `there is no department ${d.supervisor}` })
    else {
      // Up the chain from the supervisor: it must not come back to this department.
      const seen = new Set([d.code])
      for (let s: Department | undefined = lookup(d.supervisor); s; s = s.supervisor ? lookup(s.supervisor) : undefined) {
        if (seen.has(s.code)) {
          out.push({ path: ['supervisor'], message: `supervision would go round in a circle through ${s.code}` })
          break
        }
        seen.add(s.code)
      }
    }
  }
  return out
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`${file}: not readable JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}
