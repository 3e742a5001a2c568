import type { RequestHandler } from 'express'
import { GateFullError, WorkGate } from '../work-gate'
import { principalOf } from '../auth/http-auth'
import { ApiError } from './api-error'

/**
 * Storage reads that cost the engine real work (series, snapshots, rankings,
 * scorecards) pass a fair queue: `concurrency` at once for everyone, at most
 * PER_ACCOUNT_RUNNING of them for one account, and freed slots go to the
 * account served longest ago. Sixteen scorecard loops from one account used
 * to push everyone's p50 from ~60 ms to ~6.5 s; now that account waits behind
 * itself while the others' reads go through.
 */

/** Two: an account's screen loads a few panels at once; more than that from one account is a loop. */
export const PER_ACCOUNT_RUNNING = 2
/** A wall's first load queues ~10 reads at once; beyond this an account is refused (429) until it catches up. */
export const PER_ACCOUNT_QUEUED = 32
/** Reads waiting in all, across accounts, before the server says it is busy (503). */
export const MAX_QUEUED = 1024

export function createQueryGate(concurrency: number): WorkGate {
  return new WorkGate({ concurrency, perKeyRunning: Math.min(PER_ACCOUNT_RUNNING, concurrency), perKeyQueued: PER_ACCOUNT_QUEUED, maxQueued: MAX_QUEUED })
}

/** Holds a request until its account's turn comes; the slot is freed when the reply ends or the client goes. */
export function queryGate(gate: WorkGate): RequestHandler {
  return (req, res, next) => {
    const who = principalOf(res).name
    let gone = false
    res.once('close', () => (gone = true))
    gate.acquire(who).then(
      (release) => {
        if (gone) return release()
        res.once('close', release)
        next()
      },
      (err: unknown) => {
        if (!(err instanceof GateFullError)) return next(err)
        next(
          err.scope === 'caller'
            ? new ApiError(429, 'too_many_queries', `this account has ${PER_ACCOUNT_QUEUED} queries waiting already; wait for them before sending more`, { retryAfterSeconds: 1 })
            : new ApiError(503, 'busy', 'the server has too many queries waiting; try again shortly', { retryAfterSeconds: 2 }),
        )
      },
    )
  }
}
