import type { CatalogIndex } from '../../common/catalog-index'
import { createBusinessSimulator } from './business-simulator'
import { createEnvironmentSimulator } from './environment-simulator'
import { LocalCalendar } from './local-calendar'
import { createPovertySimulator } from './poverty-simulator'
import type { Simulator, SimulatorOptions } from './simulator'
import { createTrafficSimulator } from './traffic-simulator'

/**
 * One simulator per domain (business, poverty, environment, traffic) for the
 * regions and stations of the catalog. Nothing here knows a province: regions
 * differ by their `zone` and their place in the tree, stations by their kind.
 */
export function createSimulators(index: CatalogIndex, options: SimulatorOptions): Simulator[] {
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`)
  const calendar = new LocalCalendar(options.utcOffsetMinutes)
  return [
    createBusinessSimulator(index, options, calendar),
    createPovertySimulator(index, options, calendar),
    createEnvironmentSimulator(index, options, calendar),
    createTrafficSimulator(index, options, calendar),
  ]
}
