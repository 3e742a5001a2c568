import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, tempDir, type TestServer } from './harness'
import fs from 'node:fs'

/**
 * The alert log is read back at every start: a stored row that does not parse
 * is left out, reported and counted; the rows around it replay as before, and
 * numbering goes on after it.
 */

let server: TestServer | undefined
let dataDir = ''
afterEach(async () => {
  await server?.stop()
  server = undefined
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('stored alert events that do not parse', () => {
  it('are skipped and counted on load; the valid events around them rebuild the right state', async () => {
    dataDir = tempDir('alert-log')
    server = await startTestServer({ DATA_DIR: dataDir })
    const at = Date.now() - 60_000
    const place = { at, region: '990101', indicator: 'env.aqi', station: 'AQ-990101-01' }
    await server.alerts.append({ ...place, alertId: 'log-1', type: 'raised', actor: 'system', data: { ruleId: 'env-aqi-critical', severity: 'critical', value: 310, message: { zh: '超标', en: 'high' } } })
    // What a bug, a hand edit or a newer version might have written, straight into the table.
    const row = (seq: number, type: string, data: string) => ({ seq, at: new Date(at + seq).toISOString(), alert_id: 'log-1', type, region: '990101', indicator: 'env.aqi', station: 'AQ-990101-01', actor: 'duty', data, logged: new Date().toISOString() })
    await server.storage.client.insert({
      table: 'onescreen.alert_events',
      values: [row(2, 'resolved', '{"auto":"yes"}'), row(3, 'exploded', '{}'), row(4, 'assigned', 'not json')],
      format: 'JSONEachRow',
    })
    await server.stop()
    server = await startTestServer({ DATA_DIR: dataDir })
    // The bad resolve did not resolve it; the valid event after the bad rows still applies.
    expect(server.alerting.get('log-1')).toMatchObject({ state: 'firing', severity: 'critical', value: 310 })
    expect(server.alerts.rejectedOnLoad).toBe(3)
    expect(server.alerts.lastSeq).toBe(4)
    await server.alerting.acknowledge('log-1', 'duty')
    expect(server.alerts.lastSeq).toBe(5)
    expect(server.alerting.get('log-1')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'duty' })
    // Its history leaves them out, and so does a resume from before them.
    expect((await server.alerting.history('log-1')).map((e) => e.event.type)).toEqual(['raised', 'acknowledged'])
    expect((await server.alerts.since(0)).map((e) => e.seq)).toEqual([1, 5])
    const metrics = await (await server.fetch('/metrics')).text()
    expect(metrics).toMatch(/^onescreen_alert_events_refused_total 3$/m)
  })

  it('are refused when something tries to log one', async () => {
    server = await startTestServer()
    const bad = { alertId: 'x', type: 'assigned', at: Date.now(), region: '990101', indicator: 'env.aqi', station: '', actor: 'duty', data: {} } as never
    await expect(server.alerts.append(bad)).rejects.toThrow(/malformed assigned event.*data\.assignee/)
    expect(server.alerts.lastSeq).toBe(0)
  })
})
