/**
 * Errors that cross layers: raised in storage or ingest, answered by the HTTP
 * layer (api-error.ts maps each to its status and Retry-After). Errors that
 * stay inside one module (AuthError, AlertError, rule validation…) live with
 * it.
 */

/** The writer is behind: the caller should answer 503 and the producer retry later. */
export class BackpressureError extends Error {
  override readonly name = 'BackpressureError'
  constructor(readonly retryAfterSeconds: number) {
    super(`ingest is behind (queue full); retry in ${retryAfterSeconds} s`)
  }
}

/** Storage failed: nothing of the request is acknowledged; the producer should retry. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError'
  readonly retryAfterSeconds = 5
  constructor(cause: unknown) {
    super('storage is unavailable; nothing from this request was stored', { cause })
  }
}
