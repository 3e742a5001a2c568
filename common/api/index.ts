/**
 * One contract per HTTP route, shared by the server (which validates queries
 * and bodies with it and builds replies of its types) and the client (which
 * parses every reply with it). One module per router.
 */
export * from './alerts-api'
export * from './audit-api'
export * from './api-routes'
export * from './auth-api'
export * from './catalog-api'
export * from './dispatch-api'
export * from './error-reply'
export * from './freshness-api'
export * from './geo-api'
export * from './health-api'
export * from './ingest-api'
export * from './params'
export * from './query-api'
export * from './rules-api'
export * from './scorecard-api'
export * from './walls-api'
