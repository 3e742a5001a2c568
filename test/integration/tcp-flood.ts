import { fork, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A flood of TCP connections that never finish their headers, from a process
 * of its own (so that the descriptors it holds are not counted as the
 * server's, and its work runs beside the server's rather than inside it).
 *
 * `connections` slots each hold one connection: it sends a request line and a
 * header, never the blank line that ends the headers, and waits. When the
 * server closes it — reset at once by a cap, or answered 408 by the headers
 * timeout — the slot dials again after `redialMs`, until `durationMs` is over
 * or `maxDials` have been made. Used by the connection-flood test and bench.
 */

export interface FloodOptions {
  port: number
  host: string
  /** Connections kept open (attempted) at once. */
  connections: number
  /** Local addresses to dial from, slot i from localAddresses[i % length] (127.0.0.2… on Linux loopback). */
  localAddresses: readonly string[]
  durationMs: number
  /** Pause before a slot dials again. */
  redialMs: number
  /** Dials at most, whatever the duration. */
  maxDials: number
}

export interface FloodReport {
  dials: number
  /** Connections the server closed without a word (a cap's reset, or a drop before accepting). */
  refused: number
  /** Connections the server answered (408) and closed: their headers were late. */
  timedOut: number
  /** The longest a connection stayed open before the server closed it, ms. */
  heldMaxMs: number
  /** Connections the server still held when the flood ended. */
  openAtEnd: number
  /** The most connections the server held at once (connected and not yet closed). */
  openMax: number
}

type ChildMessage = { ready: true } | { report: FloodReport } | { error: string }

export interface Flood {
  /** The report, once the flood is over. */
  done: Promise<FloodReport>
  /** Ends the flood process now (its connections go with it). */
  kill(): void
}

const thisFile = fileURLToPath(import.meta.url)

/** Starts a flood in a child process; resolves once it is dialing. */
export async function startFlood(options: FloodOptions): Promise<Flood> {
  const child: ChildProcess = fork(thisFile, [], { cwd: path.resolve(path.dirname(thisFile), '../..'), execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  const messages = (handle: (m: ChildMessage) => void) => child.on('message', (m) => handle(m as ChildMessage))
  try {
    await new Promise<void>((resolve, reject) => {
      messages((m) => ('ready' in m ? resolve() : 'error' in m ? reject(new Error(m.error)) : undefined))
      child.once('exit', (code) => reject(new Error(`the flood process exited with ${code} before starting`)))
    })
  } catch (err) {
    kill()
    throw err
  }
  const done = new Promise<FloodReport>((resolve, reject) => {
    messages((m) => {
      if ('report' in m) resolve(m.report)
      if ('error' in m) reject(new Error(m.error))
    })
    child.once('exit', (code) => reject(new Error(`the flood process exited with ${code} without a report`)))
  })
  // A report arrives before the exit; the exit's rejection then changes nothing.
  done.catch(() => {})
  child.send({ start: options })
  return { done, kill }
}

/** The child: dials as told and reports. */
function runChild(): void {
  process.on('disconnect', () => process.exit(0))
  process.once('message', (message: { start: FloodOptions }) => {
    flood(message.start).then(
      (report) => process.send!({ report } satisfies ChildMessage, () => process.exit(0)),
      (err: unknown) => process.send!({ error: String(err) } satisfies ChildMessage, () => process.exit(1)),
    )
  })
  process.send!({ ready: true } satisfies ChildMessage)
}

/** Headers begun and never ended. */
const PARTIAL_REQUEST = 'GET / HTTP/1.1\r\nHost: flood\r\n'

function flood(o: FloodOptions): Promise<FloodReport> {
  const report: FloodReport = { dials: 0, refused: 0, timedOut: 0, heldMaxMs: 0, openAtEnd: 0, openMax: 0 }
  const open = new Set<net.Socket>()
  const end = Date.now() + o.durationMs
  let over = false
  return new Promise((resolve) => {
    const dial = (slot: number) => {
      if (over || Date.now() >= end || report.dials >= o.maxDials) return
      report.dials++
      const socket = net.connect({ port: o.port, host: o.host, localAddress: o.localAddresses[slot % o.localAddresses.length] })
      let connectedAt = 0
      let answered = false
      socket.on('error', () => {})
      socket.once('connect', () => {
        connectedAt = Date.now()
        open.add(socket)
        report.openMax = Math.max(report.openMax, open.size)
        socket.write(PARTIAL_REQUEST)
      })
      socket.on('data', () => (answered = true))
      socket.once('close', () => {
        if (over) return
        open.delete(socket)
        if (answered) {
          report.timedOut++
          report.heldMaxMs = Math.max(report.heldMaxMs, Date.now() - connectedAt)
        } else report.refused++
        setTimeout(() => dial(slot), o.redialMs)
      })
    }
    for (let slot = 0; slot < o.connections; slot++) dial(slot)
    setTimeout(() => {
      over = true
      report.openAtEnd = open.size
      for (const s of open) s.destroy()
      resolve(report)
    }, o.durationMs)
  })
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === thisFile && process.send) runChild()
