import { pino, type Logger } from 'pino'

export type { Logger }

/** The one logger: JSON lines on stdout, one child per component. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'onescreen' }, timestamp: pino.stdTimeFunctions.isoTime })
}
