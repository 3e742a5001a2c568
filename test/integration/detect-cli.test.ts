import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createRng, gaussian } from '../../common/random'
import { REPO_ROOT, tempDir } from './harness'

/** `npm run detect` as a user runs it: a real process over real files. */

const dir = tempDir('detect')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function detect(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/alerting/detect-cli.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, lines: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr: r.stderr }
}

function write(name: string, text: string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}

describe('npm run detect', () => {
  it('runs a given rule over a timestamp,value CSV in event time, one JSON line per raised alert', () => {
    const csv = write('aqi.csv', 'timestamp,value\n2026-01-01 00:00:00,80\n2026-01-01 01:00:00,250\n2026-01-01 02:00:00,260\n2026-01-01 03:00:00,90\n2026-01-01 04:00:00,300\n2026-01-01 05:00:00,320\n')
    const rule = write('rule.json', JSON.stringify({
      id: 'aqi-two-high',
      name: { zh: 'AQI 连续超标', en: 'AQI high twice' },
      indicator: 'env.aqi',
      scope: { stationKind: 'air' },
      condition: { kind: 'threshold', op: 'above', value: 200, recover: 180 },
      forPoints: 2,
      severity: 'critical',
      message: { zh: '{station} AQI {value}', en: '{station} AQI {value}' },
    }))
    const out = detect(csv, '--rule', rule, '--assume-zone', '+08:00')
    expect(out.code).toBe(0)
    expect(out.lines.map((l) => [l.ts, l.value, l.row, l.rule, l.severity])).toEqual([
      // 02:00 at +08:00 is 18:00 UTC the day before; the second reading above 200 raises it.
      ['2025-12-31T18:00:00.000Z', 260, 4, 'aqi-two-high', 'critical'],
      ['2025-12-31T21:00:00.000Z', 320, 7, 'aqi-two-high', 'critical'],
    ])
  })

  it('runs the default baseline-deviation rule over a NAB series and finds the NYC marathon', () => {
    const out = detect('sample-data/nab/realKnownCause/nyc_taxi.csv')
    expect(out.code).toBe(0)
    expect(out.lines.every((l) => l.rule === 'traffic-speed-baseline')).toBe(true)
    // The labelled window around the 2014 NYC marathon (2014-11-02).
    expect(out.lines.some((l) => String(l.ts).startsWith('2014-11-02'))).toBe(true)
    expect(out.lines.length).toBeLessThan(30)
  })

  it.each([
    [['missing.csv'], /cannot read missing\.csv/],
    [[], /give one CSV file/],
    [['--rule', 'x.json'], /give one CSV file/],
  ])('refuses %j with a message', (args, message) => {
    const out = detect(...args)
    expect(out.code).toBe(2)
    expect(out.stderr).toMatch(message)
  })

  it('names the row of a bad timestamp or value, and the field of a bad rule', () => {
    expect(detect(write('bad-ts.csv', 'timestamp,value\n2026-01-01 00:00:00,1\nyesterday,2\n')).stderr).toMatch(/row 3: timestamp "yesterday"/)
    expect(detect(write('bad-value.csv', 'timestamp,value\n2026-01-01 00:00:00,high\n')).stderr).toMatch(/row 2: value "high" is not a number/)
    expect(detect(write('no-header.csv', 'a,b\n1,2\n')).stderr).toMatch(/header must name the columns timestamp and value/)
    const badRule = write('bad-rule.json', JSON.stringify({ id: 'x1', name: { zh: 'a', en: 'a' }, indicator: 'env.aqi', scope: { stationKind: 'air' }, condition: { kind: 'threshold', op: 'above', value: 200, recover: 250 }, severity: 'info', message: { zh: 'a', en: 'a' } }))
    expect(detect(write('ok.csv', 'timestamp,value\n2026-01-01 00:00:00,1\n'), '--rule', badRule).stderr).toMatch(/condition\.recover/)
  })

  it('passes over rows whose clock steps back 55 minutes, says so on stderr, and still finds what follows', () => {
    // Five days of a calm daily rhythm every 5 minutes; on day 4 the clock steps back 55 minutes and
    // carries on from there (its first row is 50 minutes older than the row before; 10 rows are older
    // than one already seen and the 11th repeats its time), a single row arrives 55 minutes late, and
    // a sharp drop follows hours later.
    const rng = createRng(55)
    const rows: string[] = []
    const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
    const t0 = Date.UTC(2026, 0, 5)
    const step = 5 * 60_000
    let back = 0
    for (let i = 0; i < 5 * 288; i++) {
      const t = t0 + i * step
      if (i === 4 * 288) back = 55 * 60_000
      const value = 50 + 20 * Math.sin((2 * Math.PI * t) / 86_400_000) + gaussian(rng) - (i >= 4 * 288 + 100 && i < 4 * 288 + 112 ? 40 : 0)
      rows.push(`${stamp(t - back)},${value.toFixed(2)}`)
      if (i === 4 * 288 + 50) rows.push(`${stamp(t - back - 55 * 60_000)},${value.toFixed(2)}`)
    }
    const out = detect(write('step-back.csv', `timestamp,value\n${rows.join('\n')}\n`))
    expect(out.code).toBe(0)
    expect(out.stderr).toMatch(/11 row\(s\) older than a row before them were not judged/)
    expect(out.stderr).toMatch(/first: row 1154, 50 min back; furthest back: 55 min/)
    expect(out.stderr).toMatch(/1 row\(s\) at the same time as the row before them were not judged/)
    // The drop is found (rows are 1-based with the header: row 2 is the first point); the step back raises nothing.
    const drop = 4 * 288 + 100 + 1 + 2
    expect(out.lines.some((l) => Number(l.row) >= drop && Number(l.row) < drop + 12)).toBe(true)
    expect(out.lines.filter((l) => Number(l.row) > 4 * 288 - 20 && Number(l.row) < drop)).toEqual([])
  })
})
