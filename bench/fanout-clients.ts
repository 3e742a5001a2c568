import { io, type Socket } from 'socket.io-client'
import { liveValueCount, type ClientToServerEvents, type ServerToClientEvents, type SubscribeAck } from '../common/live-contract'

/**
 * One process of `fanout` clients, driven by its parent over IPC:
 * `{ connect: url, clients, region }` opens that many sockets and subscribes
 * each (values by column unless `columns: false`, as the wall takes them); `{ measure: true }` starts recording; `{ report: true }` answers with
 * the delays recorded (ms from the tick's send time to its arrival), the
 * messages received and the sockets the server dropped; `{ close: true }`
 * disconnects all.
 */

type Command =
  | { connect: string; clients: number; region: string; subscribe: boolean; token?: string; stations?: boolean; columns?: boolean }
  | { measure: true }
  | { report: true }
  | { close: true }

let sockets: Array<Socket<ServerToClientEvents, ClientToServerEvents>> = []
let delays: number[] = []
let messages = 0
let values = 0
let measuring = false
/** Sockets the server dropped (not closed by us). */
let dropped = 0
let closing = false

function send(message: object): void {
  process.send!(message)
}

async function connect(url: string, clients: number, region: string, subscribe: boolean, token: string | undefined, stations: boolean, columns: boolean): Promise<void> {
  const opened = Array.from({ length: clients }, () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(token ? { auth: { token } } : {}) })
    socket.on('tick', (payload) => {
      if (!measuring) return
      delays.push(Date.now() - payload.at)
      messages++
      values += liveValueCount(payload)
    })
    socket.on('disconnect', () => {
      if (!closing) dropped++
    })
    return new Promise<typeof socket>((resolve, reject) => {
      socket.once('connect_error', reject)
      socket.once('connect', () => {
        if (!subscribe) return resolve(socket)
        socket.emit('subscribe', { region, stations, columns }, (ack: SubscribeAck) => (ack.ok ? resolve(socket) : reject(new Error(ack.error.message))))
      })
    })
  })
  sockets = await Promise.all(opened)
}

process.on('message', (command: Command) => {
  if ('connect' in command) {
    connect(command.connect, command.clients, command.region, command.subscribe, command.token, command.stations ?? true, command.columns ?? true).then(
      () => send({ connected: sockets.length }),
      (err: unknown) => send({ error: String(err) }),
    )
  } else if ('measure' in command) {
    delays = []
    messages = 0
    values = 0
    measuring = true
    send({ measuring: true })
  } else if ('report' in command) {
    measuring = false
    send({ delays, messages, values, dropped })
  } else if ('close' in command) {
    closing = true
    for (const s of sockets) s.disconnect()
    sockets = []
    send({ closed: true })
  }
})
// The parent going away takes this process with it.
process.on('disconnect', () => process.exit(0))
send({ ready: true })
