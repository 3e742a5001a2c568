import type { StationKind } from '../../common/catalog-schema'
import type { TownshipCounts } from './division-catalog'
import type { Zone } from './economic-zones'
import { allocateSeats } from './seat-allocation'

/**
 * How many stations of each kind. Guangdong runs about 100 national air-quality
 * monitoring stations; the detector count is a round number sized for a demo
 * wall and a benchmark. There are more leaf regions (about 120) than air
 * stations, so the least active leaves, mostly northern mountain counties, get
 * none: consumers must expect leaves without air data.
 */
export const STATION_TOTALS: Record<StationKind, number> = { air: 100, traffic: 500 }

/** An urban subdistrict (街道) counts as this many towns (镇/乡) of activity. */
export const SUBDISTRICT_WEIGHT = 3

/**
 * Economic activity per township by zone, relative to east and west: the Pearl
 * River Delta's towns are as busy as small cities; the northern mountain
 * counties are the quietest. Rough ratios of GDP per township, not exact figures.
 */
export const ZONE_ACTIVITY: Record<Zone, number> = { prd: 2, east: 1, west: 1, north: 0.7 }

/**
 * A leaf's weight: how urban it is (its townships, subdistricts counting more)
 * times how busy its zone is. Never zero, so a leaf with no listed township
 * still has a chance.
 */
export function activityWeight(townships: TownshipCounts | undefined, zone: Zone): number {
  const units = townships ? SUBDISTRICT_WEIGHT * townships.subdistricts + townships.towns : 0
  return Math.max(units, 1) * ZONE_ACTIVITY[zone]
}

/** Stations per leaf code for one kind: one each while they last, then by weight. */
export function planStationSeats(kind: StationKind, weights: ReadonlyMap<string, number>): Map<string, number> {
  return allocateSeats(weights, STATION_TOTALS[kind])
}
