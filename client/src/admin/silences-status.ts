import type { Silence } from '../../../common/alert-state'

/**
 * Where a silence stands, for its history: not started, in force, or how it
 * ended. The log records why a silence ended only as words
 * (server/alerting/alert-service.ts): `expired`, `ended by <account>`, or
 * `what it silenced has resolved`; anything else reads as ended early.
 */

export const SILENCE_STATUSES = ['pending', 'active', 'ended', 'expired', 'resolved'] as const
export type SilenceStatus = (typeof SILENCE_STATUSES)[number]

export function silenceStatus(s: Pick<Silence, 'startsAt' | 'endsAt' | 'endedAt' | 'endedReason'>, now: number): { status: SilenceStatus; endedBy: string | null } {
  if (s.endedAt === null) {
    // Past its end but not yet marked so by the server's next tick: it is over all the same.
    const status = now < s.startsAt ? 'pending' : now < s.endsAt ? 'active' : 'expired'
    return { status, endedBy: null }
  }
  if (s.endedReason === 'expired') return { status: 'expired', endedBy: null }
  if (s.endedReason === 'what it silenced has resolved') return { status: 'resolved', endedBy: null }
  const by = /^ended by (.+)$/.exec(s.endedReason ?? '')
  return { status: 'ended', endedBy: by ? by[1]! : null }
}

/** Whether it can still be ended: it has not ended, and its end lies ahead. */
export function silenceEndable(s: Pick<Silence, 'startsAt' | 'endsAt' | 'endedAt' | 'endedReason'>, now: number): boolean {
  const { status } = silenceStatus(s, now)
  return status === 'active' || status === 'pending'
}
