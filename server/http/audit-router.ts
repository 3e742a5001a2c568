import { Router, type Request, type Response } from 'express'
import { AUDIT_CSV_COLUMNS, AUDIT_KINDS, auditQuerySchema, DEFAULT_AUDIT_DAYS, DEFAULT_AUDIT_LIMIT, type AuditEntry, type AuditReply } from '../../common/api/audit-api'
import type { CatalogIndex } from '../../common/catalog-index'
import { CSV_BOM, localIso } from '../../common/series-csv'
import type { AuthService } from '../auth/auth-service'
import { requirePermission, scopeOf } from '../auth/http-auth'
import type { AuditQueries, AuditScope } from '../storage/audit-queries'
import { ApiError } from './api-error'
import { parseQuery } from './validate'

/**
 * The operator's audit trail, for admins:
 *   GET /api/audit[?who=&what=&from=&to=&limit=]      { entries, from, to, more }
 *   GET /api/audit.csv[?…the same]                    the entries as CSV (UTF-8 with BOM)
 *
 * Region scope as everywhere: an admin below the root sees the sign-ins of
 * and changes to the accounts and keys it can list (GET /api/users,
 * /api/keys), and the rules and alerts whose region lies in its subtree.
 * A province-wide rule or silence is the province's business, not a city's.
 */

export interface AuditRouterDeps {
  queries: AuditQueries
  /** Whose accounts and keys lie in a scope: the same lists the admin's own screens show. */
  auth: Pick<AuthService, 'listAccounts' | 'listKeys'>
  index: CatalogIndex
  now: () => number
  /** The deployment's zone (TIMEZONE): the CSV writes local times in it. */
  timeZone: string
}

const DAY_MS = 86_400_000

export function auditRouter(deps: AuditRouterDeps): Router {
  const router = Router()
  const admin = requirePermission('admin')

  const read = async (req: Request, res: Response): Promise<AuditReply> => {
    const q = parseQuery(auditQuerySchema, req.query)
    const to = q.to ?? deps.now()
    const from = q.from ?? to - DEFAULT_AUDIT_DAYS * DAY_MS
    // The schema compares the two when both are given; a default may still cross the other.
    if (from >= to) throw new ApiError(400, 'bad_query', `from must be before to (${new Date(from).toISOString()} is not before ${new Date(to).toISOString()})`)
    const limit = q.limit ?? DEFAULT_AUDIT_LIMIT
    const scope = scopeOf(res)
    const accounts = deps.auth.listAccounts(scope)
    const rows = await deps.queries.entries({ from, to, limit, kinds: q.what ?? AUDIT_KINDS, who: q.who, scope: auditScope(deps, scope, accounts) })
    // auth_log records no region: an account's entries are shown under the account's region.
    const regionOf = new Map(accounts.map((a) => [a.name, a.region]))
    const entries = rows.slice(0, limit).map((e) => (e.region === null && (e.kind === 'signin' || e.kind === 'account') ? { ...e, region: regionOf.get(e.subject) ?? null } : e))
    return { entries, from, to, more: rows.length > limit }
  }

  router.get('/audit', admin, async (req, res) => {
    const body = await read(req, res)
    res.setHeader('Cache-Control', 'no-store')
    res.json(body)
  })

  router.get('/audit.csv', admin, async (req, res) => {
    const body = await read(req, res)
    res.setHeader('Cache-Control', 'no-store')
    res.setHeader('Content-Type', 'text/csv; charset=utf-8')
    res.setHeader('Content-Disposition', `attachment; filename="${auditFileName(body.from, body.to)}"`)
    res.send(auditCsv(body.entries, { timeZone: deps.timeZone, regionName: (code) => deps.index.region(code)?.name.zh ?? '' }))
  })

  return router
}

/** What an account below the root may see; null (everything) for the root's. */
function auditScope(deps: AuditRouterDeps, scope: string, accounts: ReadonlyArray<{ name: string }>): AuditScope | null {
  if (scope === deps.index.tree.root.code) return null
  return {
    regions: deps.index.tree.subtree(scope).map((r) => r.code),
    accounts: accounts.map((a) => a.name),
    keys: deps.auth.listKeys(scope).map((k) => k.id),
  }
}

/**
 * Entries as CSV for a spreadsheet: UTF-8 with a byte-order mark (Excel reads
 * Chinese right only with it), a header row (AUDIT_CSV_COLUMNS), one row per
 * entry newest first, times local with their offset, regions by code and
 * Chinese name.
 */
export function auditCsv(entries: readonly AuditEntry[], ctx: { timeZone: string; regionName(code: string): string }): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')]
  for (const e of entries) {
    const row = [localIso(e.at, ctx.timeZone), e.kind, e.action, e.actor, e.subject, e.region ?? '', e.region === null ? '' : ctx.regionName(e.region), e.detail, e.address]
    lines.push(row.map(csvField).join(','))
  }
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`
}

/** `audit_20261115T0000Z_20261122T0000Z.csv`: the range it covers. */
export function auditFileName(from: number, to: number): string {
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '') + 'Z'
  return `audit_${stamp(from)}_${stamp(to)}.csv`
}

/**
 * A field quoted when it holds a comma, a quote or a line break (RFC 4180),
 * and one a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first:
 * a comment or a failed sign-in's name is typed by anyone) led by a `'`.
 */
function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}
