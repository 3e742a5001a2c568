import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DocumentHistoryReply, PlaylistListReply, WallListReply, WallReply } from '../../common/api/walls-api'
import type { Role } from '../../common/auth'
import type { Wall } from '../../common/wall-schema'
import { writeTestCatalogDir } from '../fixtures/catalog-dir'
import { sampleWall } from '../fixtures/walls'
import { startTestServer, tempDir, type TestServer } from './harness'

/**
 * Walls and playlists as data against the real engine: provisioned from the
 * catalog's walls/ and playlists/ on a first start, region-scoped reads,
 * saves checked against the catalog and the editor's region (each problem
 * naming its field), optimistic concurrency (409 with the newer version),
 * history, and a restart that keeps every change and provisions nothing
 * deleted again. A catalog that loses what a wall uses stops the start.
 */

let dataDir: string
let catalogDir: string
let server: TestServer | undefined

type Who = Role | { name: string; role: Role; region?: string }
const provinceAdmin: Who = { name: 'wadmin', role: 'admin' }
const jiaAdmin: Who = { name: 'jiaadmin', role: 'admin', region: '990100' }
const yiViewer: Who = { name: 'yiviewer', role: 'leader', region: '990200' }

interface Reply<T> {
  status: number
  body: T
}
interface ErrorBody {
  error: { code: string; message: string; details?: { problems?: Array<{ path: Array<string | number>; message: string; code?: string; params?: unknown }>; current?: WallReply | null; playlists?: string[] } }
}

async function call<T = unknown>(method: string, p: string, body?: unknown, who: Who = provinceAdmin): Promise<Reply<T>> {
  const init: RequestInit = { method }
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    init.headers = { 'content-type': 'application/json' }
  }
  const res = await server!.fetch(p, init, who)
  return { status: res.status, body: (await res.json()) as T }
}

const yiWall = (): Wall => ({ ...sampleWall('eco-traffic'), id: 'yi-city', title: { zh: '乙市大屏', en: 'Yi wall' }, root: '990200' })

beforeAll(async () => {
  dataDir = tempDir('walls-data')
  catalogDir = writeTestCatalogDir()
  fs.cpSync(path.resolve(import.meta.dirname, '../../sample-data/playlists'), path.join(catalogDir, 'playlists'), { recursive: true })
  server = await startTestServer({ DATA_DIR: dataDir, CATALOG_DIR: catalogDir })
})

afterAll(async () => {
  await server?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
  fs.rmSync(catalogDir, { recursive: true, force: true })
})

