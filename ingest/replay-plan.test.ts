import { describe, expect, it } from 'vitest'
import { mapRow, readTimestamp, replayOptionsSchema, timeMapping } from './replay-plan'

const options = (o: object) => replayOptionsSchema.parse({ indicator: 'traffic.speed', region: '440106', ...o })

describe('replay options', () => {
  it.each([
    [{ region: '440106' }, /exactly one of --indicator/],
    [{ indicator: 'a', region: '1', regionColumn: 'r' }, /exactly one of --region/],
    [{ indicator: 'a', region: '1', live: true, shiftToNow: true }, /exclude each other/],
    [{ indicator: 'a', region: '1', speed: 10 }, /only applies with --live/],
    [{ indicator: 'a', region: '1', assumeZone: '8' }, /must be Z or ±hh:mm/],
  ])('refuses %j', (input, message) => {
    const r = replayOptionsSchema.safeParse(input)
    expect(r.success).toBe(false)
    expect(r.error!.issues[0]!.message).toMatch(message)
  })
})

describe('reading and moving time', () => {
  it.each([
    ['2015-08-31 18:22:00', 'Z', Date.parse('2015-08-31T18:22:00Z')],
    ['2015-08-31 18:22:00', '+08:00', Date.parse('2015-08-31T10:22:00Z')],
    ['2015-08-31T18:22:00+02:00', '+08:00', Date.parse('2015-08-31T16:22:00Z')],
    ['1441045320000', 'Z', 1441045320000],
  ])('reads %s in zone %s', (cell, zone, expected) => {
    expect(readTimestamp(cell, zone)).toBe(expected)
  })

  it('shifts the last point to now, keeping the spacing', () => {
    const move = timeMapping({ shiftToNow: true, live: false, speed: 1 }, 1000, 5000, 100_000)
    expect([move(1000), move(5000)]).toEqual([96_000, 100_000])
  })

  it('plays live from now, faster on request', () => {
    const move = timeMapping({ shiftToNow: false, live: true, speed: 10 }, 1000, 101_000, 50_000)
    expect([move(1000), move(101_000)]).toEqual([50_000, 60_000])
  })

  it('leaves time alone by default', () => {
    expect(timeMapping({ shiftToNow: false, live: false, speed: 1 }, 1, 2, 3)(42)).toBe(42)
  })
})

describe('mapRow', () => {
  it('maps columns and constants, with an id per line and time', () => {
    const o = options({ station: 'TD-440106-001', idPrefix: 'nab' })
    expect(mapRow({ timestamp: '1000', value: '57' }, o, (t) => t + 1, 2)).toEqual({
      ts: 1001,
      indicator: 'traffic.speed',
      region: '440106',
      station: 'TD-440106-001',
      value: 57,
      id: 'nab:2:1001',
    })
  })

  it('passes unreadable cells on for the server to reject with a reason', () => {
    const p = mapRow({ timestamp: 'soon', value: 'fast' }, options({}), (t) => t, 3)
    expect(p).toMatchObject({ ts: 'soon', value: 'fast' })
    expect(mapRow({ timestamp: '1', value: ' ' }, options({}), (t) => t, 4).value).toBeUndefined()
  })
})
