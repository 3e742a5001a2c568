/**
 * Posts points to a running OneScreen (POST /api/ingest) and honours its
 * answers: a 503 is retried after Retry-After, a refused connection after a
 * short pause; anything else is final and reported with the server's message.
 */

export interface IngestReply {
  accepted: number
  rejected: number
  duplicates: number
  errors: Array<{ line: number; field: string; reason: string }>
}

export class IngestRequestError extends Error {
  override readonly name = 'IngestRequestError'
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export interface PostOptions {
  /** The ingest key (Authorization: Bearer). */
  key?: string
  /** Give up after this many attempts. */
  attempts?: number
  onRetry?: (reason: string, waitMs: number) => void
}

const DEFAULT_ATTEMPTS = 20
const CONNECTION_RETRY_MS = 1000

export async function postNdjson(baseUrl: string, records: readonly unknown[], options: PostOptions = {}): Promise<IngestReply> {
  const body = records.map((r) => JSON.stringify(r)).join('\n')
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS
  for (let attempt = 1; ; attempt++) {
    let res: Response
    try {
      const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' }
      if (options.key) headers.authorization = `Bearer ${options.key}`
      res = await fetch(`${baseUrl}/api/ingest`, { method: 'POST', headers, body })
    } catch (err) {
      if (attempt >= attempts) throw err
      options.onRetry?.(`cannot reach ${baseUrl}: ${(err as Error).message}`, CONNECTION_RETRY_MS)
      await sleep(CONNECTION_RETRY_MS)
      continue
    }
    const text = await res.text()
    if (res.ok) return JSON.parse(text) as IngestReply
    const message = errorMessage(text) ?? `HTTP ${res.status}`
    if (res.status === 503 && attempt < attempts) {
      const waitMs = Math.max(1, Number(res.headers.get('retry-after') ?? 1)) * 1000
      options.onRetry?.(message, waitMs)
      await sleep(waitMs)
      continue
    }
    throw new IngestRequestError(res.status, message)
  }
}

function errorMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } }
    return typeof body.error?.message === 'string' ? body.error.message : undefined
  } catch {
    return undefined
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
