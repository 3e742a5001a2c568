import express, { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import type { CatalogIndex } from '../../common/catalog-index'
import { SEVERITIES } from '../../common/rule-schema'
import { AlertError, type AlertService } from '../alerting/alert-service'
import type { RuleEngine } from '../alerting/rule-engine'
import { ApiError } from './api-error'
import { parseBody } from './parse-body'
import { parseQuery, requireRegion } from './validate'
import { accountOf, inScope, requireInScope, requirePermission, scopeOf } from '../auth/http-auth'

/**
 * The duty officer's API: list and filter alerts, read one and its history,
 * act on it (acknowledge, assign, comment, resolve), and manage silences.
 * Every action is one event in the alert log, pushed to the screens.
 *
 * Who acts is the signed-in account (a body naming someone else is refused
 * as an unknown field). An account sees and acts on the alerts of its own
 * region's subtree only; an alert elsewhere is "not found".
 */

const STATES = ['firing', 'acknowledged', 'resolved'] as const
const list = <T extends string>(values: readonly T[], name: string) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values as [T, ...T[]], { error: (i) => `${name} must be among ${values.join(', ')} (got "${String(i.input)}")` })).min(1))

const listQuery = z.strictObject({
  state: list(STATES, 'state').optional(),
  severity: list(SEVERITIES, 'severity').optional(),
  domain: z.string().max(64).optional(),
  region: z.string().max(16).optional(),
  indicator: z.string().max(64).optional(),
  limit: z.coerce.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be 1 or more').max(5000, 'limit must be at most 5000').optional(),
})

const note = z.string().trim().min(1).max(2000, 'a comment must be at most 2000 characters')

const ackBody = z.strictObject({ comment: note.optional() })
const assignBody = z.strictObject({ assignee: z.string().trim().min(1, 'assignee is required').max(64) })
const commentBody = z.strictObject({ text: note })
const resolveBody = z.strictObject({ comment: note.optional() })

const silenceBody = z
  .strictObject({
    matchers: z
      .strictObject({
        ruleId: z.string().max(64).optional(),
        indicator: z.string().max(64).optional(),
        region: z.string().max(16).optional(),
        station: z.string().max(64).optional(),
        severity: z.enum(SEVERITIES).optional(),
      })
      .refine((m) => Object.keys(m).length > 0, 'matchers must name at least one of ruleId, indicator, region, station, severity'),
    startsAt: z.number().int().optional(),
    endsAt: z.number().int().optional(),
    durationMinutes: z.number().positive().max(30 * 24 * 60, 'a silence lasts at most 30 days').optional(),
    reason: z.string().trim().min(1, 'reason is required: say why').max(500),
  })
  .refine((b) => (b.endsAt === undefined) !== (b.durationMinutes === undefined), { message: 'give endsAt or durationMinutes (one of them)', path: ['endsAt'] })

const endBody = z.strictObject({})

