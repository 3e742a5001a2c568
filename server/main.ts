import { loadConfig } from './config'
import { createLogger } from './logger'
import { startServer } from './onescreen-server'

/** The process entry point: `npm start`. */
async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    console.error((err as Error).message)
    process.exit(2)
  }
  const log = createLogger(config.logLevel)
  const server = await startServer(config, log)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((err: unknown) => {
  console.error('OneScreen failed to start:', err instanceof Error ? err.message : err)
  process.exit(1)
})
