import { io, type Socket } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { liveValuesOf, type AlertEnvelope, type AlertEvent, type ClientToServerEvents, type LiveValue, type ServerToClientEvents, type SubscribeAck } from '../../common/live-contract'
import { ndjson, postIngest, startTestServer, type TestServer } from './harness'

/**
 * The live server over real sockets: socket.io-client against the real server
 * on the real engine. Points go in over HTTP; what the screens see comes out.
 * Screens sign in: the handshake carries a session token (the demo leader's
 * unless a test says otherwise).
 */

type Client = Socket<ServerToClientEvents, ClientToServerEvents>

let server: TestServer
const clients: Client[] = []
const T = Date.now() - 60_000

beforeAll(async () => {
  // A fast tick keeps the test short; a tiny alert ring makes old resumes read storage.
  server = await startTestServer({ TICK_MS: '100', ALERT_RING_SIZE: '3' })
})
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect()
})
afterAll(async () => {
  await server?.stop()
})

/** A socket signed in as `who` (see TestServer.token); null connects without credentials. */
async function connect(who: Parameters<TestServer['token']>[0] | null = 'leader'): Promise<Client> {
  const auth = who === null ? {} : { token: await server.token(who) }
  const socket: Client = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth })
  clients.push(socket)
  return socket
}

/** Emits with an ack, with any payload (the server must cope with whatever a client sends). */
function ask<T>(socket: Client, event: 'subscribe' | 'resume', arg: unknown): Promise<T> {
  return (socket.emitWithAck as (event: string, arg: unknown) => Promise<T>).call(socket, event, arg)
}

const subscribe = (socket: Client, request: unknown) => ask<SubscribeAck>(socket, 'subscribe', request)

/** Collects tick values until `done` says the latest of each series is what it wants, or fails after a while. */
function collectTicks(socket: Client) {
  const latest = new Map<string, LiveValue>()
  const all: LiveValue[] = []
  socket.on('tick', (payload) => {
    for (const v of liveValuesOf(payload)) {
      all.push(v)
      latest.set(key(v.indicator, v.region, v.station), v)
    }
  })
  return {
    all,
    value: (indicator: string, region: string, station?: string) => latest.get(key(indicator, region, station))?.value,
    async until(check: () => boolean, what: string): Promise<void> {
      const deadline = Date.now() + 10_000
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`no tick brought ${what}; saw ${JSON.stringify([...latest.values()].slice(0, 20))}`)
        await new Promise((r) => setTimeout(r, 25))
      }
    },
  }
}

const key = (indicator: string, region: string, station?: string) => `${indicator}|${region}|${station ?? ''}`

async function ingest(points: object[]): Promise<void> {
  const res = await postIngest(server.url, ndjson(points))
  expect(res.body).toMatchObject({ rejected: 0 })
}

const flow = (station: string, region: string, value: number, ts = T) => ({ ts, indicator: 'traffic.flow', region, station, value })
const aqi = (station: string, region: string, value: number, ts = T) => ({ ts, indicator: 'env.aqi', region, station, value })
const noise = (region: string, value: number, ts = T) => ({ ts, indicator: 'env.noise_peak', region, value })

