import express, { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import {
  ALERT_ACTION_BODIES,
  alertListQuerySchema,
  createSilenceBodySchema,
  silencePreviewBodySchema,
  endSilenceBodySchema,
  silenceListQuerySchema,
  type AlertAction,
  type AlertEventsReply,
  type AlertListReply,
  type AlertReply,
  type PendingReply,
  type SilenceListReply,
  type SilenceReply,
} from '../../common/api/alerts-api'
import type { SilenceMatchers } from '../../common/alert-state'
import type { CatalogIndex } from '../../common/catalog-index'
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

/** Most alerts a preview lists: the list's own cap (GET /api/alerts answers 500 by default). */
const MAX_PREVIEW_ALERTS = 500

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
    const q = parseQuery(alertListQuerySchema, req.query)
    if (q.region) {
      requireRegion(index, q.region, 'region')
      requireInScope(index, res, q.region, 'region')
    } else q.region = scopeOf(res)
    if (q.indicator && !index.indicator(q.indicator)) throw new ApiError(400, 'unknown_indicator', `unknown indicator ${q.indicator}`)
    if (q.domain && !index.catalog.indicators.some((i) => i.domain === q.domain)) throw new ApiError(400, 'bad_query', `unknown domain ${q.domain}`)
    res.setHeader('Cache-Control', 'no-store')
    const body: AlertListReply = { alerts: service.list(q) }
    res.json(body)
  })

  // Conditions holding but not yet long enough: what is about to fire.
  router.get('/alerts/pending', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    const body: PendingReply = { pending: deps.engine.pending().filter((p) => inScope(index, res, p.region)) }
    res.json(body)
  })

  router.get('/alerts/:id', (req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    const body: AlertReply = found(visible(res, req.params.id), req.params.id)
    res.json(body)
  })

  router.get('/alerts/:id/events', async (req, res) => {
    found(visible(res, req.params.id), req.params.id)
    res.setHeader('Cache-Control', 'no-store')
    const body: AlertEventsReply = { events: await service.history(req.params.id) }
    res.json(body)
  })

  const action = <S extends z.ZodType>(path: AlertAction, schema: S, run: (id: string, actor: string, body: z.output<S>) => Promise<AlertReply>) => {
    router.post(`/alerts/:id/${path}`, act, async (req: Request<{ id: string }>, res) => {
      const body = parseBody(schema, req.body)
      found(visible(res, req.params.id), req.params.id)
      const reply: AlertReply = await mapErrors(() => run(req.params.id, accountOf(res).name, body))
      res.json(reply)
    })
  }
  action('ack', ALERT_ACTION_BODIES.ack, (id, actor, b) => service.acknowledge(id, actor, b.comment))
  action('assign', ALERT_ACTION_BODIES.assign, (id, actor, b) => service.assign(id, actor, b.assignee))
  action('comment', ALERT_ACTION_BODIES.comment, (id, actor, b) => service.comment(id, actor, b.text))
  action('resolve', ALERT_ACTION_BODIES.resolve, (id, actor, b) => service.resolve(id, actor, b.comment))

  router.get('/silences', (req, res) => {
    const q = parseQuery(silenceListQuerySchema, req.query)
    res.setHeader('Cache-Control', 'no-store')
    const scope = scopeOf(res)
    // A silence without a region matcher reaches every region: only a province-wide account sees it.
    const body: SilenceListReply = {
      silences: service.silences(q.all === '1').filter((s) => (s.matchers.region ? index.tree.isWithin(s.matchers.region, scope) : scope === index.tree.root.code)),
    }
    res.json(body)
  })

  /**
   * Matchers as the account may use them: a region within its subtree, and
   * for an account below the root a region always (without one the silence
   * would quiet other regions' alerts too).
   */
  const scopedMatchers = (res: Response, matchers: SilenceMatchers): SilenceMatchers => {
    const m = { ...matchers }
    if (m.region) {
      requireRegion(index, m.region, 'matchers.region')
      requireInScope(index, res, m.region, 'matchers.region')
    } else if (scopeOf(res) !== index.tree.root.code) m.region = scopeOf(res)
    if (m.indicator && !index.indicator(m.indicator)) throw new ApiError(400, 'unknown_indicator', `matchers.indicator: unknown indicator ${m.indicator}`)
    return m
  }

  // What a silence would cover now: the open alerts its matchers match, by the service's own test.
  router.post('/silences/preview', act, (req, res) => {
    const b = parseBody(silencePreviewBodySchema, req.body)
    res.setHeader('Cache-Control', 'no-store')
    const body: AlertListReply = { alerts: service.covered(scopedMatchers(res, b.matchers)).slice(0, MAX_PREVIEW_ALERTS) }
    res.json(body)
  })

  router.post('/silences', act, async (req, res) => {
    const b = parseBody(createSilenceBodySchema, req.body)
    b.matchers = scopedMatchers(res, b.matchers)
    const startsAt = b.startsAt ?? deps.now()
    const endsAt = b.endsAt ?? startsAt + b.durationMinutes! * 60_000
    if (endsAt <= startsAt) throw new ApiError(400, 'bad_body', 'endsAt must be after startsAt')
    if (endsAt <= deps.now()) throw new ApiError(400, 'bad_body', 'endsAt is in the past: the silence would never be in force')
    const body: SilenceReply = await service.createSilence({ matchers: b.matchers, startsAt, endsAt, reason: b.reason }, accountOf(res).name)
    res.status(201).json(body)
  })

  router.post('/silences/:id/end', act, async (req: Request<{ id: string }>, res) => {
    parseBody(endSilenceBodySchema, req.body)
    const silence = service.silences(true).find((s) => s.id === req.params.id)
    const scope = scopeOf(res)
    if (silence && !(silence.matchers.region ? index.tree.isWithin(silence.matchers.region, scope) : scope === index.tree.root.code))
      throw new ApiError(404, 'not_found', `no silence ${req.params.id}`)
    const body: SilenceReply = await mapErrors(() => service.endSilence(req.params.id, accountOf(res).name))
    res.json(body)
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
