import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectReplyMatchesContract } from '../fixtures/reply-contract'
import { ndjson, postIngest, startTestServer, type TestServer } from './harness'

/**
 * What operators look at: Prometheus metrics, request ids in replies and logs,
 * and feed freshness — on the real server, with a clock the test moves.
 */

let server: TestServer
let clock = Date.now()

beforeAll(async () => {
  server = await startTestServer({ TICK_MS: '100' }, { now: () => clock })
})
afterAll(async () => {
  await server?.stop()
})

async function metrics(): Promise<{ text: string; value: (name: string) => number }> {
  // Prometheus scrapes with an admin's token.
  const res = await server.fetch('/metrics')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
  const text = await res.text()
  return {
    text,
    value: (name: string) => {
      const m = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)
      if (!m) throw new Error(`metric ${name} not in:\n${text.slice(0, 2000)}`)
      return Number(m[1])
    },
  }
}

const aqi = (value: unknown, ts = clock - 1000) => ({ ts, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value })

describe('GET /metrics', () => {
  it('is for admins only', async () => {
    const anonymous = await fetch(`${server.url}/metrics`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    const leader = await server.fetch('/metrics', {}, 'leader')
    expect(leader.status).toBe(403)
    expect(await leader.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })

  it('counts accepted and rejected points, inserts, ticks, sockets, rooms and open alerts', async () => {
    const before = await metrics()
    const res = await postIngest(server.url, ndjson([aqi(50), aqi(51, clock - 500), aqi('loud')]))
    expect(res.body).toMatchObject({ accepted: 2, rejected: 1 })
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token: await server.token() } })
    await new Promise<void>((resolve) => socket.emit('subscribe', { region: '990100' }, () => resolve()))
    await server.alertLog.append({
      alertId: 'ops-1',
      type: 'raised',
      at: clock,
      region: '990101',
      indicator: 'env.aqi',
      station: '',
      actor: 'system',
      data: { ruleId: 'ops', severity: 'warning', value: 1, message: { zh: '运维', en: 'ops' } },
    })
    await new Promise((r) => setTimeout(r, 300)) // a few ticks
    const after = await metrics()
    expect(after.value('onescreen_points_accepted_total') - before.value('onescreen_points_accepted_total')).toBe(2)
    expect(after.value('onescreen_points_rejected_total') - before.value('onescreen_points_rejected_total')).toBe(1)
    expect(after.value('onescreen_insert_duration_seconds_count{outcome="ok"}')).toBeGreaterThan(before.text.includes('outcome="ok"') ? before.value('onescreen_insert_duration_seconds_count{outcome="ok"}') : 0)
    expect(after.value('onescreen_tick_duration_seconds_count')).toBeGreaterThan(before.value('onescreen_tick_duration_seconds_count'))
    expect(after.value('onescreen_ingest_queue_rows')).toBe(0)
    expect(after.value('onescreen_sockets')).toBe(1)
    expect(after.value('onescreen_rooms')).toBe(1)
    expect(after.value('onescreen_alerts_open')).toBe(1)
    await server.alertLog.append({ alertId: 'ops-1', type: 'resolved', at: clock, region: '990101', indicator: 'env.aqi', station: '', actor: 'system', data: { auto: true } })
    socket.disconnect()
    await new Promise((r) => setTimeout(r, 100))
    const last = await metrics()
    expect(last.value('onescreen_alerts_open')).toBe(0)
    expect(last.value('onescreen_sockets')).toBe(0)
    expect(last.value('onescreen_rooms')).toBe(0)
    expect(last.text).toMatch(/^onescreen_process_resident_memory_bytes \d+/m)
    // The work queues that keep one client from stalling the others (query-gate.ts, HASH_GATE).
    for (const queue of ['query_gate', 'password_hashing'])
      for (const figure of ['running', 'queued', 'refused_total']) expect(last.text).toMatch(new RegExp(`^onescreen_${queue}_${figure} \\d+`, 'm'))
    expect(last.value('onescreen_connections_open')).toBeGreaterThan(0)
    for (const name of ['connections_refused_per_address_total', 'connections_refused_total_cap_total', 'sockets_refused_per_address_total', 'sockets_refused_unauthenticated_total'])
      expect(last.text).toMatch(new RegExp(`^onescreen_${name} \\d+`, 'm'))
  })
})

describe('request ids', () => {
  it('gives every reply an id, and keeps a sane one the client sent', async () => {
    const mine = await fetch(`${server.url}/api/health`, { headers: { 'x-request-id': 'wall-7.tick_42' } })
    expect(mine.headers.get('x-request-id')).toBe('wall-7.tick_42')
    const generated = await server.fetch('/api/nothing-here')
    expect(generated.status).toBe(404)
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    // Refused before routing, and still with an id.
    const anonymous = await fetch(`${server.url}/api/nothing-here`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } })
    expect(anonymous.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    // Not an id: replaced rather than echoed into logs.
    const odd = await fetch(`${server.url}/api/health`, { headers: { 'x-request-id': 'a b<script>' } })
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('GET /api/freshness', () => {
  interface Report {
    staleAfterCadences: number
    indicators: Array<{ indicator: string; stale: boolean; cadenceSeconds: number; lastTs: number | null; sources: Array<{ source: string; stale: boolean; points: number; ageSeconds: number }> }>
  }
  const read = async (query = '') => {
    const res = await server.fetch(`/api/freshness${query}`)
    // Every reply read here is also held to its route's contract (common/api).
    const body = expectReplyMatchesContract('GET', `/api/freshness${query}`, res.status, await res.json())
    return { status: res.status, body: body as Report & { error?: { message: string } } }
  }

  it('says per indicator and source when the last point came, and flags feeds silent for three cadences', async () => {
    const sent = clock // newer than anything sent before
    await postIngest(server.url, ndjson([aqi(60, sent)]))
    const fresh = (await read()).body
    const aqiFeed = fresh.indicators.find((i) => i.indicator === 'env.aqi')!
    expect(aqiFeed.stale).toBe(false)
    expect(aqiFeed.lastTs).toBe(sent)
    expect(aqiFeed.sources).toEqual([expect.objectContaining({ source: 'http', stale: false })])
    expect(aqiFeed.sources[0]!.points).toBeGreaterThanOrEqual(1)
    // Never sent: stale, with no source.
    const never = fresh.indicators.find((i) => i.indicator === 'pov.employment_rate')!
    expect(never).toMatchObject({ stale: true, lastTs: null, sources: [] })

    // Three hourly cadences and a bit later, the AQI feed is stale.
    clock += 3 * aqiFeed.cadenceSeconds * 1000 + 60_000
    const later = (await read()).body.indicators.find((i) => i.indicator === 'env.aqi')!
    expect(later.stale).toBe(true)
    expect(later.sources[0]!.ageSeconds).toBeGreaterThan(3 * 3600)
    const onlyStale = (await read('?stale=1')).body
    expect(onlyStale.indicators.every((i) => i.stale)).toBe(true)
    expect(onlyStale.indicators.some((i) => i.indicator === 'env.aqi')).toBe(true)
  })

  it('refuses unknown parameters by name', async () => {
    const res = await read('?stael=1')
    expect(res.status).toBe(400)
    expect(res.body.error?.message).toMatch(/unknown query parameter "stael" \(allowed: stale\)/)
  })
})
