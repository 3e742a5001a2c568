import { isIP } from 'node:net'
import path from 'node:path'
import { z } from 'zod'
import { utcOffsetMinutes } from '../common/local-time'
import { zodProblems } from '../common/zod-problems'

/**
 * Every setting the server reads, from the environment, validated once at start.
 * A bad value stops the process with a message naming the variable.
 */

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v))

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a plain identifier (letters, digits, _)')

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default('./data'),
  CATALOG_DIR: z.string().min(1).default('./sample-data'),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: identifier.default('onescreen'),
  /** IANA zone whose midnight starts a day in daily rollups and "today so far" values. */
  TIMEZONE: z.string().min(1).default('Asia/Shanghai'),
  SIMULATE: flag.default(true),
  SIMULATION_SEED: z.coerce.number().int().default(2260),
  BACKFILL: flag.default(true),
  /** Raw points are kept this long; rollups keep history longer (see migrations). */
  RAW_RETENTION_DAYS: z.coerce.number().int().min(1).max(36500).default(90),
  /** How often the live hub sends changed values to the screens. */
  TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Alert events kept in memory for reconnecting screens (older ones come from storage). */
  ALERT_RING_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** A session ends after this long without use. */
  SESSION_TTL_HOURS: z.coerce.number().min(0.01).max(24 * 90).default(24),
  /** The admin's password on a first start on a non-loopback address (12+ characters). */
  ONESCREEN_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
  /** Sign-in attempts per address per minute. */
  LOGINS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  /** Writes (alert actions, rules, accounts) per account per minute. */
  WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Ingest requests per key or account per minute. */
  INGEST_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(60_000),
  /**
   * Reads per account per minute. A wall loads ~40 reads and refreshes a few a
   * minute; an analyst clicking fast makes a few a second. 1200 leaves room for
   * several walls signed in as one account, and stops one loop from hogging storage.
   */
  READS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(1200),
  /** Storage queries (series, snapshots, rankings, scorecards) running at once, for everyone. */
  QUERY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  /**
   * Open TCP connections at most, for everyone. Never more than the open-file
   * limit leaves beside storage's reserve (server/http/descriptor-budget.ts),
   * which is also the default; set it to go lower.
   */
  MAX_CONNECTIONS: z.coerce.number().int().min(1).max(10_000_000).optional(),
  /**
   * Open TCP connections at most from one address (an IPv4 address, an IPv6
   * /64), proxies excepted. A browser holds at most 6 connections to a host
   * plus one socket per open screen: 256 serves a few dozen busy browsers
   * behind one NAT address, and is all one flooding address can hold.
   */
  MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000_000).default(256),
  /**
   * socket.io connections at most from one address, proxies excepted. Each
   * open screen is one: 128 is several control rooms behind one NAT address.
   */
  MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000_000).default(128),
  /**
   * Reverse proxies in front, comma-separated addresses or subnets ("" for
   * none): one proxy address carries many clients, so the per-address caps
   * leave it alone (the proxy limits its clients itself). Default: none —
   * an exempt address is one whose flood only the total cap stops, so it must
   * be named on purpose (a proxy on this host: "127.0.0.1,::1").
   */
  PROXY_ADDRESSES: z.string().default('').transform((text, ctx) => {
    const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '')
    for (const e of entries) if (!isAddressOrSubnet(e)) ctx.addIssue({ code: 'custom', message: `not an IP address or subnet: ${e}` })
    return entries
  }),
  /** Mark the session cookie Secure and send HSTS (when served over HTTPS, e.g. behind a proxy). */
  SECURE_COOKIE: flag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type Config = ReturnType<typeof loadConfig>

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const lines = zodProblems(parsed.error.issues)
    throw new Error(`invalid configuration:\n  ${lines.join('\n  ')}`)
  }
  const e = parsed.data
  if (!isKnownTimeZone(e.TIMEZONE)) throw new Error(`invalid configuration:\n  TIMEZONE: unknown time zone ${e.TIMEZONE}`)
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(e.DATA_DIR),
    catalogDir: path.resolve(e.CATALOG_DIR),
    clickhouse: e.CLICKHOUSE_URL
      ? {
          mode: 'remote' as const,
          url: e.CLICKHOUSE_URL,
          user: e.CLICKHOUSE_USER,
          password: e.CLICKHOUSE_PASSWORD,
          database: e.CLICKHOUSE_DATABASE,
        }
      : { mode: 'embedded' as const, path: path.resolve(e.DATA_DIR, 'clickhouse'), database: e.CLICKHOUSE_DATABASE },
    timeZone: e.TIMEZONE,
    /** The zone's offset now; simulators model local days with it (China keeps one offset all year). */
    utcOffsetMinutes: utcOffsetMinutes(e.TIMEZONE, Date.now()),
    simulate: e.SIMULATE,
    simulationSeed: e.SIMULATION_SEED,
    backfill: e.BACKFILL,
    rawRetentionDays: e.RAW_RETENTION_DAYS,
    tickMs: e.TICK_MS,
    alertRingSize: e.ALERT_RING_SIZE,
    logLevel: e.LOG_LEVEL,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    adminPassword: e.ONESCREEN_ADMIN_PASSWORD,
    limits: {
      loginsPerMinute: e.LOGINS_PER_MINUTE,
      writesPerMinute: e.WRITES_PER_MINUTE,
      ingestPerMinute: e.INGEST_REQUESTS_PER_MINUTE,
      readsPerMinute: e.READS_PER_MINUTE,
      queryConcurrency: e.QUERY_CONCURRENCY,
    },
    secureCookie: e.SECURE_COOKIE,
    connections: {
      maxConnections: e.MAX_CONNECTIONS,
      maxPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
      maxSocketsPerAddress: e.MAX_SOCKETS_PER_ADDRESS,
      proxies: e.PROXY_ADDRESSES,
    },
  }
}

/** "10.0.0.5", "::1", "10.0.0.0/8", "fd00::/8". */
function isAddressOrSubnet(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return false
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
}

function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
