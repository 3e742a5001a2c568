import { describe, expect, it } from 'vitest'
import { apiRouteOf } from './api-routes'

describe('apiRouteOf', () => {
  it.each([
    ['GET', '/api/series?indicator=env.aqi&region=440100', 'GET /api/series'],
    ['GET', '/api/alerts/pending', 'GET /api/alerts/pending'],
    ['GET', '/api/alerts/a-1', 'GET /api/alerts/:id'],
    ['GET', '/api/alerts/a-1/events', 'GET /api/alerts/:id/events'],
    ['post', '/api/alerts/a-1/ack', 'POST /api/alerts/:id/ack'],
    ['GET', '/api/geo/county?parent=440100', 'GET /api/geo/:level'],
    ['DELETE', '/api/rules/r-1', 'DELETE /api/rules/:id'],
  ])('%s %s is %s', (method, url, route) => {
    expect(apiRouteOf(method, url)).toBe(route)
  })

  it.each([
    ['GET', '/api/nothing'],
    ['DELETE', '/api/alerts/a-1'],
    ['GET', '/api/alerts/a-1/events/more'],
  ])('%s %s is no route', (method, url) => {
    expect(apiRouteOf(method, url)).toBeUndefined()
  })
})
