import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './harness'

/**
 * Sessions end after SESSION_TTL_HOURS without use, and each use moves the end
 * on: a wall that keeps asking stays signed in, a forgotten tab does not.
 * The server's clock is the test's.
 */

let clock = Date.now()
let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ SESSION_TTL_HOURS: '1' }, { now: () => clock })
}, 120_000)
afterAll(async () => {
  await server?.stop()
})

const me = async (token: string) => (await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status

describe('session expiry', () => {
  it('slides with use and ends an hour after the last one', async () => {
    const active = await server.token('leader')
    const idle = await server.token('analyst')
    for (let i = 0; i < 3; i++) {
      clock += 40 * 60_000
      expect(await me(active)).toBe(200)
    }
    // Two hours on: the active one was used 40 minutes ago, the idle one two hours ago.
    expect(await me(idle)).toBe(401)
    clock += 61 * 60_000
    expect(await me(active)).toBe(401)
  })

  it('closes a socket whose session ended', async () => {
    const { io } = await import('socket.io-client')
    const token = await server.token('duty')
    const socket = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } })
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve())
        socket.once('connect_error', reject)
      })
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve))
      clock += 2 * 3_600_000
      server.live.recheckSessions()
      expect(await closed).toBe('io server disconnect')
    } finally {
      socket.close()
    }
  })
})
