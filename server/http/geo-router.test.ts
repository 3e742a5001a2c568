import express from 'express'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { contextReplySchema } from '../../common/api/geo-api'
import { errorReplySchema } from '../../common/api/error-reply'
import { testCatalog } from '../../test/fixtures/catalog'
import { account, signedInAs } from '../../test/fixtures/principals'
import { createLogger } from '../logger'
import { errorHandler } from './api-error'
import { GEO_CONTEXT_FILE, GEO_DIR, geoRouter } from './geo-router'

/** GET /api/geo/context: the land around the catalog's root, for the root's accounts only. */

const NEIGHBOUR = {
  type: 'Feature',
  properties: { code: '450000', name_zh: '广西', name_en: 'Guangxi' },
  geometry: { type: 'Polygon', coordinates: [[[110, 23], [111, 23], [111, 24], [110, 23]]] },
}

const servers: http.Server[] = []
const dirs: string[] = []

/** A server on a catalog directory holding `context` (or no context file), signed in as an account of `region`. */
async function serve(context: unknown, region = testCatalog().tree.root.code): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onescreen-geo-'))
  dirs.push(dir)
  fs.mkdirSync(path.join(dir, GEO_DIR))
  if (context !== undefined) fs.writeFileSync(path.join(dir, GEO_DIR, GEO_CONTEXT_FILE), typeof context === 'string' ? context : JSON.stringify(context))
  const app = express()
  app.use(signedInAs(account(region)))
  app.use('/api', geoRouter(testCatalog(), dir, createLogger('silent')))
  app.use(errorHandler(createLogger('silent')))
  const server = http.createServer(app)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

describe('GET /api/geo/context', () => {
  it('serves the context file to an account of the root, as GeoJSON the client contract parses', async () => {
    const url = await serve({ type: 'FeatureCollection', features: [NEIGHBOUR] })
    const res = await fetch(`${url}/api/geo/context`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/geo+json')
    const body = contextReplySchema.parse(await res.json())
    expect(body.features.map((f) => f.properties.code)).toEqual(['450000'])
  })

  it('gives an account below the root nothing around its region', async () => {
    const url = await serve({ type: 'FeatureCollection', features: [NEIGHBOUR] }, '990100')
    const body = contextReplySchema.parse(await (await fetch(`${url}/api/geo/context`)).json())
    expect(body.features).toEqual([])
  })

  it('answers 404 when the catalog ships no context, and 400 to a parameter', async () => {
    const url = await serve(undefined)
    const missing = await fetch(`${url}/api/geo/context`)
    expect(missing.status).toBe(404)
    expect(errorReplySchema.parse(await missing.json())).toMatchObject({ ok: false, error: { code: 'no_boundaries' } })
    const withParam = await fetch(`${url}/api/geo/context?parent=990100`)
    expect(withParam.status).toBe(400)
  })

  it('refuses a malformed context file as a broken deployment (500), without echoing it', async () => {
    const url = await serve({ type: 'FeatureCollection', features: [{ ...NEIGHBOUR, properties: { code: '450000' } }] })
    const res = await fetch(`${url}/api/geo/context`)
    expect(res.status).toBe(500)
    expect(JSON.stringify(await res.json())).not.toContain('name_zh')
  })

  it('still serves the levels: "context" is not taken for one', async () => {
    const url = await serve({ type: 'FeatureCollection', features: [NEIGHBOUR] })
    expect((await fetch(`${url}/api/geo/town`)).status).toBe(400)
  })
})