describe('walls as data', () => {
  it('provisions the catalog’s walls and playlists on a first start, signed by provisioning', async () => {
    const list = await call<WallListReply>('GET', '/api/walls', undefined, 'leader')
    expect(list.status).toBe(200)
    expect(list.body.walls.map((w) => w.id)).toEqual(['default', 'eco-traffic'])
    expect(list.body.default).toBe('default')
    expect(list.body.walls[0]).toMatchObject({ root: null, columns: ['business', 'poverty', 'environment', 'traffic'], version: 1, updatedBy: 'provisioning' })
    const wall = await call<WallReply>('GET', '/api/walls/default', undefined, 'leader')
    expect(wall.body.definition).toEqual(sampleWall())
    const playlists = await call<PlaylistListReply>('GET', '/api/playlists', undefined, 'leader')
    expect(playlists.body.playlists.map((p) => [p.id, p.walls])).toEqual([['briefing', ['default', 'eco-traffic']]])
  })

  it('refuses a wall that refers to what the catalog lacks, naming each field', async () => {
    const bad = sampleWall()
    bad.id = 'bad'
    bad.columns[0]!.kpis[1] = 'biz.nope'
    bad.map.indicator = 'env.nope'
    const reply = await call<ErrorBody>('PUT', '/api/walls/bad', { definition: bad })
    expect(reply.status).toBe(400)
    expect(reply.body.error.code).toBe('invalid_definition')
    expect(reply.body.error.details!.problems).toEqual([
      { path: ['columns', 0, 'kpis', 1], message: 'biz.nope is not in the indicator catalog', code: 'unknown_indicator', params: { code: 'biz.nope' } },
      { path: ['map', 'indicator'], message: 'env.nope is not in the indicator catalog', code: 'unknown_indicator', params: { code: 'env.nope' } },
    ])
    expect(reply.body.error.message).toBe('columns.0.kpis.1: biz.nope is not in the indicator catalog; map.indicator: env.nope is not in the indicator catalog')
    // A shape problem names its field the same way; an unknown field is said.
    const shape = await call<ErrorBody>('PUT', '/api/walls/bad', { definition: { ...sampleWall(), id: 'bad', colour: 'red', tour: { dwellSeconds: 2 } } })
    expect(shape.status).toBe(400)
    expect(shape.body.error.details!.problems).toEqual(
      expect.arrayContaining([
        { path: ['colour'], message: 'unknown field', code: 'unknown_field' },
        expect.objectContaining({ path: ['tour', 'dwellSeconds'], code: 'too_small', params: { minimum: 5 } }),
      ]),
    )
    const body = await call<ErrorBody>('PUT', '/api/walls/bad', { wall: sampleWall() })
    expect(body.status).toBe(400)
    expect(body.body.error.message).toMatch(/wall: unknown field/)
    expect((await call('GET', '/api/walls/bad')).status).toBe(404)
  })

  it('keeps walls within the editor’s region, and shows each account the walls of its region', async () => {
    // A city admin cannot root a wall in another city.
    const outside = await call<ErrorBody>('PUT', '/api/walls/yi-city', { definition: yiWall() }, jiaAdmin)
    expect(outside.status).toBe(400)
    expect(outside.body.error.details!.problems).toEqual([{ path: ['root'], message: '990200 lies outside your region 990100', code: 'outside_scope', params: { code: '990200', scope: '990100' } }])
    // The province admin can; Yi's accounts then open on it, Jia's do not see it at all.
    const created = await call<WallReply>('PUT', '/api/walls/yi-city', { definition: yiWall() })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ version: 1, updatedBy: 'wadmin' })
    const yi = await call<WallListReply>('GET', '/api/walls', undefined, yiViewer)
    expect(yi.body.default).toBe('yi-city')
    const jia = await call<WallListReply>('GET', '/api/walls', undefined, jiaAdmin)
    expect(jia.body.walls.map((w) => w.id)).not.toContain('yi-city')
    expect(jia.body.default).toBe('default')
    expect((await call<ErrorBody>('GET', '/api/walls/yi-city', undefined, jiaAdmin)).status).toBe(404)
    expect((await call<ErrorBody>('GET', '/api/walls/yi-city/history', undefined, jiaAdmin)).status).toBe(404)
    // Nor may Jia's admin overwrite or delete it.
    expect((await call<ErrorBody>('PUT', '/api/walls/yi-city', { definition: { ...yiWall(), root: '990100' }, version: 1 }, jiaAdmin)).status).toBe(403)
    expect((await call<ErrorBody>('DELETE', '/api/walls/yi-city?version=1', undefined, jiaAdmin)).status).toBe(404)
    // A playlist with a wall outside the editor's region is refused, naming the entry.
    const playlist = await call<ErrorBody>('PUT', '/api/playlists/jia', { definition: { id: 'jia', title: { zh: '甲', en: 'Jia' }, entries: [{ wall: 'default', dwellSeconds: 60 }, { wall: 'yi-city', dwellSeconds: 60 }] } }, jiaAdmin)
    expect(playlist.status).toBe(400)
    expect(playlist.body.error.details!.problems).toMatchObject([{ path: ['entries', 1, 'wall'], message: 'wall yi-city lies outside your region 990100', code: 'wall_outside_scope' }])
  })

  it('only admins change walls', async () => {
    const leader = await call<ErrorBody>('PUT', '/api/walls/x', { definition: { ...sampleWall(), id: 'x' } }, 'leader')
    expect(leader.status).toBe(403)
    expect(leader.body.error.message).toMatch(/may not change walls or playlists/)
    expect((await call<ErrorBody>('DELETE', '/api/walls/default', undefined, 'duty')).status).toBe(403)
  })

  it('refuses a save on top of a stale version with 409 and the newer version to merge from', async () => {
    const base = (await call<WallReply>('GET', '/api/walls/eco-traffic')).body
    const alice = { ...base.definition, title: { zh: '爱丽丝改', en: 'Alice edit' } }
    const bob = { ...base.definition, title: { zh: '鲍勃改', en: 'Bob edit' } }
    const first = await call<WallReply>('PUT', '/api/walls/eco-traffic', { definition: alice, version: base.version }, { name: 'alice', role: 'admin' })
    expect(first.status).toBe(200)
    expect(first.body.version).toBe(base.version + 1)
    const second = await call<ErrorBody>('PUT', '/api/walls/eco-traffic', { definition: bob, version: base.version }, { name: 'bob', role: 'admin' })
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('conflict')
    expect(second.body.error.details!.current).toMatchObject({ version: base.version + 1, updatedBy: 'alice', definition: { title: { zh: '爱丽丝改' } } })
    // Bob merges onto Alice's version and saves.
    const merged = await call<WallReply>('PUT', '/api/walls/eco-traffic', { definition: bob, version: base.version + 1 }, { name: 'bob', role: 'admin' })
    expect(merged.status).toBe(200)
    // Saving without a version over an existing wall is a conflict too: no blind overwrite.
    expect((await call<ErrorBody>('PUT', '/api/walls/eco-traffic', { definition: bob })).status).toBe(409)
    const history = await call<DocumentHistoryReply>('GET', '/api/walls/eco-traffic/history')
    expect(history.body.changes.map((c) => [c.action, c.actor])).toEqual([
      ['updated', 'bob'],
      ['updated', 'alice'],
      ['created', 'provisioning'],
    ])
    expect(history.body.changes[0]).toMatchObject({ before: { title: { zh: '爱丽丝改' } }, after: { title: { zh: '鲍勃改' } } })
  })

  it('refuses deleting a wall a playlist shows, naming the playlist; a stale delete is a 409', async () => {
    const inUse = await call<ErrorBody>('DELETE', '/api/walls/eco-traffic')
    expect(inUse.status).toBe(409)
    expect(inUse.body.error).toMatchObject({ code: 'in_use', details: { playlists: ['briefing'] } })
    const stale = await call<ErrorBody>('DELETE', '/api/walls/yi-city?version=7')
    expect(stale.status).toBe(409)
    const removed = await call<{ deleted: boolean; version: number }>('DELETE', '/api/walls/yi-city?version=1')
    expect(removed).toEqual({ status: 200, body: { id: 'yi-city', deleted: true, version: 2 } })
    expect((await call('GET', '/api/walls/yi-city')).status).toBe(404)
  })

  it('keeps every change across a restart, and does not provision a deleted wall again', async () => {
    expect((await call('DELETE', '/api/playlists/briefing')).status).toBe(200)
    expect((await call('DELETE', '/api/walls/eco-traffic')).status).toBe(200)
    const before = (await call<WallListReply>('GET', '/api/walls')).body
    await server!.stop()
    server = await startTestServer({ DATA_DIR: dataDir, CATALOG_DIR: catalogDir })
    const after = (await call<WallListReply>('GET', '/api/walls')).body
    expect(after).toEqual(before)
    expect(after.walls.map((w) => w.id)).toEqual(['default'])
    expect((await call<PlaylistListReply>('GET', '/api/playlists')).body.playlists).toEqual([])
  })

  it('stops a start whose catalog lost an indicator a wall uses, naming the wall and the field', async () => {
    await server!.stop()
    server = undefined
    const file = path.join(catalogDir, 'indicators.json')
    const catalog = JSON.parse(fs.readFileSync(file, 'utf8')) as { indicators: Array<{ code: string }> }
    fs.writeFileSync(file, JSON.stringify({ indicators: catalog.indicators.filter((i) => i.code !== 'biz.satisfaction') }))
    // The scorecard weighs it too, and would stop the start first; it is optional.
    fs.rmSync(path.join(catalogDir, 'scorecard.json'))
    await expect(startTestServer({ DATA_DIR: dataDir, CATALOG_DIR: catalogDir })).rejects.toThrow(
      /indicator biz\.satisfaction is used by wall default \(columns\[0\]\.kpis\[2\]\)/,
    )
  })
})
