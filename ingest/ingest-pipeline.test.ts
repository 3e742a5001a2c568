import { describe, expect, it } from 'vitest'
import type { Point } from '../common/point'
import { testCatalog } from '../test/fixtures/catalog'
import { BodyError, MAX_FAILURES_PER_REQUEST, TooManyFailuresError, UNPRINTABLE_RAW } from './body-parser'
import { hashId, idHashToDecimal, idScope } from './id-hash'
import { IngestBus } from './ingest-bus'
import { BackpressureError, StorageUnavailableError } from '../common/errors'
import { IngestPipeline, sourceProducer, type IngestStore, type RejectInput } from './ingest-pipeline'

const NOW = Date.parse('2026-11-21T08:00:00Z')
/** How an id sent by `producer` (default: what ingestValues(…, 'test') sends as) is stored. */
const storedId = (id: string, producer = sourceProducer('test')) => idHashToDecimal(hashId(id, idScope(producer)))

/** A store in memory, for the pipeline's own logic; the engine is tested in test/integration. */
function memoryStore() {
  const rows: string[] = []
  const rejects: RejectInput[] = []
  let failing = false
  let gate: Promise<void> | undefined
  const store: IngestStore = {
    async insertPoints(parts) {
      if (gate) await gate
      if (failing) throw new Error('engine down')
      // A value the engine refuses, to fail one insert and not another.
      if (parts.some(({ batch }) => batch.value.includes(POISON))) throw new Error('engine refused the insert')
      // Readable rows: a producer id shows as the decimal of its hash.
      for (const { batch, ids } of parts) {
        for (let i = 0; i < batch.length; i++) {
          const id = ids && ids.hi[i]! >= 0 ? idHashToDecimal({ hi: ids.hi[i]!, lo: ids.lo[i]! }) : ''
          rows.push(`${batch.indicator[i]}|${batch.region[i]}|${batch.value[i]}|${id}`)
        }
      }
    },
    async insertRejects(r) {
      if (failing) throw new Error('engine down')
      rejects.push(...r)
    },
  }
  return {
    store,
    rows,
    rejects,
    fail: (on: boolean) => (failing = on),
    hold: () => {
      let open!: () => void
      gate = new Promise((r) => (open = r))
      return () => {
        gate = undefined
        open()
      }
    },
  }
}

function pipeline(mem = memoryStore(), limits = {}) {
  const published: Point[][] = []
  const bus = new IngestBus((err) => {
    throw err
  })
  bus.subscribe((batch) => published.push([...batch]))
  const p = new IngestPipeline({
    index: testCatalog(),
    store: mem.store,
    bus,
    now: () => NOW,
    limits: { lingerMs: 1, ...limits },
  })
  return { p, mem, published }
}

const POISON = 499
const aqi = (value: number, extra: object = {}) => ({ ts: NOW, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value, ...extra })

