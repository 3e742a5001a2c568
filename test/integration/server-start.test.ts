import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { startTestServer } from './harness'

describe('server start', () => {
  it('releases the engine when the start fails, so the process can start again', async () => {
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as net.AddressInfo).port
    try {
      await expect(startTestServer({ PORT: String(port) })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      blocker.close()
    }
    // chDB allows one data directory per process at a time: this start only
    // works if the failed one closed its engine.
    const server = await startTestServer()
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
    await server.stop()
  })

  it('refuses bad configuration naming the variable', async () => {
    await expect(startTestServer({ PORT: 'eighty' })).rejects.toThrow(/PORT: /)
    await expect(startTestServer({ TIMEZONE: 'Mars/Olympus' })).rejects.toThrow(/TIMEZONE: unknown time zone Mars\/Olympus/)
    await expect(startTestServer({ SIMULATE: 'maybe' })).rejects.toThrow(/SIMULATE: /)
  })
})
