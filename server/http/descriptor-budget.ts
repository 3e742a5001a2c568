import fs from 'node:fs'

/**
 * How many connections the process may hold without taking the file
 * descriptors storage needs. chDB runs inside this process and opens its data
 * files (parts, marks, temporary files of merges and queries) from the same
 * descriptor table as the sockets: when connections take them all, reads
 * answer "Too many open files" and inserts fail. So connections get the soft
 * RLIMIT_NOFILE minus a reserve, and no more.
 *
 * Node has no getrlimit, so the limit is read from /proc/self/limits (Linux).
 * Node itself raises the soft limit to the hard limit when it starts, so what
 * is read here is in practice the hard limit the process was given: the
 * deployment's lever is `ulimit -Hn` (systemd `LimitNOFILE=`, Docker
 * `--ulimit nofile=`), not anything this process can do.
 */

/**
 * Soft limit assumed where /proc/self/limits cannot be read (not Linux):
 * 1024 is the lowest soft limit a Linux or BSD login gets by default, and below
 * what Node raises it to on macOS, so the cap errs on the side of storage.
 */
export const FALLBACK_OPEN_FILE_LIMIT = 1024

/**
 * Descriptors kept free above those open at start, for what storage opens
 * while it works: a query opens each part's data and mark files, a merge
 * both its inputs and its output, an insert its new part. Measured with the
 * sample province under its simulators after a backfilled day, with 6
 * readers looping over series, snapshots, rankings and scorecards for a
 * minute (4 storage queries at once, QUERY_CONCURRENCY's default): 213
 * descriptors open after start, at most 296 while working, so storage opened
 * up to ~85 more. 512 is six times that: room for more parts before merges
 * catch up, bigger queries, and the files Node opens (the client's assets
 * are streamed from disk, one descriptor each).
 */
export const STORAGE_DESCRIPTOR_HEADROOM = 512

/** Descriptors assumed open at start where they cannot be counted: the 213 of the measurement above, rounded up. */
export const ASSUMED_IN_USE = 256

/**
 * Connections allowed however small the limit: below this the server cannot
 * serve a control room at all, and says so at start (raise the hard limit).
 */
export const MIN_CONNECTIONS = 64

/**
 * The limit where /proc/self/limits says "unlimited" (not seen on Linux, where
 * RLIMIT_NOFILE cannot exceed fs.nr_open): fs.nr_open's default.
 */
const UNLIMITED = 1_048_576

export interface DescriptorBudget {
  /** The process's soft RLIMIT_NOFILE (or the fallback). */
  openFileLimit: number
  /** Whether openFileLimit was read from the system or assumed. */
  limitFrom: 'proc' | 'fallback'
  /** Descriptors open when the budget was made (storage, logs, the runtime's own); undefined when they cannot be counted. */
  inUse: number | undefined
  /** Descriptors connections may not take: inUse (or ASSUMED_IN_USE) + STORAGE_DESCRIPTOR_HEADROOM. */
  reserve: number
  /** Open connections at most: openFileLimit − reserve, at least MIN_CONNECTIONS. */
  connections: number
}

/** Where the budget reads the system (injected in tests). */
export interface DescriptorSource {
  /** The text of /proc/self/limits. */
  limits(): string
  /** The number of descriptors this process has open. */
  openDescriptors(): number
}

export const procDescriptorSource: DescriptorSource = {
  limits: () => fs.readFileSync('/proc/self/limits', 'utf8'),
  // Listing the directory opens one descriptor for itself, which is listed too.
  openDescriptors: () => fs.readdirSync('/proc/self/fd').length - 1,
}

/** The soft limit on open files from the text of /proc/<pid>/limits; undefined when the line is missing or unreadable. */
export function parseOpenFileLimit(limitsText: string): number | undefined {
  const m = /^Max open files\s+(\S+)\s+\S+/m.exec(limitsText)
  if (!m) return undefined
  if (m[1] === 'unlimited') return UNLIMITED
  const n = Number(m[1])
  return Number.isInteger(n) && n > 0 ? n : undefined
}

/**
 * The connections this process can afford now: call it once storage is open
 * and before listening, so that what storage already holds is counted.
 */
export function descriptorBudget(source: DescriptorSource = procDescriptorSource): DescriptorBudget {
  let limit: number | undefined
  try {
    limit = parseOpenFileLimit(source.limits())
  } catch {
    limit = undefined
  }
  let inUse: number | undefined
  try {
    inUse = source.openDescriptors()
  } catch {
    inUse = undefined
  }
  const openFileLimit = limit ?? FALLBACK_OPEN_FILE_LIMIT
  const reserve = (inUse ?? ASSUMED_IN_USE) + STORAGE_DESCRIPTOR_HEADROOM
  return {
    openFileLimit,
    limitFrom: limit === undefined ? 'fallback' : 'proc',
    inUse,
    reserve,
    connections: Math.max(MIN_CONNECTIONS, openFileLimit - reserve),
  }
}