describe('IngestPipeline', () => {
  it('stores valid points, keeps invalid ones with their reason, and publishes what it stored', async () => {
    const { p, mem, published } = pipeline()
    const body = [JSON.stringify(aqi(40)), '{broken', JSON.stringify(aqi(900)), JSON.stringify(aqi(41))].join('\n')
    const result = await p.ingestBody(body, 'ndjson', 'test')
    expect(result).toMatchObject({ accepted: 2, rejected: 2, duplicates: 0 })
    expect(result.errors).toEqual([
      { line: 2, field: '', reason: expect.stringMatching(/not valid JSON/) },
      { line: 3, field: 'value', reason: expect.stringMatching(/outside env.aqi's range/) },
    ])
    expect(mem.rows).toEqual(['env.aqi|990101|40|', 'env.aqi|990101|41|'])
    expect(mem.rejects.map((r) => [r.line, r.raw, r.source])).toEqual([
      [2, '{broken', 'test'],
      [3, JSON.stringify(aqi(900)), 'test'],
    ])
    expect(published.flat().map((pt) => pt.value)).toEqual([40, 41])
  })

  it('stores a repeated id once, within a request, across requests and across a restart', async () => {
    const { p, mem } = pipeline()
    const first = await p.ingestValues([aqi(1, { id: 'a' }), aqi(2, { id: 'a' }), aqi(3, { id: 'b' })], 'test')
    expect(first).toMatchObject({ accepted: 2, duplicates: 1 })
    const retry = await p.ingestValues([aqi(1, { id: 'a' }), aqi(3, { id: 'b' })], 'test')
    expect(retry).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 })
    expect(mem.rows).toHaveLength(2)

    // After a restart the window is refilled from storage.
    const { p: restarted, mem: mem2 } = pipeline()
    restarted.rememberIds([{ id: hashId('a', idScope(sourceProducer('test'))), received: NOW - 1000 }])
    const again = await restarted.ingestValues([aqi(1, { id: 'a' }), aqi(4, { id: 'c' })], 'test')
    expect(again).toMatchObject({ accepted: 1, duplicates: 1 })
    expect(mem2.rows).toEqual([`env.aqi|990101|4|${storedId('c')}`])
  })

  it('answers a duplicate of a point still being stored only once that point is stored', async () => {
    const { p, mem } = pipeline()
    const open = mem.hold()
    const original = p.ingestValues([aqi(1, { id: 'x' })], 'test')
    let dupDone = false
    const dup = p.ingestValues([aqi(1, { id: 'x' })], 'test').then((r) => {
      dupDone = true
      return r
    })
    await new Promise((r) => setTimeout(r, 20))
    expect(dupDone).toBe(false)
    open()
    expect(await original).toMatchObject({ accepted: 1 })
    expect(await dup).toMatchObject({ accepted: 0, duplicates: 1 })
  })

  it('acknowledges nothing when storage fails, and forgets the ids so a retry stores them', async () => {
    const { p, mem } = pipeline()
    mem.fail(true)
    await expect(p.ingestValues([aqi(1, { id: 'r1' })], 'test')).rejects.toBeInstanceOf(StorageUnavailableError)
    mem.fail(false)
    expect(await p.ingestValues([aqi(1, { id: 'r1' })], 'test')).toMatchObject({ accepted: 1, duplicates: 0 })
    expect(mem.rows).toEqual([`env.aqi|990101|1|${storedId('r1')}`])
  })

  it('rejects a record whose ts no Date can hold on its own: the points around it are stored and their ids kept', async () => {
    const { p, mem } = pipeline()
    // Epoch nanoseconds: new Date(ts) is an Invalid Date, and its toISOString() used to throw out of the request.
    const body = [JSON.stringify(aqi(1, { id: 'ok-1' })), JSON.stringify(aqi(2, { id: 'ns', ts: 1_732_000_000_000_000_000 })), JSON.stringify(aqi(3, { id: 'ok-2' }))].join('\n')
    const result = await p.ingestBody(body, 'ndjson', 'test')
    expect(result).toMatchObject({ accepted: 2, rejected: 1, duplicates: 0, errors: [{ line: 2, field: 'ts', reason: expect.stringMatching(/^ts out of range/) }] })
    expect(mem.rejects.map((r) => [r.line, r.field])).toEqual([[2, 'ts']])
    // The producer drops the bad line and retries: its points are there, once.
    expect(await p.ingestBody([JSON.stringify(aqi(1, { id: 'ok-1' })), JSON.stringify(aqi(3, { id: 'ok-2' }))].join('\n'), 'ndjson', 'test')).toMatchObject({ accepted: 0, duplicates: 2 })
    expect(mem.rows).toEqual([`env.aqi|990101|1|${storedId('ok-1')}`, `env.aqi|990101|3|${storedId('ok-2')}`])
  })

  it('releases the ids a request holds when preparing it throws, so a retry stores them', async () => {
    const { p, mem } = pipeline()
    const permit = (point: { value: number }) => {
      if (point.value === 2) throw new Error('a permit that breaks')
      return null
    }
    await expect(p.ingestValues([aqi(1, { id: 'held-1' }), aqi(2, { id: 'held-2' })], 'test', { permit })).rejects.toThrow('a permit that breaks')
    expect(p.dedupe.size).toBe(0)
    expect(await p.ingestValues([aqi(1, { id: 'held-1' }), aqi(2, { id: 'held-2' })], 'test')).toMatchObject({ accepted: 2, duplicates: 0 })
    expect(mem.rows).toHaveLength(2)
  })

  it("keeps the ids of a request's stored points when the original of one of its duplicates fails", async () => {
    const { p, mem } = pipeline()
    const open = mem.hold()
    // The original of `x`, in an insert the engine will refuse.
    const original = p.ingestValues([aqi(POISON, { id: 'x' })], 'test').catch((e: unknown) => e)
    await new Promise((r) => setTimeout(r, 10))
    // `x` again, and `y`, in an insert of their own that works.
    const second = p.ingestValues([aqi(1, { id: 'x' }), aqi(2, { id: 'y' })], 'test').catch((e: unknown) => e)
    await new Promise((r) => setTimeout(r, 10))
    open()
    expect(await original).toBeInstanceOf(StorageUnavailableError)
    // `x` may not have been stored: the second request is retried as a whole…
    expect(await second).toBeInstanceOf(StorageUnavailableError)
    // …which stores `x` now, and `y`, already stored, not again.
    expect(await p.ingestValues([aqi(1, { id: 'x' }), aqi(2, { id: 'y' })], 'test')).toMatchObject({ accepted: 1, duplicates: 1 })
    expect(mem.rows.sort()).toEqual([`env.aqi|990101|1|${storedId('x')}`, `env.aqi|990101|2|${storedId('y')}`].sort())
  })

  it('treats ids as their producer\'s own: the same id from two producers is two points, from one twice is one, also after a restart', async () => {
    const { p, mem } = pipeline()
    const city = { producer: 'key:city' }
    const province = { producer: 'key:province' }
    expect(await p.ingestValues([aqi(1, { id: 'm-1' })], 'test', city)).toMatchObject({ accepted: 1, duplicates: 0 })
    expect(await p.ingestValues([aqi(2, { id: 'm-1' })], 'test', province)).toMatchObject({ accepted: 1, duplicates: 0 })
    expect(await p.ingestValues([aqi(3, { id: 'm-1' })], 'test')).toMatchObject({ accepted: 1, duplicates: 0 })
    expect(await p.ingestValues([aqi(1, { id: 'm-1' })], 'test', city)).toMatchObject({ accepted: 0, duplicates: 1 })
    // Stored with the producer in the hash…
    expect(mem.rows).toEqual([
      `env.aqi|990101|1|${storedId('m-1', 'key:city')}`,
      `env.aqi|990101|2|${storedId('m-1', 'key:province')}`,
      `env.aqi|990101|3|${storedId('m-1')}`,
    ])
    // …so the window refilled from storage still tells them apart.
    const { p: restarted } = pipeline()
    restarted.rememberIds([{ id: hashId('m-1', idScope('key:city')), received: NOW - 1000 }])
    expect(await restarted.ingestValues([aqi(1, { id: 'm-1' })], 'test', city)).toMatchObject({ accepted: 0, duplicates: 1 })
    expect(await restarted.ingestValues([aqi(2, { id: 'm-1' })], 'test', province)).toMatchObject({ accepted: 1, duplicates: 0 })
  })

  it('rejects a deeply nested JSON element like any record that is not a point, instead of failing the request', async () => {
    const { p, mem } = pipeline()
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const result = await p.ingestBody(`[${JSON.stringify(aqi(1, { id: 'beside-deep' }))},${deep}]`, 'json', 'test')
    expect(result).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 2, field: '', reason: expect.stringMatching(/must be an object/) }] })
    // Its JSON cannot be written (JSON.stringify's recursion ends first): the dead letter says so.
    expect(mem.rejects.map((r) => r.raw)).toEqual([UNPRINTABLE_RAW])
    const lines = await p.ingestBody(`${JSON.stringify(aqi(2))}\n${deep}`, 'ndjson', 'test')
    expect(lines).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 2, field: '' }] })
    await expect(p.ingestBody('['.repeat(100_000), 'json', 'test')).rejects.toThrow(/not valid JSON/)
  })

  it('tells producers to back off when the queue is full, storing nothing of their request', async () => {
    const { p, mem } = pipeline(memoryStore(), { maxQueuedRows: 3 })
    const open = mem.hold()
    const first = p.ingestValues([aqi(1), aqi(2), aqi(3)], 'test')
    await new Promise((r) => setTimeout(r, 5))
    const err = await p.ingestValues([aqi(4)], 'test').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BackpressureError)
    expect((err as BackpressureError).retryAfterSeconds).toBeGreaterThanOrEqual(1)
    open()
    await first
    expect(mem.rows).toHaveLength(3)
    expect(p.stats.backpressured).toBe(1)
  })

  it('keeps an unreadable body in the dead letter and says why', async () => {
    const { p, mem } = pipeline()
    await expect(p.ingestBody('{"not":"an array"}', 'json', 'test')).rejects.toBeInstanceOf(BodyError)
    expect(mem.rejects).toHaveLength(1)
    expect(mem.rejects[0]).toMatchObject({ raw: '{"not":"an array"}', reason: expect.stringMatching(/must be an array/) })
  })

  it('does not publish history', async () => {
    const { p, mem, published } = pipeline()
    await p.writeHistory([{ ts: NOW - 86_400_000, indicator: 'env.aqi', region: '990101', station: 'AQ-990101-01', value: 50 }], 'backfill')
    expect(mem.rows).toHaveLength(1)
    expect(published).toEqual([])
  })

  // A producer gone wrong sends a whole body of bad records; reading on would cost the server without end.
  it.each([
    ['unreadable NDJSON lines', 'ndjson', (n: number) => [JSON.stringify(aqi(40)), ...Array.from({ length: n }, () => 'x')].join('\n')],
    ['records that fail validation', 'ndjson', (n: number) => [JSON.stringify(aqi(40)), ...Array.from({ length: n }, () => JSON.stringify(aqi(900)))].join('\n')],
    ['malformed CSV values', 'csv', (n: number) => ['ts,indicator,region,station,value', `${NOW},env.aqi,990101,AQ-990101-01,40`, ...Array.from({ length: n }, () => `${NOW},env.aqi,990101,AQ-990101-01,0x10`)].join('\n')],
  ] as const)('refuses a body with more than the allowed bad records (%s) whole: nothing stored, the first ones kept and the rest said', async (_what, format, body) => {
    const { p, mem, published } = pipeline()
    const err = await p.ingestBody(body(MAX_FAILURES_PER_REQUEST + 50), format, 'test').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TooManyFailuresError)
    expect((err as Error).message).toMatch(/more than 10000 records of this body were refused.*nothing of it was stored/)
    expect(mem.rows).toEqual([])
    expect(published).toEqual([])
    expect(mem.rejects).toHaveLength(MAX_FAILURES_PER_REQUEST + 1)
    expect(mem.rejects.at(-1)!.reason).toMatch(/the rest of the body was not read/)
    // Just under the limit, the body is read as usual: its good point stored, every bad one kept.
    const under = pipeline()
    const result = await under.p.ingestBody(body(MAX_FAILURES_PER_REQUEST), format, 'test')
    expect(result).toMatchObject({ accepted: 1, rejected: MAX_FAILURES_PER_REQUEST, errorsTruncated: true })
    expect(under.mem.rows).toHaveLength(1)
  })
})