describe('subscribe and ticks', () => {
  it('gives the current state at once, then deltas that match what was ingested', async () => {
    await ingest([flow('TD-990101-001', '990101', 1200), flow('TD-990102-001', '990102', 800)])
    // A tick turns stored points into region values.
    await expect.poll(() => server.hub.value('traffic.flow', '990000')?.value).toBe(2000)
    const socket = await connect()
    const ticks = collectTicks(socket)
    const ack = await subscribe(socket, { region: '990000', indicators: ['traffic.flow'] })
    if (!ack.ok) throw new Error(ack.error.message)
    const stateValues = liveValuesOf(ack.state)
    const state = new Map(stateValues.map((v) => [key(v.indicator, v.region, v.station), v.value]))
    expect(state.get(key('traffic.flow', '990000'))).toBe(2000)
    expect(state.get(key('traffic.flow', '990100'))).toBe(2000)
    expect(state.get(key('traffic.flow', '990101', 'TD-990101-001'))).toBe(1200)
    expect(stateValues.every((v) => v.indicator === 'traffic.flow')).toBe(true)

    await ingest([flow('TD-990101-001', '990101', 1500, T + 5000)])
    await ticks.until(() => ticks.value('traffic.flow', '990000') === 2300, 'the new province total')
    expect(ticks.value('traffic.flow', '990101', 'TD-990101-001')).toBe(1500)
    expect(ticks.value('traffic.flow', '990100')).toBe(2300)
    // Only what changed: the other detector's value was not sent again.
    expect(ticks.all.some((v) => v.station === 'TD-990102-001')).toBe(false)
  })

  it('sends an object per value by default (the documented form), and columns to a screen that asks', async () => {
    const t = T + 30_000
    await ingest([flow('TD-990101-001', '990101', 1100, t)])
    await expect.poll(() => server.hub.value('traffic.flow', '990101')?.ts).toBe(t)
    const plain = await connect()
    const packed = await connect()
    const plainTicks: unknown[] = []
    const packedTicks: unknown[] = []
    plain.on('tick', (p) => plainTicks.push(p.values))
    packed.on('tick', (p) => packedTicks.push(p.values))
    const a = await subscribe(plain, { region: '990100', indicators: ['traffic.flow'] })
    const b = await subscribe(packed, { region: '990100', indicators: ['traffic.flow'], columns: true })
    if (!a.ok || !b.ok) throw new Error('subscribe refused')
    expect(a.room.columns).toBe(false)
    expect(b.room.columns).toBe(true)
    expect(Array.isArray(a.state.values)).toBe(true)
    expect(a.state.values).toContainEqual({ indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001', value: 1100, ts: t })
    expect(b.state.values).toMatchObject({ codes: ['traffic.flow'], indicator: expect.any(Array), age: expect.any(Array) })
    const sorted = (values: LiveValue[]) => [...values].sort((x, y) => key(x.indicator, x.region, x.station).localeCompare(key(y.indicator, y.region, y.station)))
    expect(sorted(liveValuesOf(b.state))).toEqual(sorted(liveValuesOf(a.state)))

    await ingest([flow('TD-990101-001', '990101', 1250, t + 1000)])
    const deadline = Date.now() + 10_000
    while ((plainTicks.length === 0 || packedTicks.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(plainTicks[0]).toContainEqual({ indicator: 'traffic.flow', region: '990101', station: 'TD-990101-001', value: 1250, ts: t + 1000 })
    expect(packedTicks[0]).toMatchObject({ codes: ['traffic.flow'], station: expect.arrayContaining(['TD-990101-001']), value: expect.arrayContaining([1250]) })
  })

  it('aggregates county → city → province by sum, mean and max', async () => {
    const socket = await connect()
    const ticks = collectTicks(socket)
    const ack = await subscribe(socket, { region: '990000', indicators: ['traffic.flow', 'env.aqi', 'env.noise_peak'] })
    expect(ack.ok).toBe(true)
    const t = T + 60_000
    await ingest([
      flow('TD-990101-001', '990101', 1000, t),
      flow('TD-990102-001', '990102', 3000, t),
      aqi('AQ-990101-01', '990101', 60, t),
      aqi('AQ-990200-01', '990200', 140, t),
      noise('990101', 58, t),
      noise('990102', 74.5, t),
      noise('990200', 66, t),
    ])
    await ticks.until(
      () => ticks.value('traffic.flow', '990000') === 4000 && ticks.value('env.aqi', '990000') === 100 && ticks.value('env.noise_peak', '990000') === 74.5,
      'the province values',
    )
    expect(ticks.value('traffic.flow', '990100')).toBe(4000) // sum of its two counties
    expect(ticks.value('env.aqi', '990100')).toBe(60) // mean over its one station
    expect(ticks.value('env.aqi', '990200')).toBe(140)
    expect(ticks.value('env.noise_peak', '990100')).toBe(74.5) // loudest county
    expect(ticks.value('env.noise_peak', '990200')).toBe(66)
  })

  it('sends two rooms only their own regions', async () => {
    const jia = await connect()
    const yi = await connect()
    const jiaTicks = collectTicks(jia)
    const yiTicks = collectTicks(yi)
    expect((await subscribe(jia, { region: '990100' })).ok).toBe(true)
    expect((await subscribe(yi, { region: '990200' })).ok).toBe(true)
    const t = T + 120_000
    await ingest([aqi('AQ-990101-01', '990101', 77, t), aqi('AQ-990200-01', '990200', 155, t)])
    await jiaTicks.until(() => jiaTicks.value('env.aqi', '990100') === 77, 'city Jia')
    await yiTicks.until(() => yiTicks.value('env.aqi', '990200') === 155, 'city Yi')
    const tree = server.catalog.tree
    expect(jiaTicks.all.every((v) => tree.isWithin(v.region, '990100'))).toBe(true)
    expect(yiTicks.all.every((v) => tree.isWithin(v.region, '990200'))).toBe(true)
    expect(jiaTicks.all.some((v) => v.region === '990000')).toBe(false)
  })
})

describe('invalid requests', () => {
  it.each([
    [{ region: 'Guangzhou' }, 'invalid_subscription', /region: region must be a 6-digit region code/],
    [{ region: '123456' }, 'unknown_region', /unknown region 123456/],
    [{ region: '990000', indicators: ['env.aqi', 'nope'] }, 'unknown_indicator', /unknown indicator nope/],
    [{ region: '990000', indicators: [] }, 'invalid_subscription', /indicators: .*at least one/],
    [{ region: '990000', colour: 'red' }, 'invalid_subscription', /colour/],
    ['990000', 'invalid_subscription', /object/],
  ])('refuses subscription %j in the ack', async (request, code, message) => {
    const socket = await connect()
    const ack = await subscribe(socket, request)
    expect(ack).toMatchObject({ ok: false, error: { code } })
    if (!ack.ok) expect(ack.error.message).toMatch(message)
    // The connection and the server are fine: a good subscription still works.
    expect((await subscribe(socket, { region: '990000' })).ok).toBe(true)
  })

  it('refuses a resume before a subscription, and a bad sequence number', async () => {
    const socket = await connect()
    type Reply = { ok: boolean; error?: { code: string; message: string } }
    expect(await ask<Reply>(socket, 'resume', { lastSeq: 0 })).toMatchObject({ ok: false, error: { code: 'not_subscribed' } })
    await subscribe(socket, { region: '990000' })
    const bad = await ask<Reply>(socket, 'resume', { lastSeq: -1 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_resume' } })
    expect(bad.error?.message).toMatch(/lastSeq/)
  })
})

describe('authentication and scope', () => {
  it('refuses a socket without credentials with an unauthenticated connect_error', async () => {
    const socket = await connect(null)
    const err = await new Promise<Error>((resolve, reject) => {
      socket.once('connect_error', resolve)
      socket.once('connect', () => reject(new Error('connected without credentials')))
    })
    expect(err.message).toMatch(/^unauthenticated/)
    expect(socket.connected).toBe(false)
  })

  it("lets a city's account subscribe to its city but not to the province", async () => {
    await ingest([aqi('AQ-990101-01', '990101', 88, T + 180_000), aqi('AQ-990200-01', '990200', 99, T + 180_000)])
    // A tick turns stored points into region values.
    await expect.poll(() => server.hub.value('env.aqi', '990200')?.ts).toBe(T + 180_000)
    const socket = await connect({ name: 'city-viewer', role: 'leader', region: '990100' })
    const province = await subscribe(socket, { region: '990000' })
    expect(province).toMatchObject({ ok: false, error: { code: 'outside_scope' } })
    if (!province.ok) expect(province.error.message).toMatch(/region 990000 is outside this account's region 990100/)
    // Nor a sibling city.
    expect(await subscribe(socket, { region: '990200' })).toMatchObject({ ok: false, error: { code: 'outside_scope' } })
    const city = await subscribe(socket, { region: '990100' })
    if (!city.ok) throw new Error(city.error.message)
    const cityValues = liveValuesOf(city.state)
    expect(cityValues.find((v) => v.indicator === 'env.aqi' && v.region === '990100' && v.station === undefined)?.value).toBe(88)
    expect(cityValues.every((v) => server.catalog.tree.isWithin(v.region, '990100'))).toBe(true)
  })
})

describe('alert events', () => {
  const event = (n: number, region = '990101'): AlertEvent => ({
    alertId: `test-${n}`,
    type: 'raised',
    at: T + n,
    region,
    indicator: 'env.aqi',
    station: '',
    actor: 'system',
    data: { ruleId: 'test-rule', severity: 'warning', value: n, message: { zh: `测试 ${n}`, en: `test ${n}` } },
  })

  it('delivers every event in order and loses none across a reconnect, from the ring and from storage', async () => {
    const first = await connect()
    const seen: AlertEnvelope[] = []
    first.on('alert', (e) => seen.push(e))
    const ack = await subscribe(first, { region: '990100' })
    if (!ack.ok) throw new Error(ack.error.message)
    const base = ack.lastSeq
    await server.alertLog.append(event(1))
    await server.alertLog.append(event(2, '990200')) // another city: not for this screen
    await server.alertLog.append(event(3))
    const deadline = Date.now() + 5000
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(seen.map((e) => [e.seq, e.event.alertId])).toEqual([
      [base + 1, 'test-1'],
      [base + 3, 'test-3'],
    ])
    first.disconnect()

    // Away for 2 events: still in the ring (3 events).
    await server.alertLog.append(event(4))
    await server.alertLog.append(event(5))
    const back = await connect()
    const replayed: AlertEnvelope[] = []
    back.on('alert', (e) => replayed.push(e))
    await subscribe(back, { region: '990100' })
    const lastSeen = seen.at(-1)!.seq
    const resumed = await ask<{ ok: boolean; replayed: number }>(back, 'resume', { lastSeq: lastSeen })
    expect(resumed).toMatchObject({ ok: true, replayed: 2 })
    expect(replayed.map((e) => e.event.alertId)).toEqual(['test-4', 'test-5'])

    // Away for longer than the ring reaches: read from storage, in order, filtered by region.
    back.disconnect()
    for (let n = 6; n <= 10; n++) await server.alertLog.append(event(n, n === 8 ? '990200' : '990102'))
    const late = await connect()
    const fromStorage: AlertEnvelope[] = []
    late.on('alert', (e) => fromStorage.push(e))
    await subscribe(late, { region: '990100' })
    await ask(late, 'resume', { lastSeq: lastSeen })
    expect(fromStorage.map((e) => e.event.alertId)).toEqual(['test-4', 'test-5', 'test-6', 'test-7', 'test-9', 'test-10'])
    const seqs = fromStorage.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(fromStorage[0]!.event).toEqual(event(4))
  })
})
