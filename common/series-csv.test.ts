import { describe, expect, it } from 'vitest'
import { testCatalog } from '../test/fixtures/catalog'
import { COMPARISON_CSV_COLUMNS, CSV_BOM, exportFileName, localIso, seriesCsv, SERIES_CSV_COLUMNS, type SeriesCsvContext } from './series-csv'

const index = testCatalog()
const ctx = (over: Partial<SeriesCsvContext> = {}): SeriesCsvContext => ({
  indicator: index.indicator('env.water_compliance')!,
  region: index.region('990101')!,
  timeZone: 'Asia/Shanghai',
  lang: 'zh',
  ...over,
})

/** The rows of a CSV as fields (RFC 4180 quoting), without the byte-order mark. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = text.startsWith(CSV_BOM) ? 1 : 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"'
      i++
    } else if (c === '"') {
      quoted = !quoted
    } else if (quoted || (c !== ',' && c !== '\r' && c !== '\n')) {
      field += c
    } else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    }
  }
  return rows
}

describe('seriesCsv', () => {
  const points = [
    { ts: Date.UTC(2026, 10, 21, 0), value: 23.181818181818183, min: 12, max: 0.1 + 0.2, count: 60 },
    { ts: Date.UTC(2026, 10, 21, 1), value: -3, min: -1e-7, max: 40.05, count: 1 },
  ]

  it('opens with a byte-order mark, names what every row is, and writes local time with its offset', () => {
    const csv = seriesCsv(points, ctx())
    expect(csv.startsWith(CSV_BOM)).toBe(true)
    const rows = parseCsv(csv)
    expect(rows[0]).toEqual([...SERIES_CSV_COLUMNS])
    // Water compliance is kept to one decimal.
    const water = index.indicator('env.water_compliance')!
    const region = index.region('990101')!
    expect(rows[1]).toEqual(['2026-11-21T08:00:00+08:00', 'env.water_compliance', water.name.zh, water.unit.zh, '990101', region.name.zh, '', '', '23.2', '12', '0.3', '60'])
    expect(rows).toHaveLength(3)
  })

  it('rounds values to the indicator’s precision, and names in the language asked, with a station', () => {
    const station = index.station('AQ-990101-01')!
    const rows = parseCsv(seriesCsv(points, ctx({ lang: 'en', station, indicator: index.indicator('env.aqi')! })))
    const aqi = index.indicator('env.aqi')!
    expect(rows[2]).toEqual(['2026-11-21T09:00:00+08:00', 'env.aqi', aqi.name.en, aqi.unit.en, '990101', index.region('990101')!.name.en, station.code, station.name.en, '-3', '0', '40', '1'])
  })

  it('reads back to the points at the indicator’s precision', () => {
    const precision = index.indicator('env.water_compliance')!.precision
    const back = parseCsv(seriesCsv(points, ctx()))
      .slice(1)
      .map((r) => ({ ts: Date.parse(r[0]!), value: Number(r[8]), min: Number(r[9]), max: Number(r[10]), count: Number(r[11]) }))
    // (+ 0: a value that rounds to zero from below reads back as 0, not -0.)
    const round = (x: number) => Number(x.toFixed(precision)) + 0
    expect(back).toEqual(points.map((p) => ({ ts: p.ts, value: round(p.value), min: round(p.min), max: round(p.max), count: p.count })))
  })

  it('quotes a name holding a comma or a quote', () => {
    const region = { ...index.region('990101')!, name: { zh: '东区, "新"', en: 'East' } }
    const rows = parseCsv(seriesCsv(points.slice(0, 1), ctx({ region })))
    expect(rows[1]![5]).toBe('东区, "新"')
  })

  it('adds the comparison the view shows: the bucket holding each row’s time, its value and the change', () => {
    // A year back only daily values: both hours get the day's value.
    const lastYear = { ts: Date.UTC(2025, 10, 20, 16), value: 20.04, min: 20, max: 20, count: 1 }
    const rows = parseCsv(seriesCsv(points, ctx({ comparison: { points: [lastYear], offset: points[0]!.ts - lastYear.ts, step: '1d' } })))
    expect(rows[0]).toEqual([...SERIES_CSV_COLUMNS, ...COMPARISON_CSV_COLUMNS])
    expect(rows[1]!.slice(-3)).toEqual(['2025-11-21T00:00:00+08:00', '20', '15.68'])
    expect(rows[2]!.slice(-3)).toEqual(['2025-11-21T00:00:00+08:00', '20', '-114.97'])
    // Without a comparison bucket the comparison cells are empty, never made up.
    const none = parseCsv(seriesCsv(points, ctx({ comparison: { points: [], offset: 0, step: '1h' } })))
    expect(none[1]!.slice(-3)).toEqual(['', '', ''])
  })

  it('is only the header for no points', () => {
    expect(seriesCsv([], ctx())).toBe(`${CSV_BOM}${SERIES_CSV_COLUMNS.join(',')}\r\n`)
  })
})

describe('localIso', () => {
  it.each([
    [Date.UTC(2026, 10, 21, 16, 30), 'Asia/Shanghai', '2026-11-22T00:30:00+08:00'],
    // Either side of a daylight-saving change, each with its own offset.
    [Date.UTC(2026, 2, 29, 0, 30), 'Europe/Berlin', '2026-03-29T01:30:00+01:00'],
    [Date.UTC(2026, 2, 29, 1, 30), 'Europe/Berlin', '2026-03-29T03:30:00+02:00'],
    [Date.UTC(2026, 0, 1, 12), 'America/St_Johns', '2026-01-01T08:30:00-03:30'],
  ])('writes %d in %s as %s', (ts, zone, expected) => {
    expect(localIso(ts, zone)).toBe(expected)
    expect(Date.parse(expected)).toBe(ts)
  })
})

describe('exportFileName', () => {
  it('names indicator, region, window and step', () => {
    expect(exportFileName({ indicator: 'env.aqi', region: '440100', from: Date.UTC(2026, 10, 15), to: Date.UTC(2026, 10, 22, 8, 30), step: '1h' }, 'csv')).toBe(
      'env.aqi_440100_20261115T0000Z_20261122T0830Z_1h.csv',
    )
  })
})
