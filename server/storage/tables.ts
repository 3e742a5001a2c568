/**
 * Fully qualified table names. The database name comes from validated
 * configuration (a plain identifier), never from a request, so it is the one
 * thing interpolated into SQL; every value is bound with query_params.
 */
export function tableNames(database: string) {
  const q = (t: string) => `${database}.${t}`
  return {
    migrations: q('schema_migrations'),
    points: q('points'),
    points1m: q('points_1m'),
    points1h: q('points_1h'),
    points1d: q('points_1d'),
    latest: q('points_latest'),
    rejects: q('rejects'),
    backfill: q('history_backfill'),
    regions: q('regions'),
    indicators: q('indicators'),
    stations: q('stations'),
    regionSeries1m: q('region_series_1m'),
    regionSeries1h: q('region_series_1h'),
    regionSeries1d: q('region_series_1d'),
    regionSeriesWatermarks: q('region_series_watermarks'),
    alertEvents: q('alert_events'),
    rules: q('rules'),
    ruleChanges: q('rule_changes'),
    accounts: q('accounts'),
    sessions: q('sessions'),
    apiKeys: q('api_keys'),
    authLog: q('auth_log'),
    documents: q('documents'),
    caseEvents: q('case_events'),
  }
}
export type TableNames = ReturnType<typeof tableNames>

/** Rollup tables by step: what a series query reads for a given resolution. */
export const ROLLUP_STEPS = ['1m', '1h', '1d'] as const
export type RollupStep = (typeof ROLLUP_STEPS)[number]

export function rollupTable(t: TableNames, step: RollupStep): string {
  return step === '1m' ? t.points1m : step === '1h' ? t.points1h : t.points1d
}

/** Region rollup tables by step: each region's own series, compacted from the rollups. */
export function regionSeriesTable(t: TableNames, step: RollupStep): string {
  return step === '1m' ? t.regionSeries1m : step === '1h' ? t.regionSeries1h : t.regionSeries1d
}
