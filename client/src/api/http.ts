import type { z } from 'zod'
import { errorReplySchema } from '../../../common/api/error-reply'
import { zodProblems } from '../../../common/zod-problems'
import { prefetched } from './prefetch-cache'

/**
 * The API over fetch: JSON in and out. A success is parsed with its route's
 * reply schema (common/api), so a screen gets the type the schema says or a
 * ReplyMismatchError naming the route and the fields at fault, never a
 * half-shaped object that shows up later as `undefined`. The server's error
 * envelope becomes an ApiRequestError whose message is the server's.
 */

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The envelope's `error.details` (a 409's current version, a 400's field problems), when it has them. */
    readonly details?: unknown,
  ) {
    super(message)
  }
}

/**
 * A success whose body is not what the route's contract says: a server and a
 * client of different versions, or a bug on either side.
 */
export class ReplyMismatchError extends Error {
  override readonly name = 'ReplyMismatchError'
  constructor(
    /** Method and path: `GET /api/series`. */
    readonly route: string,
    /** Every problem, each naming its field (`points.3.value: …`). */
    readonly problems: readonly string[],
  ) {
    super(`${route}: reply does not match: ${problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ')}${problems.length > MAX_PROBLEMS_SHOWN ? ` (and ${problems.length - MAX_PROBLEMS_SHOWN} more)` : ''}`)
  }
}

/** Problems in a mismatch's message: the first few say what went wrong; a list of hundreds says no more. */
const MAX_PROBLEMS_SHOWN = 3

/** Told when the server says the session is gone (401): the page asks to sign in again. */
export const UNAUTHENTICATED_EVENT = 'onescreen:unauthenticated'

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

async function read(res: Response): Promise<unknown> {
  const body: unknown = await res.json().catch(() => null)
  if (res.status === 401) dispatchEvent(new Event(UNAUTHENTICATED_EVENT))
  if (!res.ok) {
    // Read, not assumed: an error reply may come from a proxy in front of the server instead.
    const envelope = errorReplySchema.safeParse(body)
    const error = envelope.success ? envelope.data.error : undefined
    throw new ApiRequestError(res.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`, error?.details)
  }
  return body
}

/**
 * A success's body parsed with the route's reply schema.
 * @throws ReplyMismatchError when it does not match, naming `method` and the URL's path.
 */
export function parseReply<S extends z.ZodType>(method: Method, url: string, schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  throw new ReplyMismatchError(`${method} ${url.split('?')[0]}`, zodProblems(parsed.error.issues, { root: 'reply' }))
}

/**
 * GETs `url` and parses the reply with `schema` (a route's reply schema from
 * common/api). An answer prefetched for exactly this URL moments ago (the
 * tour's next step) is used once instead of asking again.
 */
export async function getJson<S extends z.ZodType>(url: string, schema: S, signal?: AbortSignal): Promise<z.output<S>> {
  const early = prefetched.take(url)
  const body = early !== undefined ? early : await read(await fetch(url, { signal, headers: { accept: 'application/json' } }))
  return parseReply('GET', url, schema, body)
}

/** Fetches `url` now and keeps the answer for the getJson that will ask for it; a failure is left for that read to meet. */
export async function prefetchJson(url: string): Promise<void> {
  try {
    prefetched.put(url, await read(await fetch(url, { headers: { accept: 'application/json' } })))
  } catch {
    // The real read will ask again and report the problem where it is shown.
  }
}

/** POSTs `body` as JSON to `url` and parses the reply with `schema`. */
export async function postJson<S extends z.ZodType>(url: string, body: unknown, schema: S): Promise<z.output<S>> {
  return sendJson('POST', url, body, schema)
}

/** PATCHes `url` with `body` as JSON and parses the reply with `schema`. */
export async function patchJson<S extends z.ZodType>(url: string, body: unknown, schema: S): Promise<z.output<S>> {
  return sendJson('PATCH', url, body, schema)
}

/** PUTs `body` as JSON to `url` and parses the reply with `schema`. */
export async function putJson<S extends z.ZodType>(url: string, body: unknown, schema: S): Promise<z.output<S>> {
  return sendJson('PUT', url, body, schema)
}

/** DELETEs `url` and parses the reply with `schema`. */
export async function deleteJson<S extends z.ZodType>(url: string, schema: S): Promise<z.output<S>> {
  const res = await fetch(url, { method: 'DELETE', headers: { accept: 'application/json' } })
  return parseReply('DELETE', url, schema, await read(res))
}

async function sendJson<S extends z.ZodType>(method: Exclude<Method, 'GET'>, url: string, body: unknown, schema: S): Promise<z.output<S>> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return parseReply(method, url, schema, await read(res))
}

/** Query string from defined values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}
