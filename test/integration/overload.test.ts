import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/live-contract'
import { ndjson, postIngest, startTestServer, type TestServer } from './harness'

/**
 * One client must not stall the server for the others: a flood of password
 * guesses keeps the ticks coming, and one account's query loops leave the
 * others' reads their turn. (Connection floods: connection-flood.test.ts.)
 */

let server: TestServer
let socket: Socket<ServerToClientEvents, ClientToServerEvents>
const ticks: number[] = []
let producing: NodeJS.Timeout | undefined
/** Low enough for a test to reach it, high enough for the other tests' reads. */
const READS_PER_MINUTE = 200

beforeAll(async () => {
  server = await startTestServer({ READS_PER_MINUTE: String(READS_PER_MINUTE), LOG_LEVEL: 'error' })
  socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: await server.token('leader') } })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  socket.on('tick', () => ticks.push(Date.now()))
  expect((await socket.emitWithAck('subscribe', { region: '990000', columns: true })).ok).toBe(true)
  // A feed whose value changes all the time, so that every tick has something to send.
  let n = 0
  producing = setInterval(() => {
    n++
    void postIngest(server.url, ndjson([{ ts: Date.now() - 1000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 50 + (n % 40) }])).catch(() => {})
  }, 200)
}, 120_000)

afterAll(async () => {
  clearInterval(producing)
  socket?.close()
  await server?.stop()
})

/** Runs `attempt` from `workers` loops at once for `ms`; the statuses it got. */
async function flood(workers: number, ms: number, attempt: () => Promise<Response>): Promise<number[]> {
  const until = Date.now() + ms
  const statuses: number[] = []
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < until) {
        const res = await attempt()
        await res.arrayBuffer()
        statuses.push(res.status)
      }
    }),
  )
  return statuses
}

const ticksBetween = (from: number, to: number) => ticks.filter((t) => t >= from && t <= to).length

describe('a flood of password guesses', () => {
  // The tick rate under such a flood is measured by `npm run bench -- password_flood` (the server in
  // a process of its own, ≥ 0.9 ticks a second); here, what makes it hold: one hash at a time.
  it('hashes one password at a time, refuses the excess at once (401, 403, 429 or 503), and the ticks go on', async () => {
    const headers = { ...(await server.authHeaders({ name: 'flooder', role: 'analyst' })), 'content-type': 'application/json' }
    const body = JSON.stringify({ current: 'surely not this one', password: 'a new long passphrase' })
    const guesses = () => fetch(`${server.url}/api/me/password`, { method: 'POST', headers, body })
    const signIns = () => fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password: 'a wrong guess' }) })
    let mostAtOnce = 0
    const sampler = setInterval(() => (mostAtOnce = Math.max(mostAtOnce, server.auth.hashingStats.running)), 5)
    const started = Date.now()
    const [changes, logins] = await Promise.all([flood(32, 4000, guesses), flood(16, 4000, signIns)]).finally(() => clearInterval(sampler))
    const ended = Date.now()
    expect(mostAtOnce).toBe(1)
    expect(changes.length + logins.length).toBeGreaterThanOrEqual(48)
    for (const s of [...changes, ...logins]) expect([401, 403, 429, 503]).toContain(s)
    // Most of the flood was refused without hashing, and nothing is left waiting.
    expect(changes.filter((s) => s === 503).length).toBeGreaterThan(0)
    expect(server.auth.hashingStats.refused).toBeGreaterThan(0)
    expect(server.auth.hashingStats).toMatchObject({ running: 0, queued: 0 })
    expect(ticksBetween(started, ended)).toBeGreaterThan(0)
    // The account signs in again as soon as the flood is over.
    const admin = server.credentials.accounts.find((a) => a.name === 'admin')!
    const ok = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: admin.name, password: admin.password }) })
    expect(ok.status).toBe(200)
  }, 60_000)
})

describe('one account looping over heavy queries', () => {
  it('waits behind itself: another account’s read is answered before most of the loop’s queued ones', async () => {
    const flooder = await server.authHeaders({ name: 'looper', role: 'analyst' })
    const other = await server.authHeaders('analyst')
    const order: string[] = []
    const read = async (who: string, headers: Record<string, string>) => {
      const res = await fetch(`${server.url}/api/scorecard?level=county`, { headers })
      await res.arrayBuffer()
      order.push(`${who}:${res.status}`)
    }
    const loop = Array.from({ length: 16 }, () => read('loop', flooder))
    // Let the loop's requests reach the queue first.
    await new Promise((r) => setTimeout(r, 100))
    await read('other', other)
    await Promise.all(loop)
    expect(order.filter((o) => o.startsWith('loop')).every((o) => o === 'loop:200')).toBe(true)
    const after = order.length - 1 - order.indexOf('other:200')
    // The loop runs two at a time; everything it had queued behind those comes after the other account's read.
    expect(after, order.join(' ')).toBeGreaterThanOrEqual(10)
  }, 60_000)

  it('refuses an account past its read limit with 429 and Retry-After, and only that account', async () => {
    const a = await server.authHeaders({ name: 'reader', role: 'analyst' })
    const b = await server.authHeaders({ name: 'bystander', role: 'leader' })
    const statuses: number[] = []
    for (let i = 0; i < READS_PER_MINUTE + 2; i++) statuses.push((await fetch(`${server.url}/api/catalog`, { headers: a })).status)
    expect(statuses.slice(0, READS_PER_MINUTE).every((s) => s === 200)).toBe(true)
    expect(statuses.slice(READS_PER_MINUTE)).toEqual([429, 429])
    const refused = await fetch(`${server.url}/api/catalog`, { headers: a })
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringContaining('reads') } })
    expect((await fetch(`${server.url}/api/catalog`, { headers: b })).status).toBe(200)
  }, 60_000)
})
