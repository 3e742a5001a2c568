import express, { Router, type Request } from 'express'
import { z } from 'zod'
import type { CatalogIndex } from '../../common/catalog-index'
import { SEVERITIES } from '../../common/rule-schema'
import { AlertError, type AlertService } from '../alerting/alert-service'
import type { RuleEngine } from '../alerting/rule-engine'
import { ApiError } from './api-error'
import { parseQuery, requireRegion } from './query-router'

/**
 * The duty officer's API: list and filter alerts, read one and its history,
 * act on it (acknowledge, assign, comment, resolve), and manage silences.
 * Every action is one event in the alert log, pushed to the screens.
 *
 * `actor` names who acts. Until accounts exist it comes in the body; with
 * accounts it will be the signed-in user, and a body `actor` will be refused.
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

const actor = z.string({ error: 'actor is required (who acts)' }).trim().min(1, 'actor is required (who acts)').max(64, 'actor must be at most 64 characters')
const note = z.string().trim().min(1).max(2000, 'a comment must be at most 2000 characters')

const ackBody = z.strictObject({ actor, comment: note.optional() })
const assignBody = z.strictObject({ actor, assignee: z.string().trim().min(1, 'assignee is required').max(64) })
const commentBody = z.strictObject({ actor, text: note })
const resolveBody = z.strictObject({ actor, comment: note.optional() })

const silenceBody = z
  .strictObject({
    actor,
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

const endBody = z.strictObject({ actor })

export function alertsRouter(deps: { service: AlertService; engine: RuleEngine; index: CatalogIndex; now: () => number }): Router {
  const { service, index } = deps
  const router = Router()
  router.use(['/alerts', '/silences'], express.json({ limit: '16kb' }))

  router.get('/alerts', (req, res) => {
    const q = parseQuery(listQuery, req.query)
    if (q.region) requireRegion(index, q.region, 'region')
    if (q.indicator && !index.indicator(q.indicator)) throw new ApiError(400, 'unknown_indicator', `unknown indicator ${q.indicator}`)
    if (q.domain && !index.catalog.indicators.some((i) => i.domain === q.domain)) throw new ApiError(400, 'bad_query', `unknown domain ${q.domain}`)
    res.setHeader('Cache-Control', 'no-store')
    res.json({ alerts: service.list(q) })
  })

  // Conditions holding but not yet long enough: what is about to fire.
  router.get('/alerts/pending', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    res.json({ pending: deps.engine.pending() })
  })

  router.get('/alerts/:id', (req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    res.json(found(service.get(req.params.id), req.params.id))
  })

  router.get('/alerts/:id/events', async (req, res) => {
    found(service.get(req.params.id), req.params.id)
    res.setHeader('Cache-Control', 'no-store')
    res.json({ events: await service.history(req.params.id) })
  })

  const action = <S extends z.ZodType>(path: string, schema: S, act: (id: string, body: z.output<S>) => Promise<unknown>) => {
    router.post(`/alerts/:id/${path}`, async (req: Request<{ id: string }>, res) => {
      const body = parseBody(schema, req.body)
      res.json(await mapErrors(() => act(req.params.id, body)))
    })
  }
  action('ack', ackBody, (id, b) => service.acknowledge(id, b.actor, b.comment))
  action('assign', assignBody, (id, b) => service.assign(id, b.actor, b.assignee))
  action('comment', commentBody, (id, b) => service.comment(id, b.actor, b.text))
  action('resolve', resolveBody, (id, b) => service.resolve(id, b.actor, b.comment))

  router.get('/silences', (req, res) => {
    const q = parseQuery(z.strictObject({ all: z.enum(['0', '1']).optional() }), req.query)
    res.setHeader('Cache-Control', 'no-store')
    res.json({ silences: service.silences(q.all === '1') })
  })

  router.post('/silences', async (req, res) => {
    const b = parseBody(silenceBody, req.body)
    if (b.matchers.region) requireRegion(index, b.matchers.region, 'matchers.region')
    if (b.matchers.indicator && !index.indicator(b.matchers.indicator)) throw new ApiError(400, 'unknown_indicator', `matchers.indicator: unknown indicator ${b.matchers.indicator}`)
    const startsAt = b.startsAt ?? deps.now()
    const endsAt = b.endsAt ?? startsAt + b.durationMinutes! * 60_000
    if (endsAt <= startsAt) throw new ApiError(400, 'bad_body', 'endsAt must be after startsAt')
    if (endsAt <= deps.now()) throw new ApiError(400, 'bad_body', 'endsAt is in the past: the silence would never be in force')
    res.status(201).json(await service.createSilence({ matchers: b.matchers, startsAt, endsAt, reason: b.reason }, b.actor))
  })

  router.post('/silences/:id/end', async (req: Request<{ id: string }>, res) => {
    const b = parseBody(endBody, req.body)
    res.json(await mapErrors(() => service.endSilence(req.params.id, b.actor)))
  })

  return router
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {})
  if (parsed.success) return parsed.data
  const message = parsed.error.issues
    .slice(0, 5)
    .map((i) => (i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` : `${i.path.join('.') || 'body'}: ${i.message}`))
    .join('; ')
  throw new ApiError(400, 'bad_body', message)
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
