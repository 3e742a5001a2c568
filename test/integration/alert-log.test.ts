import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { startTestServer, tempDir, type TestServer } from './harness'
import fs from 'node:fs'
import { AlertService } from '../../server/alerting/alert-service'
import { RuleEngine } from '../../server/alerting/rule-engine'
import { AlertFeed } from '../../server/alerting/alert-feed'
import { ClickHouseAlertEventRows } from '../../server/storage/alert-event-tables'
import { createLogger } from '../../server/logger'
import { tableNames } from '../../server/storage/tables'

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
    await server.alertLog.append({ ...place, alertId: 'log-1', type: 'raised', actor: 'system', data: { ruleId: 'env-aqi-critical', severity: 'critical', value: 310, message: { zh: '超标', en: 'high' } } })
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
    expect(server.alertLog.rejectedOnLoad).toBe(3)
    expect(server.alertLog.lastSeq).toBe(4)
    await server.alerting.acknowledge('log-1', 'duty')
    expect(server.alertLog.lastSeq).toBe(5)
    expect(server.alerting.get('log-1')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'duty' })
    // Its history leaves them out, and so does a resume from before them.
    expect((await server.alerting.history('log-1')).map((e) => e.event.type)).toEqual(['raised', 'acknowledged'])
    expect((await server.alertLog.since(0)).map((e) => e.seq)).toEqual([1, 5])
    const metrics = await (await server.fetch('/metrics')).text()
    expect(metrics).toMatch(/^onescreen_alert_events_refused_total 3$/m)
  })

  it('are refused when something tries to log one', async () => {
    server = await startTestServer()
    const bad = { alertId: 'x', type: 'assigned', at: Date.now(), region: '990101', indicator: 'env.aqi', station: '', actor: 'duty', data: {} } as never
    await expect(server.alertLog.append(bad)).rejects.toThrow(/malformed assigned event.*data\.assignee/)
    expect(server.alertLog.lastSeq).toBe(0)
  })
})

describe('one stored alert event that does not parse, across restarts of the log', () => {
  // One server for its engine; each case logs to a table of its own, read back by a fresh feed as a restart does.
  let engineServer: TestServer
  beforeAll(async () => {
    engineServer = await startTestServer()
  })
  afterAll(async () => {
    await engineServer?.stop()
  })

  const at = Date.now() - 3_600_000
  const place = { region: '990101', indicator: 'env.aqi', station: 'AQ-990101-01' }
  const raisedData = { ruleId: 'env-aqi-critical', severity: 'critical', value: 310, message: { zh: '超标', en: 'high' } } as const
  const badRow = (seq: number, alertId: string, type: string, actor: string, data: string) => ({ seq, at: new Date(at + seq).toISOString(), alert_id: alertId, type, ...place, actor, data, logged: new Date().toISOString() })

  it.each([
    ['an acknowledgement with no actor', 'acknowledged', 'al-1', '', '{}', /^actor:/],
    ['a raise whose value is not a number', 'raised', 'al-2', 'system', JSON.stringify({ ...raisedData, value: 'very high' }), /^data\.value:/],
    ['a type a newer version wrote', 'reopened', 'al-1', 'duty', '{"reason":"flapping"}', /^type: unknown event type "reopened"/],
  ])('skips %s, counts it once, and rebuilds the right state from the events around it', async (_what, type, alertId, actor, data, reason) => {
    const { client } = engineServer.storage
    const tables = { ...tableNames('onescreen'), alertEvents: `onescreen.alert_events_refused_${type}` }
    await client.command({ query: `CREATE TABLE ${tables.alertEvents} AS onescreen.alert_events` })
    const open = async () => {
      const log = { error: vi.fn() }
      const feed = new AlertFeed(new ClickHouseAlertEventRows(client, tables), { log })
      await feed.load()
      const service = new AlertService({ feed, engine: new RuleEngine(engineServer.catalog, []), index: engineServer.catalog, now: () => at + 60_000, log: createLogger('silent') })
      await service.load()
      return { feed, service, log }
    }

    const first = await open()
    await first.feed.append({ ...place, alertId: 'al-1', type: 'raised', at, actor: 'system', data: raisedData })
    // What a bug, a hand edit or a newer version might have written, straight into the table.
    await client.insert({ table: tables.alertEvents, values: [badRow(2, alertId, type, actor, data)], format: 'JSONEachRow' })

    const second = await open()
    expect(second.feed.lastSeq).toBe(2)
    await second.service.acknowledge('al-1', 'duty', 'on it')
    await second.service.assign('al-1', 'duty', 'team-1')

    const third = await open()
    expect(third.feed.rejectedOnLoad).toBe(1)
    expect(third.log.error).toHaveBeenCalledTimes(1)
    expect(third.log.error.mock.calls[0]![0]).toMatchObject({ seq: 2, reason: expect.stringMatching(reason) })
    expect(third.service.list().map((a) => a.id)).toEqual(['al-1'])
    expect(third.service.get('al-1')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'duty', assignee: 'team-1', severity: 'critical', value: 310, comments: 1, seq: 4 })
    expect((await third.service.history('al-1')).map((e) => [e.seq, e.event.type])).toEqual([
      [1, 'raised'],
      [3, 'acknowledged'],
      [4, 'assigned'],
    ])
    expect(third.feed.rejectedOnLoad).toBe(1)
  })
})
