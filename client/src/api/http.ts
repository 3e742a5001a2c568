/**
 * The API over fetch: JSON in and out, and the server's error envelope turned
 * into an Error whose message is the server's (it names the problem).
 */

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Told when the server says the session is gone (401): the page asks to sign in again. */
export const UNAUTHENTICATED_EVENT = 'onescreen:unauthenticated'

async function read<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as unknown
  if (res.status === 401) dispatchEvent(new Event(UNAUTHENTICATED_EVENT))
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error
    throw new ApiRequestError(res.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`)
  }
  return body as T
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return read<T>(await fetch(url, { signal, headers: { accept: 'application/json' } }))
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  return read<T>(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))
}

/** Query string from defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}