export function alertsRouter(deps: { service: AlertService; engine: RuleEngine; index: CatalogIndex; now: () => number }): Router {
  const { service, index } = deps
  const router = Router()
  router.use(['/alerts', '/silences'], express.json({ limit: '16kb' }))

  const act = requirePermission('alerts.act')
  /** The alert, if it exists within the account's region. */
  const visible = (res: Response, id: string) => {
    const alert = service.get(id)
    return alert && inScope(index, res, alert.region) ? alert : undefined
  }

  router.get('/alerts', (req, res) => {
    const q = parseQuery(listQuery, req.query)
    if (q.region) {
      requireRegion(index, q.region, 'region')
      requireInScope(index, res, q.region, 'region')
    } else q.region = scopeOf(res)
    if (q.indicator && !index.indicator(q.indicator)) throw new ApiError(400, 'unknown_indicator', `unknown indicator ${q.indicator}`)
    if (q.domain && !index.catalog.indicators.some((i) => i.domain === q.domain)) throw new ApiError(400, 'bad_query', `unknown domain ${q.domain}`)
    res.setHeader('Cache-Control', 'no-store')
    res.json({ alerts: service.list(q) })
  })

  // Conditions holding but not yet long enough: what is about to fire.
  router.get('/alerts/pending', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    res.json({ pending: deps.engine.pending().filter((p) => inScope(index, res, p.region)) })
  })

  router.get('/alerts/:id', (req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    res.json(found(visible(res, req.params.id), req.params.id))
  })

  router.get('/alerts/:id/events', async (req, res) => {
    found(visible(res, req.params.id), req.params.id)
    res.setHeader('Cache-Control', 'no-store')
    res.json({ events: await service.history(req.params.id) })
  })

  const action = <S extends z.ZodType>(path: string, schema: S, run: (id: string, actor: string, body: z.output<S>) => Promise<unknown>) => {
    router.post(`/alerts/:id/${path}`, act, async (req: Request<{ id: string }>, res) => {
      const body = parseBody(schema, req.body)
      found(visible(res, req.params.id), req.params.id)
      res.json(await mapErrors(() => run(req.params.id, accountOf(res).name, body)))
    })
  }
  action('ack', ackBody, (id, actor, b) => service.acknowledge(id, actor, b.comment))
  action('assign', assignBody, (id, actor, b) => service.assign(id, actor, b.assignee))
  action('comment', commentBody, (id, actor, b) => service.comment(id, actor, b.text))
  action('resolve', resolveBody, (id, actor, b) => service.resolve(id, actor, b.comment))

  router.get('/silences', (req, res) => {
    const q = parseQuery(z.strictObject({ all: z.enum(['0', '1']).optional() }), req.query)
    res.setHeader('Cache-Control', 'no-store')
    const scope = scopeOf(res)
    // A silence without a region matcher reaches every region: only a province-wide account sees it.
    res.json({ silences: service.silences(q.all === '1').filter((s) => (s.matchers.region ? index.tree.isWithin(s.matchers.region, scope) : scope === index.tree.root.code)) })
  })

  router.post('/silences', act, async (req, res) => {
    const b = parseBody(silenceBody, req.body)
    if (b.matchers.region) {
      requireRegion(index, b.matchers.region, 'matchers.region')
      requireInScope(index, res, b.matchers.region, 'matchers.region')
    } else if (scopeOf(res) !== index.tree.root.code) {
      // Otherwise the silence would quiet other regions' alerts too.
      b.matchers.region = scopeOf(res)
    }
    if (b.matchers.indicator && !index.indicator(b.matchers.indicator)) throw new ApiError(400, 'unknown_indicator', `matchers.indicator: unknown indicator ${b.matchers.indicator}`)
    const startsAt = b.startsAt ?? deps.now()
    const endsAt = b.endsAt ?? startsAt + b.durationMinutes! * 60_000
    if (endsAt <= startsAt) throw new ApiError(400, 'bad_body', 'endsAt must be after startsAt')
    if (endsAt <= deps.now()) throw new ApiError(400, 'bad_body', 'endsAt is in the past: the silence would never be in force')
    res.status(201).json(await service.createSilence({ matchers: b.matchers, startsAt, endsAt, reason: b.reason }, accountOf(res).name))
  })

  router.post('/silences/:id/end', act, async (req: Request<{ id: string }>, res) => {
    parseBody(endBody, req.body)
    const silence = service.silences(true).find((s) => s.id === req.params.id)
    const scope = scopeOf(res)
    if (silence && !(silence.matchers.region ? index.tree.isWithin(silence.matchers.region, scope) : scope === index.tree.root.code))
      throw new ApiError(404, 'not_found', `no silence ${req.params.id}`)
    res.json(await mapErrors(() => service.endSilence(req.params.id, accountOf(res).name)))
  })

  return router
}

function found<T>(value: T | undefined, id: string): T {
  if (value === undefined) throw new ApiError(404, 'not_found', `no alert ${id}`)
  return value
}

async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof AlertError) throw new ApiError(err.code === 'not_found' ? 404 : 409, err.code, err.message)
    throw err
  }
}
