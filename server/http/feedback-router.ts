import express, { Router } from 'express'
import { feedbackBodySchema, type FeedbackViewReply } from '../../common/api/dispatch-api'
import type { CatalogIndex } from '../../common/catalog-index'
import type { AlertService } from '../alerting/alert-service'
import { CaseError, type CaseService } from '../dispatch/case-service'
import type { CaseLinks } from '../dispatch/case-links'
import type { Departments } from '../dispatch/departments'
import { ApiError } from './api-error'
import { parseBody } from './parse-body'
import { perMinute } from './rate-limit'

/**
 * A department's answer without an account, through its signed link
 * (server/dispatch/case-links.ts): what the case is about, and accepting it
 * and reporting what was done. The token travels in a header (reading) or
 * the body (answering), never in an API URL, so request logs do not hold it.
 * Public routes: limited per address, and the token allows its case alone.
 */

export const CASE_TOKEN_HEADER = 'x-case-token'
const json = express.json({ limit: 16 * 1024 })

export interface FeedbackDeps {
  index: CatalogIndex
  links: CaseLinks
  cases: CaseService
  departments: Departments
  alerts: Pick<AlertService, 'get'>
  now(): number
}

export function feedbackRouter({ index, links, cases, departments, alerts, now }: FeedbackDeps): Router {
  const router = Router()
  const limit = perMinute(60, 'rate_limited', 'more than 60 answers a minute from this address; wait a minute')

  /** The case a token allows, open; a refusal says why in words its holder can act on. */
  const caseOf = (token: unknown, id?: string) => {
    if (typeof token !== 'string' || token === '') throw new ApiError(401, 'no_token', 'this page needs the link the case was sent with')
    const checked = links.verify(token, now())
    if (!checked.ok) throw new ApiError(403, checked.reason === 'the link has expired' ? 'link_expired' : 'link_invalid', checked.reason)
    if (id !== undefined && checked.claims.caseId !== id) throw new ApiError(403, 'link_other_case', 'the link is for another case')
    const c = cases.get(checked.claims.caseId)
    if (!c) throw new ApiError(404, 'unknown_case', 'the case is not known here')
    if (c.state === 'closed') throw new ApiError(403, 'link_closed', 'the case is closed; this link no longer works')
    return { c, expiresAt: checked.claims.expiresAt }
  }

  router.get('/feedback', limit, (req, res) => {
    const { c, expiresAt } = caseOf(req.headers[CASE_TOKEN_HEADER])
    const alert = alerts.get(c.alertId)
    const department = departments.get(c.department)
    const body: FeedbackViewReply = {
      case: c,
      expiresAt,
      department: department?.name ?? { zh: c.department, en: c.department },
      place: index.tree.lineage(alert?.region ?? c.region).reverse().map((r) => r.name),
      station: alert?.station ? (index.station(alert.station)?.name ?? { zh: alert.station, en: alert.station }) : null,
      indicator: index.indicator(c.indicator)?.name ?? { zh: c.indicator, en: c.indicator },
      unit: index.indicator(c.indicator)?.unit ?? { zh: '', en: '' },
      message: alert?.message ?? null,
      value: alert?.value ?? null,
      threshold: typeof alert?.detail.threshold === 'number' ? alert.detail.threshold : null,
      events: cases.eventsOf(c.id).map((e) => ({ type: e.type, at: e.at, text: e.text })),
    }
    res.setHeader('Cache-Control', 'no-store')
    res.json(body)
  })

  router.post('/cases/:id/feedback', limit, json, async (req, res) => {
    const body = parseBody(feedbackBodySchema, req.body)
    const { c } = caseOf(body.token, String(req.params.id))
    try {
      const done = await cases.act(c.id, body.action === 'accept' ? 'accepted' : 'reported', `department:${c.department}`, body.text)
      res.json(done)
    } catch (err) {
      if (err instanceof CaseError) throw new ApiError(409, 'conflict', err.message)
      throw err
    }
  })

  return router
}
