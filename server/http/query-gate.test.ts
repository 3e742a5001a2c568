import express from 'express'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { errorHandler } from './api-error'
import { createQueryGate, PER_ACCOUNT_QUEUED, PER_ACCOUNT_RUNNING, queryGate } from './query-gate'
import { createLogger } from '../logger'

/** A server whose one route holds every request until the test lets it go. */
async function heldServer() {
  const gate = createQueryGate(4)
  const held: Array<() => void> = []
  const app = express()
  app.use((req, res, next) => {
    res.locals.principal = { kind: 'account', name: String(req.headers['x-who']) }
    next()
  })
  app.get('/q', queryGate(gate), (_req, res) => {
    held.push(() => res.json({ ok: true }))
  })
  app.use(errorHandler(createLogger('silent')))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/q`
  return { gate, held, url, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }) }
}

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

const settle = async (until: () => boolean) => {
  for (let i = 0; i < 200 && !until(); i++) await new Promise((r) => setTimeout(r, 10))
}

describe('queryGate', () => {
  it('runs two of an account’s queries at a time, queues its share, refuses the rest with 429, and serves others meanwhile', async () => {
    const s = await heldServer()
    close = s.close
    const ask = (who: string) => fetch(s.url, { headers: { 'x-who': who } })
    const burst = Array.from({ length: PER_ACCOUNT_RUNNING + PER_ACCOUNT_QUEUED + 3 }, () => ask('looper'))
    await settle(() => s.gate.stats.refused === 3)
    expect(s.gate.stats).toEqual({ running: PER_ACCOUNT_RUNNING, queued: PER_ACCOUNT_QUEUED, refused: 3 })
    // Another account is let in at once: two slots of four are free.
    const other = ask('other')
    await settle(() => s.held.length === PER_ACCOUNT_RUNNING + 1)
    expect(s.held).toHaveLength(PER_ACCOUNT_RUNNING + 1)
    const refused = (await Promise.all(burst.slice(-3))).map((r) => r.status)
    expect(refused).toEqual([429, 429, 429])
    // Letting everything go answers the rest, two at a time for the looper.
    while (s.gate.stats.running > 0 || s.gate.stats.queued > 0) {
      s.held.splice(0).forEach((release) => release())
      await new Promise((r) => setTimeout(r, 10))
    }
    expect((await other).status).toBe(200)
    expect((await Promise.all(burst.slice(0, -3))).every((r) => r.status === 200)).toBe(true)
  })

  it('frees the slot of a client that went away while waiting', async () => {
    const s = await heldServer()
    close = s.close
    const first = fetch(s.url, { headers: { 'x-who': 'a' } })
    const second = fetch(s.url, { headers: { 'x-who': 'a' } })
    const controller = new AbortController()
    const third = fetch(s.url, { headers: { 'x-who': 'a' }, signal: controller.signal }).catch(() => 'aborted')
    await settle(() => s.gate.stats.queued === 1)
    controller.abort()
    expect(await third).toBe('aborted')
    s.held.splice(0).forEach((release) => release())
    await Promise.all([first, second])
    await settle(() => s.gate.stats.running === 0)
    expect(s.gate.stats).toMatchObject({ running: 0, queued: 0 })
  })
})
