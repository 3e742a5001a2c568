import { describe, expect, it } from 'vitest'
import type { ScheduledAnomaly } from '../../ingest/simulators'
import { loadCatalog } from '../../server/catalog/load-catalog'
import { affects, effectOn, incidentsFrom, type Incident, type SeriesRef } from './answer-key'

const index = loadCatalog('sample-data')

function anomaly(over: Partial<ScheduledAnomaly> = {}): ScheduledAnomaly {
  return { kind: 'spike', indicator: 'traffic.speed', region: '440103', station: 'TD-440103-001', start: 1000, end: 6000, magnitude: 80, ...over }
}

function incident(over: Partial<Incident> = {}): Incident {
  return { id: 'x', kind: 'spike', region: '440103', station: 'TD-440103-001', start: 0, end: 1000, effects: [{ indicator: 'traffic.speed', magnitude: 80 }], ...over }
}

const series = (indicator: string, region: string, station = '', aggregate = false): SeriesRef => ({ indicator, region, station, aggregate })

describe('incidentsFrom', () => {
  it('makes one incident of the records of one fault (a station going down)', () => {
    const records = ['traffic.flow', 'traffic.speed', 'traffic.occupancy'].map((indicator) => anomaly({ kind: 'dropout', indicator, magnitude: 0 }))
    const [only, ...rest] = incidentsFrom(records)
    expect(rest).toEqual([])
    expect(only!.effects.map((e) => e.indicator)).toEqual(['traffic.flow', 'traffic.speed', 'traffic.occupancy'])
    expect(only).toMatchObject({ kind: 'dropout', station: 'TD-440103-001', start: 1000, end: 6000 })
  })

  it('keeps apart faults that differ in place, time or kind, and episodes of different pollutants', () => {
    const out = incidentsFrom([
      anomaly(),
      anomaly({ station: 'TD-440103-002' }),
      anomaly({ start: 2000 }),
      anomaly({ kind: 'stuck', magnitude: 40 }),
      { kind: 'episode', indicator: 'env.pm25', region: '440100', start: 0, end: 10, magnitude: 200 },
      { kind: 'episode', indicator: 'env.o3', region: '440100', start: 0, end: 10, magnitude: 90 },
    ])
    expect(out).toHaveLength(6)
    expect(new Set(out.map((i) => i.id)).size).toBe(6)
    expect(out.map((i) => i.start)).toEqual([...out.map((i) => i.start)].sort((a, b) => a - b))
  })
})

describe('affects', () => {
  const pm25Spike = incident({ region: '440103', station: 'AQ-440103-01', effects: [{ indicator: 'env.pm25', magnitude: 200 }] })
  const episode = incident({ kind: 'episode', region: '440100', station: undefined, effects: [{ indicator: 'env.pm25', magnitude: 150 }] })
  const congestion = incident({ kind: 'levelShift', region: '440103', station: undefined, effects: [{ indicator: 'traffic.congestion_index', magnitude: 1 }] })
  const flowSpike = incident({ effects: [{ indicator: 'traffic.flow', magnitude: 4000 }] })

  it.each<[string, Incident, SeriesRef, boolean]>([
    ['the faulty station', incident(), series('traffic.speed', '440103', 'TD-440103-001'), true],
    ['another station of the region', incident(), series('traffic.speed', '440103', 'TD-440103-002'), false],
    ['another indicator of the station', incident(), series('traffic.flow', '440103', 'TD-440103-001'), false],
    ['the county aggregate over the station', incident(), series('traffic.speed', '440103', '', true), true],
    ['the city aggregate over the station', incident(), series('traffic.speed', '440100', '', true), true],
    ['the province aggregate', incident(), series('traffic.speed', '440000', '', true), true],
    ['another city', incident(), series('traffic.speed', '440300', '', true), false],
    ['a pollutant spike, in the station AQI derived from it', pm25Spike, series('env.aqi', '440103', 'AQ-440103-01'), true],
    ['a pollutant spike, in the county AQI aggregate', pm25Spike, series('env.aqi', '440103', '', true), true],
    ['an episode, at a station of its city', episode, series('env.pm25', '440104', 'AQ-440104-01'), true],
    ['an episode, in the AQI aggregate of a county of its city', episode, series('env.aqi', '440104', '', true), true],
    ['an episode, at a station of another city', episode, series('env.pm25', '440304', 'AQ-440304-01'), false],
    ['a region level shift, in the region itself', congestion, series('traffic.congestion_index', '440103'), true],
    ['a region level shift, in a sibling county', congestion, series('traffic.congestion_index', '440104'), false],
    ['a region level shift, in its city aggregate', congestion, series('traffic.congestion_index', '440100', '', true), true],
    ['a flow spike, in the speed aggregate it weighs', flowSpike, series('traffic.speed', '440100', '', true), true],
    ['a flow spike, not in the station speed', flowSpike, series('traffic.speed', '440103', 'TD-440103-001'), false],
  ])('%s: %s', (_what, inc, s, expected) => {
    expect(affects(index, inc, s)).toBe(expected)
  })

  it('gives the effect on a derived indicator as the source effect', () => {
    expect(effectOn(index, pm25Spike, 'env.aqi', false)).toEqual({ indicator: 'env.aqi', magnitude: 200 })
    expect(effectOn(index, pm25Spike, 'env.o3', false)).toBeUndefined()
  })
})
