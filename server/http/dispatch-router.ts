import express, { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import {
  caseListQuerySchema,
  dispatchBodySchema,
  verifyBodySchema,
  type CaseDetailReply,
  type CaseListReply,
  type DepartmentListReply,
  type DepartmentReply,
  type DispatchReply,
  type RouteReply,
} from '../../common/api/dispatch-api'
import type { CatalogIndex } from '../../common/catalog-index'
import { codeSchema } from '../../common/catalog-schema'
import { publicDepartment, type Department } from '../../common/dispatch-schema'
import type { AlertService } from '../alerting/alert-service'
import { accountOf, inScope, requirePermission, scopeOf } from '../auth/http-auth'
import { CaseError, type CaseService } from '../dispatch/case-service'
import { LINK_TTL_MS, type CaseLinks } from '../dispatch/case-links'
import { ROUTING_ID, type Departments } from '../dispatch/departments'
import { ApiError } from './api-error'
import { parseBody } from './parse-body'
import { parseQuery, requireJson } from './validate'
import { mapStoreError, parseDefinition, parsePut } from './walls-router'

/**
 * Departments, routing and cases over HTTP (contract:
 * common/api/dispatch-api.ts). Region-scoped like everything else: an
 * account sees the departments and cases of its subtree, dispatches only to
 * a department within it, and admins (walls.write's peers: `admin`) change
 * departments and routing within it. A channel's secret is never answered.
 */

const json = express.json({ limit: 256 * 1024 })
const deleteQuerySchema = z.strictObject({ version: z.coerce.number().int().min(1).optional() })

export interface DispatchDeps {
  index: CatalogIndex
  /** Signs the link the department answers through. */
  links: CaseLinks
  departments: Departments
  cases: CaseService
  alerts: Pick<AlertService, 'get'>
  now(): number
}

export function dispatchRouter({ index, links, departments, cases, alerts, now }: DispatchDeps): Router {
  const router = Router()
  const admin = requirePermission('admin')
  const act = requirePermission('alerts.act')

  const departmentFor = (req: Request, res: Response) => {
    const code = pathCode(req, 'department')
    const stored = departments.departments.get(code)
    if (!stored || !departments.visible(stored.definition, scopeOf(res))) throw new ApiError(404, 'unknown_department', `no department ${code} (GET /api/departments lists them)`)
    return stored
  }

  router.get('/departments', (req, res) => {
    parseQuery(z.strictObject({}), req.query)
    const scope = scopeOf(res)
    const body: DepartmentListReply = { departments: departments.list().filter((d) => departments.visible(d, scope)).map(publicDepartment) }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })

  router.get('/departments/:code', (req, res) => {
    const stored = departmentFor(req, res)
    const body: DepartmentReply = { ...stored, definition: publicDepartment(stored.definition) }
    res.setHeader('Cache-Control', 'no-cache')
    res.json(body)
  })

  router.get('/departments/:code/history', async (req, res) => {
    const stored = departmentFor(req, res)
    const changes = await departments.departments.history(stored.definition.code)
    // Secrets are not history's to show either.
    const redact = (d: unknown) => (d && typeof d === 'object' ? publicDepartment(d as Department) : d)
    res.setHeader('Cache-Control', 'no-cache')
    res.json({ id: stored.definition.code, changes: changes.map((c) => ({ ...c, before: redact(c.before), after: redact(c.after) })) })
  })

  router.put('/departments/:code', admin, requireJson, json, async (req, res) => {
    const code = pathCode(req, 'department')
    const { definition, version } = parsePut(req.body, code, 'code')
    const scope = scopeOf(res)
    const before = departments.departments.get(code)
    if (before && !departments.visible(before.definition, scope)) throw new ApiError(403, 'outside_scope', `department ${code} answers for ${before.definition.region}, outside your region ${scope}`)
    keepSecrets(definition, before?.definition)
    const parsed = parseDefinition(() => departments.parseDepartment(definition, scope))
    const { stored, created } = await departments.departments.put(parsed, version, accountOf(res).name).catch(mapStoreError)
    const body: DepartmentReply = { ...stored, definition: publicDepartment(stored.definition) }
    res.status(created ? 201 : 200).json(body)
  })

  router.delete('/departments/:code', admin, async (req, res) => {
    const { version } = parseQuery(deleteQuerySchema, req.query)
    const code = departmentFor(req, res).definition.code
    const refusal = departments.deleteRefusal(code)
    if (refusal) throw new ApiError(409, 'in_use', refusal)
    const done = await departments.departments.remove(code, version, accountOf(res).name).catch(mapStoreError)
    res.json({ id: code, deleted: true, version: done.version })
  })

  router.get('/routing', (req, res) => {
    parseQuery(z.strictObject({}), req.query)
    const scope = scopeOf(res)
    const stored = departments.routing.get(ROUTING_ID)
    const routing = departments.currentRouting()
    // An account sees the routes within its region.
    const definition = { ...routing, routes: routing.routes.filter((r) => index.tree.isWithin(r.region, scope)) }
    res.setHeader('Cache-Control', 'no-cache')
    res.json({ definition, version: stored?.version ?? 0, updated: stored?.updated ?? 0, updatedBy: stored?.updatedBy ?? '' })
  })

  router.put('/routing', admin, requireJson, json, async (req, res) => {
    const { definition, version } = parsePut(req.body, ROUTING_ID)
    const scope = scopeOf(res)
    // Below the root an admin edits the routes within its region; the others are kept as they are.
    const routes = Array.isArray(definition.routes) ? definition.routes : []
    const others = departments.currentRouting().routes.filter((r) => !index.tree.isWithin(r.region, scope))
    const parsed = parseDefinition(() => departments.parseRouting({ ...definition, routes }, scope))
    const merged = { ...parsed, routes: [...others, ...parsed.routes] }
    const { stored, created } = await departments.routing.put(merged, version, accountOf(res).name).catch(mapStoreError)
    res.status(created ? 201 : 200).json({ ...stored, definition: { ...stored.definition, routes: stored.definition.routes.filter((r) => index.tree.isWithin(r.region, scope)) } })
  })

  const visibleAlert = (res: Response, id: string) => {
    const alert = alerts.get(id)
    if (!alert || !inScope(index, res, alert.region)) throw new ApiError(404, 'not_found', `no alert ${id.slice(0, 64)}`)
    return alert
  }

  router.get('/alerts/:id/route', act, (req: Request<{ id: string }>, res) => {
    const alert = visibleAlert(res, req.params.id)
    const proposed = departments.routeFor(alert)
    const body: RouteReply = {
      department: proposed && departments.get(proposed) && departments.visible(departments.get(proposed)!, scopeOf(res)) ? proposed : null,
      deadlineMinutes: departments.deadlineMinutes(alert.severity),
    }
    res.setHeader('Cache-Control', 'no-store')
    res.json(body)
  })

  router.post('/alerts/:id/dispatch', act, json, async (req: Request<{ id: string }>, res) => {
    const body = parseBody(dispatchBodySchema, req.body)
    const alert = visibleAlert(res, req.params.id)
    if (alert.state === 'resolved') throw new ApiError(409, 'alert_closed', `alert ${alert.id} is resolved; a closed alert is not dispatched`)
    const department = departments.get(body.department)
    if (!department) throw new ApiError(400, 'unknown_department', `department: there is no department ${body.department} (GET /api/departments lists them)`)
    const scope = scopeOf(res)
    if (!departments.visible(department, scope)) throw new ApiError(403, 'outside_scope', `department: ${body.department} answers for ${department.region}, outside your region ${scope}`)
    const minutes = body.deadlineMinutes ?? departments.deadlineMinutes(alert.severity)
    const c = await mapCaseError(() => cases.dispatch(alert, department.code, now() + minutes * 60_000, body.note, accountOf(res).name))
    const reply: DispatchReply = { ...c, link: `/r/${links.sign({ caseId: c.id, expiresAt: c.dispatchedAt + LINK_TTL_MS })}` }
    res.status(201).json(reply)
  })

  const visibleCase = (req: Request, res: Response) => {
    const id = String(req.params.id)
    const c = cases.get(id)
    if (!c || !inScope(index, res, c.region)) throw new ApiError(404, 'unknown_case', `no case ${id.slice(0, 64)}`)
    return c
  }

  router.get('/cases', (req, res) => {
    const q = parseQuery(caseListQuerySchema, req.query)
    const scope = scopeOf(res)
    const body: CaseListReply = {
      cases: cases
        .list()
        .filter((c) => index.tree.isWithin(c.region, scope) && (q.state === undefined || c.state === q.state) && (q.department === undefined || c.department === q.department) && (q.overdue === undefined || c.overdue === (q.overdue === 'true')) && (q.alert === undefined || c.alertId === q.alert)),
    }
    res.setHeader('Cache-Control', 'no-store')
    res.json(body)
  })

  router.get('/cases/:id', (req, res) => {
    const c = visibleCase(req, res)
    const body: CaseDetailReply = { case: c, events: cases.eventsOf(c.id) }
    res.setHeader('Cache-Control', 'no-store')
    res.json(body)
  })

  router.post('/cases/:id/verify', act, json, async (req, res) => {
    const body = parseBody(verifyBodySchema, req.body)
    const c = visibleCase(req, res)
    const done = await mapCaseError(() => cases.act(c.id, body.ok ? 'closed' : 'returned', accountOf(res).name, body.comment))
    res.json(done)
  })

  return router
}

/**
 * A channel sent without its secret keeps the one stored for the same kind
 * and address: secrets are never answered, so an edit cannot send them back.
 */
function keepSecrets(definition: Record<string, unknown>, before: Department | undefined): void {
  if (!before || !Array.isArray(definition.channels)) return
  definition.channels = definition.channels.map((c: unknown) => {
    if (!c || typeof c !== 'object' || 'secret' in c) return c
    const sent = c as { kind?: unknown; url?: unknown }
    const stored = before.channels.find((s) => s.kind === sent.kind && 'url' in s && s.url === sent.url && 'secret' in s && s.secret !== undefined)
    return stored && 'secret' in stored ? { ...sent, secret: stored.secret } : c
  })
}

async function mapCaseError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (err instanceof CaseError) throw new ApiError(err.code === 'not_found' ? 404 : 409, err.code === 'not_found' ? 'unknown_case' : 'conflict', err.message)
    throw err
  }
}

function pathCode(req: Request, what: string): string {
  const code = req.params.code
  if (typeof code !== 'string' || !codeSchema.safeParse(code).success) throw new ApiError(404, `unknown_${what}`, `no ${what} ${String(code).slice(0, 64)}`)
  return code
}
