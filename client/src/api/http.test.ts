import { afterEach, describe, expect, it, vi } from 'vitest'
import { seriesReplySchema } from '../../../common/api/query-api'
import { silenceReplySchema } from '../../../common/api/alerts-api'
import { ApiRequestError, getJson, postJson, prefetchJson, ReplyMismatchError } from './http'

const series = {
  indicator: 'env.aqi',
  region: '440100',
  step: '1m',
  from: 0,
  to: 240_000,
  partialFrom: null,
  points: [0, 1, 2, 3].map((i) => ({ ts: i * 60_000, value: 50 + i, min: 50, max: 60, count: 2 })),
}

function answer(status: number, body: unknown) {
  const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }))
  vi.stubGlobal('fetch', fetch)
  return fetch
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('getJson', () => {
  it('gives a reply that matches its schema, parsed', async () => {
    answer(200, series)
    await expect(getJson('/api/series?indicator=env.aqi&region=440100', seriesReplySchema)).resolves.toEqual(series)
  })

  it('answers once from a read made ahead of time for the same URL, then asks the server again', async () => {
    const url = '/api/series?indicator=env.aqi&region=440300'
    const fetch = answer(200, series)
    await prefetchJson(url)
    expect(fetch).toHaveBeenCalledTimes(1)
    await expect(getJson(url, seriesReplySchema)).resolves.toEqual(series)
    expect(fetch).toHaveBeenCalledTimes(1)
    await getJson(url, seriesReplySchema)
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('refuses a reply that does not match, naming the route and the field', async () => {
    const bad = { ...series, points: series.points.map((p, i) => (i === 3 ? { ...p, value: '53' } : p)) }
    answer(200, bad)
    const err = await getJson('/api/series?indicator=env.aqi&region=440100', seriesReplySchema).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ReplyMismatchError)
    expect((err as ReplyMismatchError).route).toBe('GET /api/series')
    expect((err as ReplyMismatchError).message).toMatch(/^GET \/api\/series: reply does not match: points\.3\.value: .*expected number/)
  })

  it('names a missing field, and says how many problems it leaves out', async () => {
    const { points: _points, step: _step, ...rest } = series
    answer(200, { ...rest, indicator: 1, region: 2 })
    const err = (await getJson('/api/series', seriesReplySchema).catch((e: unknown) => e)) as ReplyMismatchError
    expect(err.problems).toHaveLength(4)
    expect(err.message).toMatch(/: indicator: .*; region: .*; step: .* \(and 1 more\)$/)
  })

  it('calls a body that is not JSON a mismatch of the whole reply', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>', { status: 200 })))
    const err = (await getJson('/api/series', seriesReplySchema).catch((e: unknown) => e)) as ReplyMismatchError
    expect(err).toBeInstanceOf(ReplyMismatchError)
    expect(err.message).toMatch(/^GET \/api\/series: reply does not match: reply: /)
  })

  it("turns the server's error envelope into an ApiRequestError with its message", async () => {
    answer(404, { ok: false, error: { code: 'unknown_region', message: 'unknown region 449999 (region)' } })
    const err = (await getJson('/api/series', seriesReplySchema).catch((e: unknown) => e)) as ApiRequestError
    expect(err).toBeInstanceOf(ApiRequestError)
    expect([err.status, err.code, err.message]).toEqual([404, 'unknown_region', 'unknown region 449999 (region)'])
  })

  it('says only the status for an error reply that is not the envelope (a proxy)', async () => {
    answer(502, { message: 'bad gateway' })
    const err = (await getJson('/api/series', seriesReplySchema).catch((e: unknown) => e)) as ApiRequestError
    expect([err.status, err.code, err.message]).toEqual([502, 'http_error', 'HTTP 502'])
  })
})

describe('postJson', () => {
  const silence = { id: 's-1', matchers: { region: '440100' }, startsAt: 1, endsAt: 2, createdBy: 'duty', reason: 'works', createdAt: 1, endedAt: null, endedReason: null, silenced: [] }

  it('sends JSON and parses the reply', async () => {
    const fetch = answer(201, silence)
    await expect(postJson('/api/silences', { matchers: { region: '440100' }, durationMinutes: 60, reason: 'works' }, silenceReplySchema)).resolves.toEqual(silence)
    expect(fetch).toHaveBeenCalledWith('/api/silences', expect.objectContaining({ method: 'POST', body: JSON.stringify({ matchers: { region: '440100' }, durationMinutes: 60, reason: 'works' }) }))
  })

  it('refuses a reply that does not match, naming the route', async () => {
    answer(200, { ...silence, endedAt: 'soon' })
    await expect(postJson('/api/silences/s-1/end', {}, silenceReplySchema)).rejects.toThrow('POST /api/silences/s-1/end: reply does not match: endedAt: ')
  })
})
