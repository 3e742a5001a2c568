import { describe, expect, it } from 'vitest'
import { onlyValuesChanged, type MapLayerInputs } from './map-layers'
import type { RegionCollection, RegionView } from './region-geo'

const EMPTY: RegionCollection = { type: 'FeatureCollection', features: [] }
const view = (region: string): RegionView => ({ region, shown: EMPTY, children: [], counties: EMPTY, indexOf: new Map(), outline: EMPTY, bounds: null, occupancy: null })
const column = <T>(value: T, revision: number) => ({ at: () => value, revision })

function inputs(overrides: Partial<MapLayerInputs> = {}): MapLayerInputs {
  return { land: EMPTY, context: EMPTY, view: view('440000'), fill: column<[number, number, number, number]>([0, 0, 0, 255], 1), air: null, traffic: null, pulses: [], focus: null, labels: null, ...overrides }
}

describe('onlyValuesChanged (what a CPU renderer may put off)', () => {
  const base = inputs()
  it('is true when only the live columns moved', () => {
    expect(onlyValuesChanged(base, { ...base, fill: column([255, 0, 0, 255], 2) })).toBe(true)
  })
  it('is true for new values in the labels (the wall), false for labels placed anew', () => {
    const labels = (placement: string, revision: number) => ({ labels: [], placement, revision, size: 20, fontFamily: 'sans-serif', characterSet: '' })
    const a = { ...base, labels: labels('440000|1|zh', 1) }
    expect(onlyValuesChanged(a, { ...a, labels: labels('440000|1|zh', 2) })).toBe(true)
    expect(onlyValuesChanged(a, { ...a, labels: labels('440000|2|zh', 2) })).toBe(false)
    expect(onlyValuesChanged(a, { ...a, labels: labels('440000|1|en', 1) })).toBe(false)
  })
  it('is false for a drill, new alert pulses, a ringed station, or stations shown or hidden', () => {
    expect(onlyValuesChanged(base, { ...base, view: view('440100') })).toBe(false)
    expect(onlyValuesChanged(base, { ...base, pulses: [{ code: '440100', position: [113, 23], severity: 'critical', count: 1 }] })).toBe(false)
    expect(onlyValuesChanged(base, { ...base, focus: [113.3, 23.1] })).toBe(false)
    expect(onlyValuesChanged(base, { ...base, air: { stations: [], color: column([0, 0, 0, 255], 1) } })).toBe(false)
  })
})
