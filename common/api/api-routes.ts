import type { z } from 'zod'
import {
  alertEventsReplySchema,
  alertListReplySchema,
  alertReplySchema,
  pendingReplySchema,
  silenceListReplySchema,
  silenceReplySchema,
} from './alerts-api'
import { accountListReplySchema, accountReplySchema, createKeyReplySchema, doneReplySchema, keyListReplySchema, keyReplySchema, loginReplySchema, meReplySchema } from './auth-api'
import { catalogReplySchema } from './catalog-api'
import { freshnessReplySchema } from './freshness-api'
import { contextReplySchema, geoReplySchema, regionsReplySchema } from './geo-api'
import { healthReplySchema } from './health-api'
import { ingestReplySchema } from './ingest-api'
import { changesReplySchema, rankingReplySchema, seriesReplySchema, snapshotReplySchema } from './query-api'
import { backtestReplySchema, deleteRuleReplySchema, patchRuleReplySchema, putRuleReplySchema, ruleHistoryReplySchema, ruleListReplySchema, ruleReplySchema } from './rules-api'
import { scorecardReplySchema } from './scorecard-api'
import { auditReplySchema } from './audit-api'
import { caseDetailReplySchema, caseListReplySchema, caseReplySchema, dispatchReplySchema, feedbackViewReplySchema, departmentListReplySchema, departmentReplySchema, routeReplySchema, routingReplySchema } from './dispatch-api'
import { documentHistoryReplySchema, playlistListReplySchema, playlistReplySchema, wallListReplySchema, wallReplySchema } from './walls-api'

/**
 * Every route's success reply, by method and path (`:name` a path
 * parameter): the list a test walks to hold the server's real replies to
 * their contracts, and the one place that says which schema answers which
 * route. GET /api/series?format=csv answers text, not this JSON.
 */
export const API_REPLIES = {
  'GET /api/series': seriesReplySchema,
  'GET /api/snapshot': snapshotReplySchema,
  'GET /api/ranking': rankingReplySchema,
  'GET /api/changes': changesReplySchema,

  'GET /api/alerts': alertListReplySchema,
  'GET /api/alerts/pending': pendingReplySchema,
  'GET /api/alerts/:id': alertReplySchema,
  'GET /api/alerts/:id/events': alertEventsReplySchema,
  'POST /api/alerts/:id/ack': alertReplySchema,
  'POST /api/alerts/:id/assign': alertReplySchema,
  'POST /api/alerts/:id/comment': alertReplySchema,
  'POST /api/alerts/:id/resolve': alertReplySchema,
  'GET /api/silences': silenceListReplySchema,
  'POST /api/silences': silenceReplySchema,
  'POST /api/silences/:id/end': silenceReplySchema,
  'POST /api/silences/preview': alertListReplySchema,
  'GET /api/audit': auditReplySchema,

  'GET /api/walls': wallListReplySchema,
  'GET /api/walls/:id': wallReplySchema,
  'PUT /api/walls/:id': wallReplySchema,
  'GET /api/walls/:id/history': documentHistoryReplySchema,
  'GET /api/playlists': playlistListReplySchema,
  'GET /api/playlists/:id': playlistReplySchema,
  'PUT /api/playlists/:id': playlistReplySchema,
  'GET /api/playlists/:id/history': documentHistoryReplySchema,

  'GET /api/departments': departmentListReplySchema,
  'GET /api/departments/:code': departmentReplySchema,
  'PUT /api/departments/:code': departmentReplySchema,
  'GET /api/routing': routingReplySchema,
  'PUT /api/routing': routingReplySchema,
  'GET /api/alerts/:id/route': routeReplySchema,
  'POST /api/alerts/:id/dispatch': dispatchReplySchema,
  'GET /api/feedback': feedbackViewReplySchema,
  'POST /api/cases/:id/feedback': caseReplySchema,
  'GET /api/cases': caseListReplySchema,
  'GET /api/cases/:id': caseDetailReplySchema,
  'POST /api/cases/:id/verify': caseReplySchema,

  'GET /api/rules': ruleListReplySchema,
  'GET /api/rules/:id': ruleReplySchema,
  'GET /api/rules/:id/history': ruleHistoryReplySchema,
  'POST /api/rules/backtest': backtestReplySchema,
  'PUT /api/rules/:id': putRuleReplySchema,
  'PATCH /api/rules/:id': patchRuleReplySchema,
  'DELETE /api/rules/:id': deleteRuleReplySchema,

  'POST /api/login': loginReplySchema,
  'POST /api/logout': doneReplySchema,
  'GET /api/me': meReplySchema,
  'POST /api/me/password': doneReplySchema,
  'GET /api/users': accountListReplySchema,
  'POST /api/users': accountReplySchema,
  'PATCH /api/users/:name': accountReplySchema,
  'GET /api/keys': keyListReplySchema,
  'POST /api/keys': createKeyReplySchema,
  'POST /api/keys/:id/revoke': keyReplySchema,

  'GET /api/catalog': catalogReplySchema,
  'GET /api/regions': regionsReplySchema,
  'GET /api/geo/context': contextReplySchema,
  'GET /api/geo/:level': geoReplySchema,
  'GET /api/scorecard': scorecardReplySchema,
  'GET /api/freshness': freshnessReplySchema,
  'GET /api/health': healthReplySchema,
  'POST /api/ingest': ingestReplySchema,
} as const satisfies Record<string, z.ZodType>

export type ApiRoute = keyof typeof API_REPLIES

/**
 * The route a request is for: `GET /api/alerts/a-1/events` is
 * `GET /api/alerts/:id/events`. A literal segment wins over a parameter
 * (`/api/alerts/pending` is not `/api/alerts/:id`).
 */
export function apiRouteOf(method: string, url: string): ApiRoute | undefined {
  const segments = url.split('?')[0]!.split('/')
  let best: { route: ApiRoute; literals: number } | undefined
  for (const route of Object.keys(API_REPLIES) as ApiRoute[]) {
    const [m, path] = route.split(' ') as [string, string]
    const pattern = path.split('/')
    if (m !== method.toUpperCase() || pattern.length !== segments.length) continue
    if (!pattern.every((p, i) => p.startsWith(':') || p === segments[i])) continue
    const literals = pattern.filter((p) => !p.startsWith(':')).length
    if (!best || literals > best.literals) best = { route, literals }
  }
  return best?.route
}
