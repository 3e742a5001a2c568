import type { CatalogIndex } from '../../common/catalog-index'
import type { LiveValue } from '../../common/live-contract'
import type { IngestBus } from '../../ingest/ingest-bus'
import type { Logger } from '../logger'
import type { StorageClient } from '../storage/storage-client'
import type { TableNames } from '../storage/tables'
import type { AlertLog } from './alert-feed'
import { AlertService } from './alert-service'
import { RuleEngine } from './rule-engine'
import { ClickHouseRuleRecords } from '../storage/rule-tables'
import { RuleStore } from './rule-store'

/**
 * The alert flow in one place: rules from storage (seeded on a first start),
 * the engine judging every stored batch and every region aggregate the live
 * hub computes, the alert service turning its decisions into logged alerts,
 * and the timer that notices silence, escalates and expires silences.
 */

/** How often silence is looked for, unacknowledged alerts escalate and silences expire. */
export const ALERT_SWEEP_MS = 10_000

export interface Alerting {
  readonly service: AlertService
  readonly engine: RuleEngine
  readonly rules: RuleStore
  /** What each series last said (history at start), so one that never speaks again is noticed as stale. */
  remember(latest: Iterable<{ indicator: string; region: string; station: string; ts: number; value: number }>, aggregates: Iterable<LiveValue>): void
  /** Region aggregates from a live tick. */
  observeAggregates(values: readonly LiveValue[]): void
  /** Starts the sweep timer. */
  start(): void
  /** Stops the timer; alert events under way are the log's to drain. */
  stop(): void
}

export interface AlertingDeps {
  client: StorageClient['client']
  tables: TableNames
  index: CatalogIndex
  /** Where the default rules are read from on a first start. */
  seedDir: string
  feed: AlertLog
  bus: IngestBus
  timeZone: string
  now: () => number
  log: Logger
  /** The series' value now (the live hub's), logged with every human action. */
  currentValue?: (indicator: string, region: string, station: string) => number | null
}

export async function createAlerting(deps: AlertingDeps): Promise<Alerting> {
  const { now, log } = deps
  const rules = new RuleStore({ records: new ClickHouseRuleRecords(deps.client, deps.tables), index: deps.index, seedDir: deps.seedDir, log: log.child({ component: 'rules' }), now })
  log.info(await rules.load(), 'alert rules loaded')
  const engine = new RuleEngine(deps.index, [], { timeZone: deps.timeZone })
  const service = new AlertService({ feed: deps.feed, engine, index: deps.index, now, log: log.child({ component: 'alerts' }), currentValue: deps.currentValue })
  service.setRules(rules.list())
  rules.subscribe((list) => service.setRules(list))
  await service.load()
  deps.bus.subscribe((batch) => void service.handle(engine.observeBatch(batch)))

  let timer: NodeJS.Timeout | undefined
  return {
    service,
    engine,
    rules,
    remember(latest, aggregates) {
      for (const s of latest) engine.remember(s.indicator, s.region, s.station, s.ts, s.value)
      for (const v of aggregates) if (!v.station) engine.remember(v.indicator, v.region, '', v.ts, v.value, true)
    },
    observeAggregates(values) {
      void service.handle(engine.observeAggregates(values))
    },
    start() {
      timer ??= setInterval(() => {
        void service.handle(engine.sweep(now()))
        service.tick(now()).catch((err: unknown) => log.error({ err }, 'alert timer failed'))
      }, ALERT_SWEEP_MS)
      timer.unref()
    },
    stop() {
      clearInterval(timer)
      timer = undefined
    },
  }
}
