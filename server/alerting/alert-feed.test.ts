import { describe, expect, it, vi } from 'vitest'
import { applyEvent, emptyBook } from '../../common/alert-state'
import { AlertFeed, type AlertEventRows, type StoredAlertEvent } from './alert-feed'

/**
 * Stored rows as storage hands them back, bad ones included: the feed leaves
 * out what does not parse, counts it once, and the reducer never sees it.
 */

const T0 = Date.parse('2026-12-01T08:00:00Z')

/** The table in memory: every read answers with all of it (the tests keep it smaller than the ring). */
class StoredRows implements AlertEventRows {
  constructor(readonly rows: Array<Record<string, unknown>>) {}
  private async all(): Promise<unknown[]> {
    return this.rows.map((r) => ({ ...r }))
  }
  latest = () => this.all()
  ofAlert = () => this.all()
  forRebuild = () => this.all()
  after = () => this.all()
  async insert(row: StoredAlertEvent) {
    this.rows.push({ ...row })
  }
}

/** A row as storage returns it: 64-bit numbers as strings, the event's own data as JSON text. */
function row(seq: number, type: string, data: unknown, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    seq: String(seq),
    at: String(T0 + seq * 60_000),
    alert_id: 'al-1',
    type,
    region: '990101',
    indicator: 'env.aqi',
    station: 'AQ-990101-01',
    actor: 'duty',
    data: typeof data === 'string' ? data : JSON.stringify(data),
    ...over,
  }
}

const raisedData = { ruleId: 'env-aqi-critical', severity: 'warning', value: 310, since: T0, message: { zh: '超标', en: 'high' } }

async function loaded(bad: Record<string, unknown>) {
  const storage = new StoredRows([
    row(1, 'raised', raisedData, { actor: 'system' }),
    bad,
    row(3, 'acknowledged', { comment: 'on it', value: 300 }),
    row(4, 'assigned', { assignee: 'team-1' }),
  ])
  const log = { error: vi.fn() }
  const feed = new AlertFeed(storage, { log })
  await feed.load()
  const book = emptyBook()
  for (const envelope of await feed.eventsForRebuild(0)) applyEvent(book, envelope)
  return { storage, feed, book, log }
}

describe('AlertFeed reading stored events back', () => {
  it.each([
    ['an acknowledgement with no actor', row(2, 'acknowledged', {}, { actor: '' }), /^actor:/],
    ['a raise whose value is not a number', row(2, 'raised', { ...raisedData, value: 'high' }, { alert_id: 'al-2', actor: 'system' }), /^data\.value:/],
    ['a raise with no message', row(2, 'raised', { ...raisedData, message: undefined }, { alert_id: 'al-2', actor: 'system' }), /^data\.message:/],
    ['an escalation to a severity that does not exist', row(2, 'escalated', { from: 'warning', to: 'apocalyptic' }, { actor: 'system' }), /^data\.to:/],
    ['a resolution whose data is not JSON', row(2, 'resolved', '{"auto":'), /^data is not JSON/],
    ['a type a newer version wrote', row(2, 'reopened', { reason: 'flapping' }), /^type: unknown event type "reopened"/],
    ['a row missing a column', { ...row(2, 'commented', { text: 'x' }), data: undefined }, /^row: data:/],
  ])('skips and counts %s; the events around it replay to the right state', async (_what, bad, reason) => {
    const { feed, book, log } = await loaded(bad)
    expect(feed.rejectedOnLoad).toBe(1)
    expect([...book.alerts.keys()]).toEqual(['al-1'])
    expect(book.alerts.get('al-1')).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'duty',
      acknowledgedAt: T0 + 3 * 60_000,
      assignee: 'team-1',
      severity: 'warning',
      value: 310,
      comments: 1,
      escalations: 0,
      resolvedAt: null,
      seq: 4,
    })
    expect(log.error).toHaveBeenCalledTimes(1)
    expect(log.error.mock.calls[0]![0]).toMatchObject({ seq: 2, reason: expect.stringMatching(reason) })
  })

  it('reports and counts a bad row once, however often it is read', async () => {
    const { feed, log } = await loaded(row(2, 'reopened', {}))
    await feed.eventsForRebuild(0)
    await feed.eventsOf('al-1')
    expect((await feed.since(0)).map((e) => e.seq)).toEqual([1, 3, 4])
    expect(feed.rejectedOnLoad).toBe(1)
    expect(log.error).toHaveBeenCalledTimes(1)
  })

  it('numbers the next event after a refused one', async () => {
    const { feed, storage } = await loaded(row(2, 'reopened', {}))
    expect(feed.lastSeq).toBe(4)
    const next = await feed.append({ alertId: 'al-1', type: 'commented', at: T0 + 5 * 60_000, region: '990101', indicator: 'env.aqi', station: 'AQ-990101-01', actor: 'duty', data: { text: 'seen' } })
    expect(next.seq).toBe(5)
    expect(storage.rows.at(-1)).toMatchObject({ seq: 5, type: 'commented', data: '{"text":"seen"}' })
    expect((await feed.since(0)).map((e) => e.seq)).toEqual([1, 3, 4, 5])
  })

  it('goes on numbering after a refused row that is the newest one', async () => {
    const storage = new StoredRows([row(1, 'raised', raisedData, { actor: 'system' }), row(2, 'assigned', {})])
    const feed = new AlertFeed(storage)
    await feed.load()
    expect(feed.lastSeq).toBe(2)
    expect(feed.rejectedOnLoad).toBe(1)
  })
})
