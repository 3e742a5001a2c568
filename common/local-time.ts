/**
 * Local calendar arithmetic for an IANA zone, with the platform's Intl data
 * (no date library needed for this one operation).
 */

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Minutes the zone is ahead of UTC at instant `at` (480 for Asia/Shanghai). */
export function utcOffsetMinutes(timeZone: string, at: number): number {
  const parts = formatter(timeZone).formatToParts(at)
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value)
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000)
}

/** The instant local midnight began on the local day containing `at`. */
export function startOfLocalDay(at: number, timeZone: string): number {
  const offset = utcOffsetMinutes(timeZone, at) * 60_000
  const guess = Math.floor((at + offset) / 86_400_000) * 86_400_000 - offset
  // Across a daylight-saving change the offset at midnight differs from now's.
  const atMidnight = utcOffsetMinutes(timeZone, guess) * 60_000
  return Math.floor((at + atMidnight) / 86_400_000) * 86_400_000 - atMidnight
}
