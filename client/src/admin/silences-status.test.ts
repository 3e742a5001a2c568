import { describe, expect, it } from 'vitest'
import { silenceEndable, silenceStatus } from './silences-status'

const T = 1_790_000_000_000
const H = 3_600_000
const silence = (over: Partial<{ startsAt: number; endsAt: number; endedAt: number | null; endedReason: string | null }> = {}) => ({ startsAt: T, endsAt: T + H, endedAt: null, endedReason: null, ...over })

describe('silenceStatus', () => {
  it.each([
    ['not started yet', silence({ startsAt: T + 10 }), T, 'pending', null, true],
    ['in force', silence(), T + 1, 'active', null, true],
    ['past its end before the server marked it', silence(), T + H, 'expired', null, false],
    ['expired by the server', silence({ endedAt: T + H, endedReason: 'expired' }), T + 2 * H, 'expired', null, false],
    ['ended early by an account', silence({ endedAt: T + 5, endedReason: 'ended by admin-li' }), T + 6, 'ended', 'admin-li', false],
    ['ended as its alerts all resolved', silence({ endedAt: T + 5, endedReason: 'what it silenced has resolved' }), T + 6, 'resolved', null, false],
    ['ended for a reason this version does not know', silence({ endedAt: T + 5, endedReason: 'something new' }), T + 6, 'ended', null, false],
  ] as const)('%s', (_, s, now, status, endedBy, endable) => {
    expect(silenceStatus(s, now)).toEqual({ status, endedBy })
    expect(silenceEndable(s, now)).toBe(endable)
  })
})
