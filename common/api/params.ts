import { z } from 'zod'
import { CODE_PATTERN, REGION_LEVELS } from '../catalog-schema'

/**
 * Query-parameter schemas shared by the routes' contracts. Their messages
 * name the parameter: a refusal reads `level must be one of province, city,
 * county (got "town")`, as the server's 400 and as anything a client checks.
 */

/** A refused value as a message shows it: quoted text, or its type (some values have no string form). */
export function shown(input: unknown): string {
  return typeof input === 'string' ? `"${truncate(input)}"` : typeof input
}

/** Long values are cut in messages: a message names the problem, it does not echo the input back. */
export function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s
}

export const codeParam = (name: string) => z.string().regex(CODE_PATTERN, `${name} must be a catalog code (letters, digits, "_", ".", ":" or "-")`)

export const levelParam = z.enum(REGION_LEVELS, { error: (i) => `level must be one of ${REGION_LEVELS.join(', ')}${i.input === undefined ? '' : ` (got ${shown(i.input)})`}` })

/**
 * An instant as epoch milliseconds or ISO-8601 with a zone. A zoneless time
 * would be read in whatever zone the server runs in. In a query string an
 * unencoded "+" of "+08:00" arrives as a space, so a space before the offset
 * is read as "+".
 */
const ISO_WITH_ZONE = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+\- ]\d{2}:?\d{2})$/
export const instantParam = (name: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseInstant(text)
    if (ms !== undefined) return ms
    ctx.addIssue({
      code: 'custom',
      message: `${name} must be epoch milliseconds or an ISO-8601 date-time with a zone (e.g. 2026-11-21T08:00:00+08:00), got "${truncate(text)}"`,
    })
    return z.NEVER
  })

export function parseInstant(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text)
  const m = ISO_WITH_ZONE.exec(text)
  if (!m) return undefined
  const zone = m[2]!.startsWith(' ') ? `+${m[2]!.slice(1)}` : m[2]!
  const ms = Date.parse(`${m[1]!.replace(' ', 'T')}${zone}`)
  return Number.isNaN(ms) ? undefined : ms
}

/** A route that takes no query parameters (or no body): anything given is refused by name. */
export const noParams = z.strictObject({})
