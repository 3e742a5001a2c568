export { createSimulators } from './create-simulators'
export { historyInChunks } from './history-chunks'
export {
  ANOMALY_KINDS,
  DAY_MS,
  HISTORY_RESOLUTIONS,
  HOUR_MS,
  LAST_STAMP_BEFORE_END_MS,
  MINUTE_MS,
  type AnomalyKind,
  type ScheduledAnomaly,
  type SeriesSpec,
  type SimPoint,
  type Simulator,
  type SimulatorOptions,
} from './simulator'
export { hourlyAqi, iaqi } from './aqi'
export { anomalyCover, bySeries, seriesKeyOf } from './point-grouping'
