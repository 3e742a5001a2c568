import { describe, expect, it } from 'vitest'
import { startOfLocalDay, utcOffsetMinutes } from './local-time'

describe('local time', () => {
  it.each([
    ['Asia/Shanghai', '2026-11-21T15:59:59Z', 480, '2026-11-20T16:00:00.000Z'],
    ['Asia/Shanghai', '2026-11-21T16:00:00Z', 480, '2026-11-21T16:00:00.000Z'],
    ['UTC', '2026-11-21T23:59:59Z', 0, '2026-11-21T00:00:00.000Z'],
    // New York on the day summer time ends: midnight was still at UTC−4.
    ['America/New_York', '2026-11-01T12:00:00Z', -300, '2026-11-01T04:00:00.000Z'],
  ])('%s at %s', (zone, at, offset, midnight) => {
    expect(utcOffsetMinutes(zone, Date.parse(at))).toBe(offset)
    expect(new Date(startOfLocalDay(Date.parse(at), zone)).toISOString()).toBe(midnight)
  })
})
