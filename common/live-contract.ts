import { z } from 'zod'
import type { AlertEvent } from './alert-events'
import { describeZodError } from './zod-problems'

/**
 * The socket contract between the server and every screen: one set of event
 * maps types both `Server<ClientToServer, ServerToClient>` and the client's
 * `Socket<ServerToClient, ClientToServer>`, and the zod schemas here validate
 * what a client sends before the server acts on it.
 *
 * - `subscribe` joins one room: a region's subtree, optionally only some
 *   indicators. The ack carries the room's current state; then `tick`s carry
 *   only what changed, once a second (volatile: a dropped tick is healed by the
 *   next one, since a value that changes again is sent again).
 * - `alert` events are reliable and numbered. A client keeps the highest `seq`
 *   it has seen; after a reconnect it subscribes again and sends `resume` with
 *   that number, and the missed events arrive as `alert`s before the ack. The
 *   same event may arrive twice around a resume: `seq` identifies it.
 */

/** One live value: a region's aggregate, or (with `station`) one station's own value. */
export interface LiveValue {
  indicator: string
  region: string
  station?: string
  value: number
  /** Event time of the newest point behind the value, epoch ms. */
  ts: number
}

/**
 * Live values by column, index i of every array being one value: what a
 * subscriber that asks for `columns` gets instead of an object per value (the
 * form DESIGN.md gives, and the default). A tick reaches every screen, and each
 * parses it: columns of short strings and numbers are a third of the bytes and
 * parse several times faster (measured with 2,000 screens: p99 delivery 507 →
 * 272 ms). Our own screens ask for them. `toLiveColumns` and `fromLiveColumns`
 * convert; `liveValuesOf` reads either form.
 */
export interface LiveColumns {
  /** The indicator codes this message uses; `indicator[i]` is a position in it. */
  codes: string[]
  indicator: number[]
  region: string[]
  /** '' for a region's own value. */
  station: string[]
  value: number[]
  /** How old each value is: the message's `at` minus the value's event time, ms. */
  age: number[]
}

export interface TickPayload {
  /** Newest event time the hub has seen, epoch ms (null before any data). */
  asOf: number | null
  /** Server time when the tick was sent, epoch ms (how late a screen hears it). */
  at: number
  /** An object per value, or columns for a subscriber that asked for them. */
  values: LiveValue[] | LiveColumns
}

/** The values of a tick or state, in whichever form they came. */
export function liveValuesOf(payload: TickPayload): LiveValue[] {
  return Array.isArray(payload.values) ? payload.values : fromLiveColumns(payload.values, payload.at)
}

/** How many values a tick or state carries. */
export function liveValueCount(payload: TickPayload): number {
  return Array.isArray(payload.values) ? payload.values.length : payload.values.value.length
}

/** Values as columns for a message sent at `at`. */
export function toLiveColumns(values: readonly LiveValue[], at: number): LiveColumns {
  const n = values.length
  const codes: string[] = []
  const position = new Map<string, number>()
  const cols: LiveColumns = { codes, indicator: new Array<number>(n), region: new Array<string>(n), station: new Array<string>(n), value: new Array<number>(n), age: new Array<number>(n) }
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    let k = position.get(v.indicator)
    if (k === undefined) {
      k = codes.push(v.indicator) - 1
      position.set(v.indicator, k)
    }
    cols.indicator[i] = k
    cols.region[i] = v.region
    cols.station[i] = v.station ?? ''
    cols.value[i] = v.value
    cols.age[i] = at - v.ts
  }
  return cols
}

/** The values of a message sent at `at`, as objects. */
export function fromLiveColumns(cols: LiveColumns, at: number): LiveValue[] {
  const n = cols.value.length
  const out = new Array<LiveValue>(n)
  for (let i = 0; i < n; i++) {
    const station = cols.station[i]!
    const v: LiveValue = { indicator: cols.codes[cols.indicator[i]!]!, region: cols.region[i]!, value: cols.value[i]!, ts: at - cols.age[i]! }
    if (station !== '') v.station = station
    out[i] = v
  }
  return out
}

export const SubscribeRequestSchema = z.strictObject({
  region: z.string().regex(/^\d{6}$/, 'region must be a 6-digit region code'),
  indicators: z.array(z.string().min(1)).min(1, 'indicators, when given, must name at least one').max(200).optional(),
  /** Station values too (for the map); default true. */
  stations: z.boolean().optional(),
  /** Values by column (LiveColumns) instead of an object each; default false. */
  columns: z.boolean().optional(),
})
export type SubscribeRequest = z.infer<typeof SubscribeRequestSchema>

export const ResumeRequestSchema = z.strictObject({
  lastSeq: z.number().int('lastSeq must be an integer').min(0, 'lastSeq must be 0 or more'),
})
export type ResumeRequest = z.infer<typeof ResumeRequestSchema>

export interface AckError {
  ok: false
  error: { code: string; message: string }
}

export type SubscribeAck =
  | {
      ok: true
      room: { region: string; indicators: string[] | null; stations: boolean; columns: boolean }
      state: TickPayload
      /** The newest alert sequence number: resume from here to miss nothing. */
      lastSeq: number
    }
  | AckError

export type ResumeAck = { ok: true; replayed: number; lastSeq: number } | AckError

export type { AlertEvent, AlertEventType } from './alert-events'

export interface AlertEnvelope {
  seq: number
  event: AlertEvent
}

export interface ServerToClientEvents {
  tick: (payload: TickPayload) => void
  alert: (envelope: AlertEnvelope) => void
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (reply: SubscribeAck) => void) => void
  resume: (request: ResumeRequest, ack: (reply: ResumeAck) => void) => void
}

/** A zod error as one message naming the field: "indicators: must name at least one". */
export function describeIssues(error: z.ZodError): string {
  return describeZodError(error, { max: 3 })
}
